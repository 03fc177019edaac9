import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '@pingdummy/shared/testing';
import { claimDueChecks } from '../src/claim-due-checks.js';
import { recordRound } from '../src/record-round.js';
import type { RoundResult } from '../src/probe-round.js';
import { seedAccount } from './helpers.js';

// The statements of a recorded round are prepared once per connection, so Postgres reuses their plans instead
// of planning them every round. A reused plan is a generic one: it knows no parameter values. These tests make
// Postgres use generic plans only, then check that each still reaches checks by its key. The claim is prepared too.
const CHECKS = 5_000;
let db: TestDatabase;
let genericOnly: pg.Pool;

beforeAll(async () => {
  db = await createTestDatabase();
  const accountId = await seedAccount(db.pool);
  await db.pool.query(
    `INSERT INTO checks (account_id, name, url, interval_seconds, timeout_ms, next_due_at)
     SELECT $1, 'check ' || i, 'http://127.0.0.1:9/' || i, 60, 5000, now() - interval '1 minute'
       FROM generate_series(1, $2) AS i`,
    [accountId, CHECKS],
  );
  await db.pool.query(`SELECT ensure_result_partitions(current_date - 1, current_date + 1)`);
  await db.pool.query('ANALYZE checks');
  // One connection, so the statements EXPLAIN reads are the ones the round prepared.
  genericOnly = new pg.Pool({ connectionString: db.url, max: 1, options: '-c plan_cache_mode=force_generic_plan' });
});
afterAll(async () => {
  await genericOnly.end();
  await db.drop();
});

/** The plan the connection reuses for a prepared statement, executed with these SQL literals. */
async function genericPlan(name: string, literals: string[]): Promise<string> {
  const { rows } = await genericOnly.query(`EXPLAIN (COSTS OFF) EXECUTE "${name}"(${literals.join(', ')})`);
  return rows.map((row) => row['QUERY PLAN'] as string).join('\n');
}

test('a round prepares its writes, and their generic plans find checks by key, never by reading every check', async () => {
  const claimed = await claimDueChecks(genericOnly, 'worker-1', 50, 15);
  expect(claimed).toHaveLength(50);
  const results: RoundResult[] = claimed.map((check) => ({
    checkId: check.id, scheduledAt: check.scheduledAt, region: 'eu', startedAt: new Date(), outcome: 'up', statusCode: 200,
    latencyMs: 12, dnsMs: null, connectMs: 1, tlsMs: null, ttfbMs: 10, errorClass: null, errorMessage: null, tlsExpiresAt: null,
  }));
  const summary = await recordRound(genericOnly, 'worker-1', claimed, results, 'http://pingdummy.test', 15);
  expect(summary).toMatchObject({ inserted: 50, advanced: 50, fenced: 0 });

  const prepared = await genericOnly.query(`SELECT name, generic_plans FROM pg_prepared_statements ORDER BY name`);
  expect(prepared.rows.map((row) => row.name)).toEqual(['advance-checks', 'checks-in-maintenance', 'claim-due-checks', 'insert-results', 'upsert-rollups_hourly']);
  expect(prepared.rows.every((row) => Number(row.generic_plans) === 1)).toBe(true);

  const advance = await genericPlan('advance-checks', Array.from({ length: 10 }, () => `'{}'`));
  expect(advance).toContain('Index Scan using checks_pkey on checks');
  expect(advance).not.toMatch(/Seq Scan on checks/);
});

test('the claim is prepared, and its generic plan locks due checks from the due index and updates them by key', async () => {
  await claimDueChecks(genericOnly, 'worker-2', 10, 15);
  const prepared = await genericOnly.query(`SELECT statement FROM pg_prepared_statements WHERE name = 'claim-due-checks'`);
  expect(prepared.rows).toHaveLength(1);
  const plan = await genericPlan('claim-due-checks', [`'worker-2'`, '10', '15', '0']);
  expect(plan).toContain('checks_due_idx');
  expect(plan).toContain('checks_pkey');
  expect(plan).not.toMatch(/Seq Scan on checks/);
});
