import { emptyHistogram, withTransaction } from '@pingdummy/shared';
import { createTestDatabase, type TestDatabase } from '@pingdummy/shared/testing';
import { foldDailyRollups } from '../src/fold-daily-rollups.js';
import { addToRollups } from '../src/rollups.js';
import { insertCheck, seedAccount } from './helpers.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

let db: TestDatabase;
let checkId: string;
beforeAll(async () => {
  db = await createTestDatabase();
  checkId = await insertCheck(db.pool, await seedAccount(db.pool), { url: 'https://example.com' });
});
afterAll(async () => {
  await db.drop();
});

/** 00:00 UTC of the day `daysAgo` days before today, plus `hours`. */
const dayStart = (daysAgo: number, hours = 0) => new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS - daysAgo * DAY_MS + hours * HOUR_MS);
const isoDay = (date: Date) => date.toISOString().slice(0, 10);
/** The last day a fold may complete now: days that ended at least 15 minutes ago. */
const lastFoldableDay = () => isoDay(new Date(Math.floor((Date.now() - 15 * 60_000) / DAY_MS) * DAY_MS - DAY_MS));

async function insertHourly(bucketStart: Date, region: string, counts: { probes: number; ups: number; maintenanceProbes?: number; latency: [number, number]; bucket: number }) {
  const histogram = emptyHistogram();
  histogram[counts.bucket] = counts.ups;
  await db.pool.query(
    `INSERT INTO rollups_hourly (check_id, bucket_start, region, probe_count, up_count, degraded_count, latency_min, latency_max,
                                 latency_sum, latency_hist, maintenance_probe_count, maintenance_up_count)
     VALUES ($1, $2, $3, $4, $5, 1, $6, $7, $8, $9, $10, 0)`,
    [checkId, bucketStart, region, counts.probes, counts.ups, counts.latency[0], counts.latency[1], counts.ups * 100, histogram, counts.maintenanceProbes ?? 0],
  );
}

async function dailyRows() {
  const { rows } = await db.pool.query(
    `SELECT to_char(bucket_start AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, region, probe_count, up_count, degraded_count,
            latency_min, latency_max, latency_sum::int, latency_hist, maintenance_probe_count
       FROM rollups_daily WHERE check_id = $1 ORDER BY bucket_start, region`,
    [checkId],
  );
  return rows;
}

const foldedThrough = async () => (await db.pool.query(`SELECT folded_through::text AS day FROM rollup_fold`)).rows[0].day as string;

test('the migration marks every day before today folded: the workers before it wrote daily rows with each round', async () => {
  expect(await foldedThrough()).toBe(isoDay(dayStart(1)));
});

