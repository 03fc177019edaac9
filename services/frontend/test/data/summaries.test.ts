import { mergeHistograms, percentileFromHistogram, emptyHistogram } from '@pingdummy/shared';
import { createTestDatabase, type TestDatabase } from '@pingdummy/shared/testing';
import {
  forgetCachedSummaries,
  getCheckSummaries,
  getCheckSummary,
  getDailyUptimeBars,
} from '../../src/data/summaries.js';
import { dayStart, histogramWith, hourStart, insertAccount, insertCheck, insertRollup, type TestAccount } from './fixtures.js';

let db: TestDatabase;
let alice: TestAccount;
let bob: TestAccount;
let busy: string;
let quiet: string;

const recentHistogramA = histogramWith({ 2: 50, 8: 40, 14: 10 });
const recentHistogramB = histogramWith({ 3: 20, 9: 20 });

beforeAll(async () => {
  db = await createTestDatabase();
  alice = await insertAccount(db.pool);
  bob = await insertAccount(db.pool);
  busy = await insertCheck(db.pool, alice.accountId, { name: 'busy' });
  quiet = await insertCheck(db.pool, alice.accountId, { name: 'quiet' });
  await db.pool.query(`UPDATE checks SET last_probed_at = '2026-01-02T03:04:05Z' WHERE id = $1`, [busy]);

  // Hourly: two buckets inside the last 24 hours (two regions in one), one just outside it.
  await insertRollup(db.pool, 'rollups_hourly', {
    checkId: busy, bucketStart: hourStart(0), region: 'eu', probes: 100, ups: 90, latencySum: 10_000, histogram: recentHistogramA,
  });
  await insertRollup(db.pool, 'rollups_hourly', {
    checkId: busy, bucketStart: hourStart(23), region: 'us', probes: 40, ups: 40, latencySum: 4_000, histogram: recentHistogramB,
  });
  await insertRollup(db.pool, 'rollups_hourly', {
    checkId: busy, bucketStart: hourStart(24), region: 'eu', probes: 1000, ups: 0, histogram: histogramWith({ 20: 1000 }),
  });
  // Daily: today (superseded by the hourly rows: the worker folds a day into rollups_daily once it is over),
  // 1 and 6 days ago (inside 7d), 7 days ago (outside 7d), 29 days ago (inside 30d), 30 days ago (outside).
  const daily: [number, number, number][] = [
    [0, 999, 0],
    [1, 100, 100],
    [6, 100, 50],
    [7, 100, 0],
    [29, 200, 200],
    [30, 500, 0],
  ];
  for (const [daysAgo, probes, ups] of daily) {
    await insertRollup(db.pool, 'rollups_daily', { checkId: busy, bucketStart: dayStart(daysAgo), probes, ups });
  }
});
afterAll(async () => {
  await db.drop();
});

test('getCheckSummaries computes uptime per window and 24h percentiles from the rollups', async () => {
  const summaries = await getCheckSummaries(db.pool, alice.accountId);
  expect([...summaries.keys()].sort()).toEqual([busy, quiet].sort());
  const merged = mergeHistograms(mergeHistograms(emptyHistogram(), recentHistogramA), recentHistogramB);
  // Today's share of the day windows comes from the hourly rows since 00:00 UTC, not from today's daily row.
  const usEarlierToday = hourStart(23) >= dayStart(0);
  const probesToday = 100 + (usEarlierToday ? 40 : 0);
  const upsToday = 90 + (usEarlierToday ? 40 : 0);
  expect(summaries.get(busy)).toEqual({
    uptime24h: 130 / 140,
    uptime7d: (150 + upsToday) / (200 + probesToday),
    uptime30d: (350 + upsToday) / (500 + probesToday),
    p50Ms24h: percentileFromHistogram(merged, 0.5),
    p95Ms24h: percentileFromHistogram(merged, 0.95),
    lastProbedAt: '2026-01-02T03:04:05.000Z',
  });
  // The bucket 24 hours back (all down, 1000 slow probes) must not count.
  expect(summaries.get(busy)!.p95Ms24h).toBeLessThan(1500);
  expect(summaries.get(quiet)).toEqual({
    uptime24h: null,
    uptime7d: null,
    uptime30d: null,
    p50Ms24h: null,
    p95Ms24h: null,
    lastProbedAt: null,
  });
});

test('summaries are scoped to the account', async () => {
  expect((await getCheckSummaries(db.pool, bob.accountId)).size).toBe(0);
  expect((await getCheckSummaries(db.pool, 'not-a-uuid')).size).toBe(0);
});

