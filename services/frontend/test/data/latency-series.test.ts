import { percentileFromHistogram } from '@pingdummy/shared';
import { createTestDatabase, type TestDatabase } from '@pingdummy/shared/testing';
import { bucketSecondsFor, getLatencySeries } from '../../src/data/latency-series.js';
import { histogramWith, insertAccount, insertCheck, insertRollup, type TestAccount } from './fixtures.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const floorTo = (time: number, unit: number) => Math.floor(time / unit) * unit;

let db: TestDatabase;
let alice: TestAccount;
let bob: TestAccount;
let busy: string;
let quiet: string;
let hourly: string;
const now = Date.now();
/** The 5-minute bucket three buckets before the current one. */
const resultBucket = floorTo(now, 5 * MINUTE_MS) - 3 * 5 * MINUTE_MS;
const rollupHistogram = histogramWith({ 6: 10 });

async function insertResult(checkId: string, at: number, outcome: string, latencyMs: number | null, region = 'eu') {
  await db.pool.query(
    `INSERT INTO results (check_id, scheduled_at, region, started_at, outcome, latency_ms) VALUES ($1, $2, $3, $2, $4, $5)`,
    [checkId, new Date(at), region, outcome, latencyMs],
  );
}

async function insertIncident(account: TestAccount, checkId: string, startedAt: number, resolvedAt: number | null) {
  await db.pool.query(
    `INSERT INTO incidents (account_id, check_id, started_at, resolved_at, cause) VALUES ($1, $2, $3, $4, 'HTTP 503')`,
    [account.accountId, checkId, new Date(startedAt), resolvedAt === null ? null : new Date(resolvedAt)],
  );
}

beforeAll(async () => {
  db = await createTestDatabase();
  alice = await insertAccount(db.pool);
  bob = await insertAccount(db.pool);
  busy = await insertCheck(db.pool, alice.accountId, { name: 'busy' });
  quiet = await insertCheck(db.pool, alice.accountId, { name: 'quiet' });
  hourly = await insertCheck(db.pool, alice.accountId, { name: 'hourly' });
  await db.pool.query(`UPDATE checks SET interval_seconds = 60 WHERE id = ANY($1)`, [[busy, quiet]]);
  await db.pool.query(`UPDATE checks SET interval_seconds = 3600 WHERE id = $1`, [hourly]);

  // Raw results: two answered probes in one 5-minute bucket; a down probe and an infra error there do not count.
  await insertResult(busy, resultBucket + MINUTE_MS, 'up', 100);
  await insertResult(busy, resultBucket + 2 * MINUTE_MS, 'degraded', 300);
  await insertResult(busy, resultBucket + 3 * MINUTE_MS, 'down', null);
  await insertResult(busy, resultBucket + 4 * MINUTE_MS, 'infra_error', 5000);
  await insertResult(busy, resultBucket + MINUTE_MS, 'up', 50, 'us');
  await insertResult(busy, now - 25 * HOUR_MS, 'up', 999);
  // Hourly rollups 2 hours, 100 hours and 300 hours ago (eu); the last one is in 30d only.
  for (const hoursAgo of [2, 100, 300]) {
    await insertRollup(db.pool, 'rollups_hourly', {
      checkId: busy, bucketStart: new Date(floorTo(now, HOUR_MS) - hoursAgo * HOUR_MS), probes: 10, ups: 10, latencySum: 1000, histogram: rollupHistogram,
    });
  }
  // Incidents: one resolved an hour ago, one open for 8 days, one long before 30 days.
  await insertIncident(alice, busy, now - 2 * HOUR_MS, now - HOUR_MS);
  await insertIncident(alice, busy, now - 8 * DAY_MS, null);
  await insertIncident(alice, busy, now - 40 * DAY_MS, now - 39 * DAY_MS);

  await insertResult(hourly, floorTo(now, HOUR_MS) - 5 * HOUR_MS + MINUTE_MS, 'up', 120);
});
afterAll(async () => {
  await db.drop();
});

test('bucket sizes suit the range and are never shorter than the check interval', () => {
  expect(bucketSecondsFor('24h', 60)).toBe(300);
  expect(bucketSecondsFor('24h', 300)).toBe(300);
  expect(bucketSecondsFor('24h', 400)).toBe(600);
  expect(bucketSecondsFor('24h', 86_400)).toBe(86_400);
  expect(bucketSecondsFor('7d', 10)).toBe(3600);
  expect(bucketSecondsFor('7d', 7200)).toBe(7200);
  expect(bucketSecondsFor('30d', 60)).toBe(10_800);
  expect(bucketSecondsFor('30d', 20_000)).toBe(21_600);
});

