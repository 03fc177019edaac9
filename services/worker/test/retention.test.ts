import { createTestDatabase, type TestDatabase } from '@pingdummy/shared/testing';
import { applyRetention } from '../src/retention.js';
import { insertCheck, seedAccount } from './helpers.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
});

async function insertResult(checkId: string, daysAgo: number) {
  await db.pool.query(
    `INSERT INTO results (check_id, scheduled_at, region, started_at, outcome)
     VALUES ($1, now() - make_interval(days => $2), 'local', now(), 'up')`,
    [checkId, daysAgo],
  );
}

test('drops old result partitions, deletes old rows from the default partition, keeps recent ones', async () => {
  const accountId = await seedAccount(db.pool);
  const checkId = await insertCheck(db.pool, accountId, { url: 'https://example.com' });
  await db.pool.query(`SELECT ensure_result_partitions(current_date - 20, current_date - 20)`);
  await insertResult(checkId, 20); // its own partition
  await insertResult(checkId, 40); // no partition: lands in results_default
  await insertResult(checkId, 0);
  await db.pool.query(
    `INSERT INTO rollups_daily (check_id, bucket_start, region, probe_count, up_count, latency_hist)
     VALUES ($1, now() - interval '401 days', 'local', 1, 1, '{}'), ($1, now() - interval '10 days', 'local', 1, 1, '{}')`,
    [checkId],
  );

  const summary = await applyRetention(db.pool, 14, 400);
  expect(summary.droppedPartitions).toContain(
    `results_${new Date(Date.now() - 20 * 86_400_000).toISOString().slice(0, 10).replaceAll('-', '')}`,
  );
  expect(summary.deletedDefaultRows).toBe(1);
  expect(summary.deletedRollupRows).toBe(1);
  const left = await db.pool.query(`SELECT count(*)::int AS n FROM results WHERE check_id = $1`, [checkId]);
  expect(left.rows[0].n).toBe(1);
  const again = await applyRetention(db.pool, 14, 400);
  expect(again.droppedPartitions).toEqual([]);
  expect(again.createdPartitions).toBe(0);
});