test('getDailyUptimeBars gives one bar per day, oldest first, empty days as null', async () => {
  const bars = await getDailyUptimeBars(db.pool, alice.accountId, busy);
  expect(bars).toHaveLength(90);
  // Today's bar from today's hourly rows; the one 23 hours back is today's only late in the UTC day.
  const [todayProbes, todayUps] = hourStart(23) >= dayStart(0) ? [140, 130] : [100, 90];
  expect(bars!.at(-1)).toEqual({ day: dayStart(0).toISOString().slice(0, 10), uptime: todayUps / todayProbes, probes: todayProbes, incidents: 0 });
  expect(bars!.at(-2)).toEqual({ day: dayStart(1).toISOString().slice(0, 10), uptime: 1, probes: 100, incidents: 0 });
  expect(bars!.at(-7)).toEqual({ day: dayStart(6).toISOString().slice(0, 10), uptime: 0.5, probes: 100, incidents: 0 });
  expect(bars!.at(-3)).toEqual({ day: dayStart(2).toISOString().slice(0, 10), uptime: null, probes: 0, incidents: 0 });
  expect(bars!.at(-31)).toMatchObject({ uptime: 0, probes: 500 });
  expect(await getDailyUptimeBars(db.pool, alice.accountId, busy, 7)).toHaveLength(7);
});

test('bars of another account are null', async () => {
  expect(await getDailyUptimeBars(db.pool, bob.accountId, busy)).toBeNull();
  expect(await getDailyUptimeBars(db.pool, alice.accountId, 'x')).toBeNull();
});

test('getCheckSummary agrees with getCheckSummaries and is scoped', async () => {
  const all = await getCheckSummaries(db.pool, alice.accountId);
  expect(await getCheckSummary(db.pool, alice.accountId, busy)).toEqual(all.get(busy));
  expect(await getCheckSummary(db.pool, bob.accountId, busy)).toBeNull();
  expect(await getCheckSummary(db.pool, alice.accountId, 'nope')).toBeNull();
});

test('getCheckSummaries for some checks (a dashboard page) agrees with the whole account and stays scoped', async () => {
  const dave = await insertAccount(db.pool);
  const first = await insertCheck(db.pool, dave.accountId);
  const second = await insertCheck(db.pool, dave.accountId);
  await insertRollup(db.pool, 'rollups_hourly', { checkId: first, bucketStart: hourStart(3), probes: 10, ups: 5 });
  await insertRollup(db.pool, 'rollups_hourly', { checkId: second, bucketStart: hourStart(3), probes: 10, ups: 10 });
  const page = await getCheckSummaries(db.pool, dave.accountId, Date.now(), [first, busy, 'not-a-uuid']);
  expect([...page.keys()]).toEqual([first]); // busy is alice's
  expect(page.get(first)!.uptime24h).toBe(0.5);
  // The second check's settled totals are read when it is first asked for, then the whole account agrees.
  expect((await getCheckSummaries(db.pool, dave.accountId, Date.now(), [second])).get(second)!.uptime24h).toBe(1);
  const whole = await getCheckSummaries(db.pool, dave.accountId);
  expect(whole.get(first)).toEqual(page.get(first));
  expect(whole.get(second)!.uptime24h).toBe(1);
  expect((await getCheckSummaries(db.pool, dave.accountId, Date.now(), [])).size).toBe(0);
});

test('settled buckets are reused within the hour; recent buckets are always read afresh', async () => {
  const carol = await insertAccount(db.pool);
  const check = await insertCheck(db.pool, carol.accountId);
  await insertRollup(db.pool, 'rollups_hourly', { checkId: check, bucketStart: hourStart(5), probes: 10, ups: 10 });
  expect((await getCheckSummaries(db.pool, carol.accountId)).get(check)!.uptime24h).toBe(1);

  // A new probe in the current hour shows at once.
  await insertRollup(db.pool, 'rollups_hourly', { checkId: check, bucketStart: hourStart(0), probes: 10, ups: 0 });
  expect((await getCheckSummaries(db.pool, carol.accountId)).get(check)!.uptime24h).toBe(0.5);

  // A backfilled settled bucket is not re-read within the hour...
  await insertRollup(db.pool, 'rollups_hourly', { checkId: check, bucketStart: hourStart(6), probes: 20, ups: 0 });
  expect((await getCheckSummaries(db.pool, carol.accountId)).get(check)!.uptime24h).toBe(0.5);
  // ...but is after the cache is dropped...
  forgetCachedSummaries(db.pool, carol.accountId);
  expect((await getCheckSummaries(db.pool, carol.accountId)).get(check)!.uptime24h).toBe(10 / 40);
  expect(await getCheckSummary(db.pool, carol.accountId, check)).toMatchObject({ uptime24h: 10 / 40 });
  // ...or once the windows move on to the next hour.
  await insertRollup(db.pool, 'rollups_hourly', { checkId: check, bucketStart: hourStart(7), probes: 60, ups: 60 });
  expect((await getCheckSummaries(db.pool, carol.accountId)).get(check)!.uptime24h).toBe(10 / 40);
  const nextHour = hourStart(-1).getTime() + 10 * 60_000;
  expect((await getCheckSummaries(db.pool, carol.accountId, nextHour)).get(check)!.uptime24h).toBe(70 / 100);

  // A new check appears at once, a deleted one disappears at once.
  const added = await insertCheck(db.pool, carol.accountId);
  expect([...(await getCheckSummaries(db.pool, carol.accountId)).keys()].sort()).toEqual([check, added].sort());
  await db.pool.query(`DELETE FROM checks WHERE id = $1`, [check]);
  expect([...(await getCheckSummaries(db.pool, carol.accountId)).keys()]).toEqual([added]);
});
