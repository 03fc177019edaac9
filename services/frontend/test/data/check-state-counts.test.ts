import { createTestDatabase, type TestDatabase } from '@pingdummy/shared/testing';
import { checkStateCounts, foldLedger } from '../../src/data/check-state-counts.js';
import { insertAccount, type TestAccount } from './fixtures.js';

/**
 * The per-state counts the dashboard reads come from a ledger kept by triggers on `checks` (migration 013).
 * After every kind of write (inserts in bulk, the worker's round updates, pauses, deletes, concurrent writers
 * and folds) they must equal a direct count of the checks.
 */

let db: TestDatabase;
let first: TestAccount;
let second: TestAccount;

beforeAll(async () => {
  db = await createTestDatabase();
  first = await insertAccount(db.pool, { checkLimit: 1_000 });
  second = await insertAccount(db.pool, { checkLimit: 1_000 });
});
afterAll(async () => {
  await db.drop();
});

/** What a pass over the checks says: the truth the ledger must match. */
async function directCounts(accountId: string): Promise<Map<string, number>> {
  const { rows } = await db.pool.query(
    `SELECT CASE WHEN paused THEN 'paused' ELSE state END AS state, count(*)::int AS n FROM checks WHERE account_id = $1 GROUP BY 1`,
    [accountId],
  );
  return new Map(rows.map((row) => [row.state, row.n]));
}

const sorted = (counts: Map<string, number>) => Object.fromEntries([...counts].sort(([a], [b]) => a.localeCompare(b)));

async function expectLedgerMatches(account: TestAccount): Promise<void> {
  expect(sorted(await checkStateCounts(db.pool, account.accountId))).toEqual(sorted(await directCounts(account.accountId)));
}

async function ledgerRows(accountId: string): Promise<number> {
  const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM check_state_ledger WHERE account_id = $1`, [accountId]);
  return rows[0].n;
}

async function insertChecks(account: TestAccount, count: number): Promise<void> {
  await db.pool.query(
    `INSERT INTO checks (account_id, name, url, state, paused)
     SELECT $1, 'svc-' || n, 'https://svc-' || n || '.example.com/', (ARRAY['pending', 'up', 'down', 'degraded'])[1 + n % 4], n % 7 = 0
     FROM generate_series(1, $2::int) AS n`,
    [account.accountId, count],
  );
}

test('inserts, state changes, pauses and deletes keep the counts; a worker round that changes nothing writes no ledger row', async () => {
  await insertChecks(first, 300);
  await insertChecks(second, 40);
  await expectLedgerMatches(first);
  await expectLedgerMatches(second);
  // 300 rows from the bulk insert were folded by that read into one per state.
  expect(await ledgerRows(first.accountId)).toBeLessThanOrEqual(5);

  // The worker sets every probed check's state, changed or not (record-round.ts): unchanged ones cost nothing.
  const before = await ledgerRows(first.accountId);
  await db.pool.query(`UPDATE checks SET state = state, consecutive_failures = 0 WHERE account_id = $1`, [first.accountId]);
  expect(await ledgerRows(first.accountId)).toBe(before);

  await db.pool.query(`UPDATE checks SET state = 'down' WHERE account_id = $1 AND name LIKE 'svc-1%'`, [first.accountId]);
  await db.pool.query(`UPDATE checks SET paused = NOT paused WHERE account_id = $1 AND name LIKE 'svc-2%'`, [first.accountId]);
  await db.pool.query(`DELETE FROM checks WHERE account_id = $1 AND name LIKE 'svc-3%'`, [first.accountId]);
  await expectLedgerMatches(first);
  await expectLedgerMatches(second);
});

test('concurrent writers and folds never lose a change', async () => {
  const ids: string[] = (await db.pool.query(`SELECT id FROM checks WHERE account_id = $1`, [second.accountId])).rows.map((row) => row.id);
  const states = ['up', 'down', 'degraded', 'pending'];
  const writer = async (seed: number) => {
    for (let n = 0; n < 40; n += 1) {
      const id = ids[(seed * 7 + n * 13) % ids.length];
      await db.pool.query(`UPDATE checks SET state = $2, paused = $3 WHERE id = $1`, [id, states[(seed + n) % 4], (seed + n) % 5 === 0]);
    }
  };
  const folder = async () => {
    for (let n = 0; n < 10; n += 1) await foldLedger(db.pool, second.accountId);
  };
  await Promise.all([writer(1), writer(2), writer(3), folder(), folder()]);
  await expectLedgerMatches(second);
  await foldLedger(db.pool, second.accountId);
  await expectLedgerMatches(second);
});

test('an account with no checks has no counts', async () => {
  const empty = await insertAccount(db.pool);
  expect((await checkStateCounts(db.pool, empty.accountId)).size).toBe(0);
});
