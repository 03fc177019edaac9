import type { Pool } from '@pingdummy/shared';
import { createTestDatabase, type TestDatabase } from '@pingdummy/shared/testing';
import { listDashboardChecks } from '../../src/data/dashboard-checks.js';
import { insertAccount, type TestAccount } from './fixtures.js';

/**
 * The dashboard's first page at account scale is read in order from migration 008's checks_dashboard_order_idx
 * (no sort of the whole account). The statements are the ones listDashboardChecks really sends, recorded on the way.
 */

let db: TestDatabase;
let account: TestAccount;
const CHECKS = 20_000;

beforeAll(async () => {
  db = await createTestDatabase();
  account = await insertAccount(db.pool, { checkLimit: CHECKS });
  const other = await insertAccount(db.pool);
  for (const [accountId, count] of [
    [account.accountId, CHECKS],
    [other.accountId, 2_000],
  ] as const) {
    await db.pool.query(
      // Rows about as wide as real ones (a path, a header, a keyword), so the planner weighs the real sizes.
      `INSERT INTO checks (account_id, name, url, headers, keyword, keyword_mode, state, paused)
       SELECT $1, 'svc-' || lpad(n::text, 6, '0'), 'https://svc-' || n || '.example.com/api/v1/health?deep=true&include=db,cache,queue',
              jsonb_build_object('authorization', 'Bearer ' || md5(n::text) || md5((n + 1)::text), 'accept', 'application/json'),
              '"status":"ok"', 'present', CASE WHEN n % 50 = 0 THEN 'down' ELSE 'up' END, n % 97 = 0
       FROM generate_series(1, $2::int) AS n`,
      [accountId, count],
    );
  }
  await db.pool.query('VACUUM ANALYZE checks');
}, 60_000);
afterAll(async () => {
  await db.drop();
});

/** The statements a call sends through the pool, in order. */
async function recordQueries(call: (pool: Pool) => Promise<unknown>): Promise<{ text: string; values: unknown[] }[]> {
  const sent: { text: string; values: unknown[] }[] = [];
  const recording = new Proxy(db.pool, {
    get(target, property, receiver) {
      if (property === 'query') {
        return (text: string, values: unknown[]) => {
          sent.push({ text, values });
          return target.query(text, values);
        };
      }
      return Reflect.get(target, property, receiver);
    },
  });
  await call(recording);
  return sent;
}

async function planOf(statement: { text: string; values: unknown[] }): Promise<string> {
  const { rows } = await db.pool.query(`EXPLAIN ${statement.text}`, statement.values);
  return rows.map((row) => row['QUERY PLAN']).join('\n');
}

test('page 1 of 400 is read in order from checks_dashboard_order_idx: no sort of the whole account', async () => {
  let page: Awaited<ReturnType<typeof listDashboardChecks>> | undefined;
  const [counting, firstPage] = await recordQueries(async (pool) => {
    page = await listDashboardChecks(pool, account.accountId, { search: '', state: null, page: 1 });
  });
  expect(page!.pageCount).toBe(400);
  expect(page!.checks[0]!.name).toBe('svc-000050');
  // The counts come from the state ledger (migration 013), not a pass over the account's checks.
  expect(counting!.text).toContain('FROM check_state_ledger');
  expect(await planOf(counting!)).not.toMatch(/ on checks\b/);
  const pagePlan = await planOf(firstPage!);
  expect(pagePlan).toMatch(/^Limit.*\n\s+-> {2}Index Scan using checks_dashboard_order_idx on checks/);
  expect(pagePlan).not.toContain('Sort');
});

test('a page in the second half is read backwards from the end of the order index, with the same rows as a forward read', async () => {
  const pageSize = 30; // 20,000 / 30: 667 pages, the last one with 20 checks
  const forward = async (page: number) =>
    (
      await db.pool.query(
        `SELECT id FROM checks WHERE account_id = $1
         ORDER BY array_position(ARRAY['down', 'degraded', 'pending', 'up', 'paused']::text[], CASE WHEN paused THEN 'paused' ELSE state END), lower(name), id
         LIMIT $2 OFFSET $3`,
        [account.accountId, pageSize, (page - 1) * pageSize],
      )
    ).rows.map((row) => row.id);
  for (const page of [2, 333, 334, 500, 666, 667, 900]) {
    const listed = await listDashboardChecks(db.pool, account.accountId, { search: '', state: null, page, pageSize });
    const shown = Math.min(page, 667);
    expect([page, listed.page, listed.checks.map((check) => check.id)]).toEqual([page, shown, await forward(shown)]);
  }
  const [, lastPage] = await recordQueries(async (pool) => {
    await listDashboardChecks(pool, account.accountId, { search: '', state: null, page: 667, pageSize });
  });
  const plan = await planOf(lastPage!);
  expect(plan).toMatch(/^Limit.*\n\s+-> {2}Index Scan Backward using checks_dashboard_order_idx on checks/);
  expect(plan).not.toContain('Sort');
});