test('24h: 5-minute buckets of raw results with exact average and p95, per region', async () => {
  const series = (await getLatencySeries(db.pool, alice.accountId, busy, '24h', now))!;
  const first = floorTo(now, 5 * MINUTE_MS) - 287 * 5 * MINUTE_MS;
  expect(series).toMatchObject({
    range: '24h',
    bucketSeconds: 300,
    from: new Date(first).toISOString(),
    to: new Date(first + DAY_MS).toISOString(),
    regions: ['eu', 'us'],
  });
  expect(series.points).toHaveLength(288 * 2);
  const t = new Date(resultBucket).toISOString();
  // percentile_cont over 100 and 300: 100 + 0.95 * 200.
  expect(series.points.filter((point) => point.avgMs !== null)).toEqual([
    { t, region: 'eu', avgMs: 200, p95Ms: 290 },
    { t, region: 'us', avgMs: 50, p95Ms: 50 },
  ]);
  expect(series.downPeriods).toEqual([
    { from: new Date(first).toISOString(), to: new Date(now).toISOString() },
    { from: new Date(now - 2 * HOUR_MS).toISOString(), to: new Date(now - HOUR_MS).toISOString() },
  ]);
});

test('7d and 30d: hourly and 3-hourly buckets of the rollups over the whole range', async () => {
  const week = (await getLatencySeries(db.pool, alice.accountId, busy, '7d', now))!;
  expect(week.bucketSeconds).toBe(3600);
  expect(week.from).toBe(new Date(floorTo(now, HOUR_MS) - 167 * HOUR_MS).toISOString());
  expect(week.to).toBe(new Date(floorTo(now, HOUR_MS) + HOUR_MS).toISOString());
  expect(week.regions).toEqual(['eu']);
  expect(week.points).toHaveLength(168);
  const p95 = percentileFromHistogram(rollupHistogram, 0.95);
  expect(week.points.filter((point) => point.avgMs !== null)).toEqual(
    [100, 2].map((hoursAgo) => ({ t: new Date(floorTo(now, HOUR_MS) - hoursAgo * HOUR_MS).toISOString(), region: 'eu', avgMs: 100, p95Ms: p95 })),
  );
  expect(week.downPeriods).toHaveLength(2);
  expect(week.downPeriods[0]!.from).toBe(week.from);

  const month = (await getLatencySeries(db.pool, alice.accountId, busy, '30d', now))!;
  expect(month.bucketSeconds).toBe(3 * 3600);
  expect(month.points).toHaveLength(240);
  expect(month.from).toBe(new Date(floorTo(now, 3 * HOUR_MS) - 239 * 3 * HOUR_MS).toISOString());
  expect(month.points.filter((point) => point.avgMs !== null)).toEqual(
    [300, 100, 2].map((hoursAgo) => ({
      t: new Date(floorTo(floorTo(now, HOUR_MS) - hoursAgo * HOUR_MS, 3 * HOUR_MS)).toISOString(),
      region: 'eu',
      avgMs: 100,
      p95Ms: p95,
    })),
  );
  expect(month.downPeriods.map((period) => period.from)).toEqual([
    new Date(now - 8 * DAY_MS).toISOString(),
    new Date(now - 2 * HOUR_MS).toISOString(),
  ]);
});

test('a check probed hourly gets hourly buckets in 24h, so its points join into a line', async () => {
  const series = (await getLatencySeries(db.pool, alice.accountId, hourly, '24h', now))!;
  expect(series.bucketSeconds).toBe(3600);
  expect(series.points).toHaveLength(24);
  expect(series.points.filter((point) => point.avgMs !== null)).toEqual([
    { t: new Date(floorTo(now, HOUR_MS) - 5 * HOUR_MS).toISOString(), region: 'eu', avgMs: 120, p95Ms: 120 },
  ]);
});

test('a check without probes has no regions, no points and no down periods', async () => {
  for (const range of ['24h', '7d', '30d'] as const) {
    expect(await getLatencySeries(db.pool, alice.accountId, quiet, range, now)).toMatchObject({ regions: [], points: [], downPeriods: [] });
  }
});

test('the series of another account, or of a malformed id, is null', async () => {
  expect(await getLatencySeries(db.pool, bob.accountId, busy, '24h')).toBeNull();
  expect(await getLatencySeries(db.pool, alice.accountId, 'x', '24h')).toBeNull();
});
