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
