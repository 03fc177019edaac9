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
  await db.pool.query('VACUUM ANALYZE checks, check_search');
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

test('a search reads the narrow check_search table (migration 016), which follows renames, URL edits and deletes but not probe updates', async () => {
  const search = (text: string) => listDashboardChecks(db.pool, account.accountId, { search: text, state: null, page: 1 });
  let found: Awaited<ReturnType<typeof listDashboardChecks>> | undefined;
  const statements = await recordQueries(async (pool) => {
    found = await listDashboardChecks(pool, account.accountId, { search: 'SVC-000123', state: null, page: 1 });
  });
  expect(found!.checks.map((check) => check.name)).toEqual(['svc-000123']);
  expect(found).toMatchObject({ matching: 1, total: CHECKS, pageCount: 1 });
  // The matches come from check_search's trigram indexes, then by id: no statement reads every checks row.
  const finding = statements.filter((sent) => sent.text.includes('FROM check_search'));
  expect(finding).toHaveLength(1);
  expect(await planOf(finding[0]!)).toMatch(/Bitmap Index Scan on check_search_name_trgm_idx/);
  for (const statement of statements) expect(await planOf(statement)).not.toMatch(/Seq Scan on checks\b/);
  // LIKE's pattern characters are plain characters.
  expect((await search('svc_000123')).matching).toBe(0);
  expect((await search('%')).matching).toBe(0);

  // A search matching more checks than are read by id pages through the order index instead.
  const broad = await search('SVC-');
  expect(broad).toMatchObject({ matching: CHECKS, total: CHECKS, pageCount: CHECKS / 50 });
  expect(broad.checks[0]!.name).toBe('svc-000050');

  const [target] = (await db.pool.query(`SELECT id FROM checks WHERE account_id = $1 AND name = 'svc-000124'`, [account.accountId])).rows;
  const searchRow = async () => (await db.pool.query(`SELECT xmin::text AS version, * FROM check_search WHERE check_id = $1`, [target.id])).rows[0];
  const before = await searchRow();
  // The probe engine's writes leave the search row alone (no new row version).
  await db.pool.query(`UPDATE checks SET state = 'down', last_probed_at = now(), consecutive_failures = 3 WHERE id = $1`, [target.id]);
  expect((await searchRow()).version).toBe(before.version);

  await db.pool.query(`UPDATE checks SET name = 'Renamed Billing', url = 'https://billing.EXAMPLE.org/ping' WHERE id = $1`, [target.id]);
  expect((await search('renamed bill')).checks.map((check) => check.id)).toEqual([target.id]);
  expect((await search('BILLING.example.ORG')).checks.map((check) => check.id)).toEqual([target.id]);
  expect((await search('svc-000124')).matching).toBe(0);
  await db.pool.query(`DELETE FROM checks WHERE id = $1`, [target.id]);
  expect(await searchRow()).toBeUndefined();
  expect((await search('renamed bill')).matching).toBe(0);
});
