import { createTestDatabase, type TestDatabase } from '../src/testing/index.js';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { MIGRATIONS_DIR, runMigrations } from '../src/migrate.js';

/** Every migration on disk, in the order node-pg-migrate applies them. */
const migrationNames = readdirSync(MIGRATIONS_DIR)
  .filter((file) => file.endsWith('.sql'))
  .map((file) => file.replace(/\.sql$/, ''))
  .sort();

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
});

test('migrations are applied and idempotent', async () => {
  expect(await runMigrations(db.url)).toEqual([]);
  const { rows } = await db.pool.query(`SELECT name FROM pgmigrations ORDER BY id`);
  expect(rows.map((row) => row.name)).toEqual(migrationNames);
});

test('every foreign key is covered by an index that starts with its columns', async () => {
  const { rows } = await db.pool.query(`
    SELECT c.conrelid::regclass::text AS table_name, c.conname
    FROM pg_constraint c
    WHERE c.contype = 'f'
      AND c.conrelid::regclass::text NOT LIKE 'results_%'
      AND NOT EXISTS (
        SELECT 1 FROM pg_index i
        WHERE i.indrelid = c.conrelid
          AND (i.indkey::int2[])[0:array_length(c.conkey, 1) - 1] = c.conkey::int2[]
      )`);
  expect(rows).toEqual([]);
});

test('results are partitioned by day and the partition function is idempotent', async () => {
  const created = await db.pool.query(`SELECT ensure_result_partitions(current_date - 2, current_date + 1) AS n`);
  expect(created.rows[0].n).toBe(1); // current_date - 2 is the only day the migration did not create
  const again = await db.pool.query(`SELECT ensure_result_partitions(current_date - 2, current_date + 1) AS n`);
  expect(again.rows[0].n).toBe(0);
});

test.each([
  ['{1,2,3}', '{10,0,5,7}', [11, 2, 8, 7]],
  ['{10,0,5,7}', '{1,2,3}', [11, 2, 8, 7]],
  ['{1,NULL,3}', '{1,1,1}', [2, 1, 4]],
  ['{}', '{4,5}', [4, 5]],
  [null, '{4,5}', [4, 5]],
  ['{}', '{}', []],
  [null, null, []],
])('histogram_add(%s, %s) adds bucket by bucket, missing buckets counting as zero', async (a, b, sum) => {
  const { rows } = await db.pool.query(`SELECT histogram_add($1::int[], $2::int[]) AS h`, [a, b]);
  expect(rows[0].h).toEqual(sum);
});

test('018 down folds the days not folded yet, today included, for the workers before it', async () => {
  const fresh = await createTestDatabase();
  try {
    const account = await fresh.pool.query(`INSERT INTO accounts (name, slug) VALUES ('a', 'acme') RETURNING id`);
    const check = await fresh.pool.query(`INSERT INTO checks (account_id, name, url) VALUES ($1, 'x', 'https://example.com') RETURNING id`, [
      account.rows[0].id,
    ]);
    await fresh.pool.query(
      `INSERT INTO rollups_hourly (check_id, bucket_start, region, probe_count, up_count, latency_sum, latency_hist)
       VALUES ($1, date_trunc('day', now(), 'UTC'), 'eu', 2, 2, 10, '{0,2}'),
              ($1, date_trunc('day', now(), 'UTC') + interval '1 minute', 'eu', 5, 4, 40, '{1,2,1}')`,
      [check.rows[0].id],
    );
    const down = readFileSync(path.join(MIGRATIONS_DIR, '018_daily_rollups_folded.sql'), 'utf8').split('-- Down Migration')[1]!;
    await fresh.pool.query(down);
    const daily = await fresh.pool.query(
      `SELECT bucket_start = date_trunc('day', now(), 'UTC') AS today, probe_count, up_count, latency_sum::int, latency_hist FROM rollups_daily`,
    );
    expect(daily.rows).toEqual([{ today: true, probe_count: 7, up_count: 6, latency_sum: 50, latency_hist: [1, 4, 1] }]);
    expect((await fresh.pool.query(`SELECT to_regclass('rollup_fold') AS fold`)).rows[0].fold).toBeNull();
  } finally {
    await fresh.drop();
  }
});

test('the database refuses a check whose interval is out of range', async () => {
  const account = await db.pool.query(`INSERT INTO accounts (name, slug) VALUES ('a', 'acme') RETURNING id`);
  await expect(
    db.pool.query(`INSERT INTO checks (account_id, name, url, interval_seconds, timeout_ms) VALUES ($1, 'x', 'https://example.com', 5, 1000)`, [
      account.rows[0].id,
    ]),
  ).rejects.toThrow(/interval_seconds/);
});

test('concurrent starts wait for each other instead of failing on the migration lock', async () => {
  const fresh = await createTestDatabase();
  try {
    await fresh.pool.query(`DROP SCHEMA public CASCADE; CREATE SCHEMA public`);
    const runs = await Promise.all([runMigrations(fresh.url), runMigrations(fresh.url), runMigrations(fresh.url)]);
    expect(migrationNames[0]).toBe('001_initial');
    expect(runs.flat()).toEqual(migrationNames);
  } finally {
    await fresh.drop();
  }
});