test('a fold writes one daily row per check, day and region from the hourly rows of each day over for 15 minutes, once', async () => {
  await db.pool.query(`UPDATE rollup_fold SET folded_through = $1`, [isoDay(dayStart(4))]);
  // Three days ago: two hours in eu, one in us; two days ago: one hour; today: one hour (not foldable).
  await insertHourly(dayStart(3, 5), 'eu', { probes: 10, ups: 9, maintenanceProbes: 2, latency: [40, 90], bucket: 4 });
  await insertHourly(dayStart(3, 6), 'eu', { probes: 20, ups: 20, latency: [30, 70], bucket: 6 });
  await insertHourly(dayStart(3, 23), 'us', { probes: 5, ups: 1, latency: [500, 500], bucket: 11 });
  await insertHourly(dayStart(2, 0), 'eu', { probes: 7, ups: 7, latency: [10, 20], bucket: 2 });
  await insertHourly(dayStart(0, 0), 'eu', { probes: 3, ups: 3, latency: [10, 10], bucket: 2 });
  // A daily row a worker of the previous version wrote for three days ago, half-way through that day: replaced.
  await db.pool.query(
    `INSERT INTO rollups_daily (check_id, bucket_start, region, probe_count, up_count, latency_hist) VALUES ($1, $2, 'eu', 10, 9, '{}')`,
    [checkId, dayStart(3)],
  );

  const summary = await foldDailyRollups(db.pool);
  expect(summary).toEqual({ foldedThrough: lastFoldableDay(), rows: 3 });
  expect(await foldedThrough()).toBe(lastFoldableDay());
  const threeDaysAgoEu = emptyHistogram();
  threeDaysAgoEu[4] = 9;
  threeDaysAgoEu[6] = 20;
  const threeDaysAgoUs = emptyHistogram();
  threeDaysAgoUs[11] = 1;
  const twoDaysAgo = emptyHistogram();
  twoDaysAgo[2] = 7;
  expect(await dailyRows()).toEqual([
    { day: isoDay(dayStart(3)), region: 'eu', probe_count: 30, up_count: 29, degraded_count: 2, latency_min: 30, latency_max: 90, latency_sum: 2900, latency_hist: threeDaysAgoEu, maintenance_probe_count: 2 },
    { day: isoDay(dayStart(3)), region: 'us', probe_count: 5, up_count: 1, degraded_count: 1, latency_min: 500, latency_max: 500, latency_sum: 100, latency_hist: threeDaysAgoUs, maintenance_probe_count: 0 },
    { day: isoDay(dayStart(2)), region: 'eu', probe_count: 7, up_count: 7, degraded_count: 1, latency_min: 10, latency_max: 20, latency_sum: 700, latency_hist: twoDaysAgo, maintenance_probe_count: 0 },
  ]);

  expect(await foldDailyRollups(db.pool)).toEqual({ foldedThrough: lastFoldableDay(), rows: 0 });
  expect(await dailyRows()).toHaveLength(3);
});

test('a round records a result of a folded day in its daily row too, and one of a day not folded in the hourly rows only', async () => {
  const folded = dayStart(3, 5); // folded by the test above
  const recent = new Date(Date.now() - 60_000);
  await withTransaction(db.pool, (client) =>
    addToRollups(client, [
      { checkId, scheduledAt: folded, region: 'eu', outcome: 'up', latencyMs: 45 },
      { checkId, scheduledAt: recent, region: 'eu', outcome: 'down', latencyMs: null },
    ]),
  );
  const daily = await db.pool.query(
    `SELECT to_char(bucket_start AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, probe_count, up_count FROM rollups_daily
      WHERE check_id = $1 AND region = 'eu' ORDER BY bucket_start`,
    [checkId],
  );
  expect(daily.rows).toEqual([
    { day: isoDay(dayStart(3)), probe_count: 31, up_count: 30 },
    { day: isoDay(dayStart(2)), probe_count: 7, up_count: 7 },
  ]);
  const hourly = await db.pool.query(`SELECT probe_count, up_count FROM rollups_hourly WHERE check_id = $1 AND bucket_start = $2 AND region = 'eu'`, [
    checkId,
    folded,
  ]);
  expect(hourly.rows).toEqual([{ probe_count: 11, up_count: 10 }]);
});

test('a fold waits for no round: while a round that recorded an old result is open, the fold is skipped, and runs after it', async () => {
  await db.pool.query(`UPDATE rollup_fold SET folded_through = $1`, [isoDay(dayStart(3))]);
  const client = await db.pool.connect();
  try {
    await client.query('BEGIN');
    await addToRollups(client, [{ checkId, scheduledAt: dayStart(2, 1), region: 'eu', outcome: 'up', latencyMs: 15 }]);
    expect(await foldDailyRollups(db.pool)).toBeNull();
    await client.query('COMMIT');
  } finally {
    client.release();
  }
  expect(await foldDailyRollups(db.pool)).toEqual({ foldedThrough: lastFoldableDay(), rows: 1 });
  const daily = await db.pool.query(`SELECT probe_count FROM rollups_daily WHERE check_id = $1 AND bucket_start = $2 AND region = 'eu'`, [
    checkId,
    dayStart(2),
  ]);
  // The hourly rows of two days ago: 7 probes at 00:00 and the one the round recorded at 01:00.
  expect(daily.rows).toEqual([{ probe_count: 8 }]);
});
