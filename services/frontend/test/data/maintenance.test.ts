import { createTestDatabase, type TestDatabase } from '@pingdummy/shared/testing';
import { createMaintenanceWindow, listMaintenanceOccurrences } from '../../src/data/maintenance-windows.js';
import { publicMaintenanceOf } from '../../src/data/public-maintenance.js';
import { forgetCachedSummaries, getCheckSummaries, getCheckSummary, getDailyUptimeBars } from '../../src/data/summaries.js';
import { barSummary } from '../../src/web/format.js';
import { dayStart, histogramWith, hourStart, insertAccount, insertCheck, type TestAccount } from './fixtures.js';

let db: TestDatabase;
let account: TestAccount;
let checkId: string;

beforeAll(async () => {
  db = await createTestDatabase();
  account = await insertAccount(db.pool);
  checkId = await insertCheck(db.pool, account.accountId, { name: 'api' });
});
afterAll(async () => {
  await db.drop();
});

const occurrences = async (from: string, to: string) =>
  (await listMaintenanceOccurrences(db.pool, account.accountId, { from: new Date(from), to: new Date(to), checkIds: [checkId] })).map(
    ({ title, startsAt, endsAt }) => [title, startsAt, endsAt],
  );

test('a weekly window follows the wall clock of its time zone across daylight saving time', async () => {
  // Mondays 02:00-04:00 in Berlin: 01:00 UTC in winter (CET), 00:00 UTC from 29 March 2026 on (CEST).
  await createMaintenanceWindow(db.pool, account.accountId, {
    title: 'berlin', checkIds: [checkId], recurrence: 'weekly', weekdays: [1], startTime: '02:00', durationMinutes: 120, timeZone: 'Europe/Berlin',
  });
  expect(await occurrences('2026-03-23T00:00:00Z', '2026-04-07T00:00:00Z')).toEqual([
    ['berlin', '2026-03-23T01:00:00.000Z', '2026-03-23T03:00:00.000Z'],
    ['berlin', '2026-03-30T00:00:00.000Z', '2026-03-30T02:00:00.000Z'],
    ['berlin', '2026-04-06T00:00:00.000Z', '2026-04-06T02:00:00.000Z'],
  ]);
  // A range inside an occurrence finds it; one just after it does not.
  expect(await occurrences('2026-03-30T01:59:00Z', '2026-03-30T01:59:01Z')).toHaveLength(1);
  expect(await occurrences('2026-03-30T02:00:00Z', '2026-03-30T03:00:00Z')).toEqual([]);
});

test('an occurrence that began the day before the range is found; one-off windows overlap [start, end)', async () => {
  const other = await insertAccount(db.pool);
  const check = await insertCheck(db.pool, other.accountId);
  await createMaintenanceWindow(db.pool, other.accountId, {
    title: 'late sunday', allChecks: true, recurrence: 'weekly', weekdays: [7], startTime: '23:00', durationMinutes: 180,
  });
  await createMaintenanceWindow(db.pool, other.accountId, {
    title: 'once', checkIds: [check], startsAt: '2026-12-01T10:00:00Z', endsAt: '2026-12-01T11:00:00Z',
  });
  const between = async (from: string, to: string) =>
    (await listMaintenanceOccurrences(db.pool, other.accountId, { from: new Date(from), to: new Date(to), checkIds: [check] })).map((o) => [o.title, o.startsAt]);
  // Monday 2026-11-30 00:30 UTC is inside Sunday 23:00 + 3 h (the zone defaults to UTC).
  expect(await between('2026-11-30T00:30:00Z', '2026-11-30T00:31:00Z')).toEqual([['late sunday', '2026-11-29T23:00:00.000Z']]);
  expect(await between('2026-12-01T11:00:00Z', '2026-12-01T12:00:00Z')).toEqual([]);
  expect(await between('2026-12-01T09:00:00Z', '2026-12-01T10:00:01Z')).toEqual([['once', '2026-12-01T10:00:00.000Z']]);
  // The account's windows only.
  expect(await listMaintenanceOccurrences(db.pool, account.accountId, { from: new Date('2026-11-30T00:30:00Z'), to: new Date('2026-11-30T00:31:00Z'), checkIds: [check] })).toEqual([]);
});

test('publicMaintenanceOf splits current and upcoming maintenance and names no ids', async () => {
  const other = await insertAccount(db.pool);
  const check = await insertCheck(db.pool, other.accountId);
  const now = Date.now();
  await createMaintenanceWindow(db.pool, other.accountId, {
    title: 'now', checkIds: [check], startsAt: new Date(now - 60_000).toISOString(), endsAt: new Date(now + 60_000).toISOString(),
  });
  await createMaintenanceWindow(db.pool, other.accountId, {
    title: 'tomorrow', allChecks: true, startsAt: new Date(now + 86_400_000).toISOString(), endsAt: new Date(now + 90_000_000).toISOString(),
  });
  await createMaintenanceWindow(db.pool, other.accountId, {
    title: 'next month', allChecks: true, startsAt: new Date(now + 30 * 86_400_000).toISOString(), endsAt: new Date(now + 31 * 86_400_000).toISOString(),
  });
  const maintenance = (await publicMaintenanceOf(db.pool, other.accountId, [check], new Date(now))).get(check)!;
  expect(maintenance.current.map((o) => o.title)).toEqual(['now']);
  expect(maintenance.upcoming.map((o) => o.title)).toEqual(['tomorrow']);
  expect(JSON.stringify(maintenance)).not.toContain(check);
});

async function insertRollupWithMaintenance(
  table: 'rollups_hourly' | 'rollups_daily',
  bucketStart: Date,
  counts: { probes: number; ups: number; maintenanceProbes: number; maintenanceUps: number },
) {
  await db.pool.query(
    `INSERT INTO ${table} (check_id, bucket_start, region, probe_count, up_count, maintenance_probe_count, maintenance_up_count, latency_sum, latency_hist)
     VALUES ($1, $2, 'eu', $3, $4, $5, $6, 0, $7)`,
    [checkId, bucketStart, counts.probes, counts.ups, counts.maintenanceProbes, counts.maintenanceUps, histogramWith({ 6: counts.ups })],
  );
}

test('uptime leaves out the probes made inside maintenance windows', async () => {
  // This hour: 100 probes, 60 up; 40 of them (all down) inside a window: 60 of the 60 counted probes were up.
  await insertRollupWithMaintenance('rollups_hourly', hourStart(0), { probes: 100, ups: 60, maintenanceProbes: 40, maintenanceUps: 0 });
  // Yesterday: 200 probes, 150 up, 100 inside a window of which 50 up: 100 of the 100 counted probes were up.
  await insertRollupWithMaintenance('rollups_daily', dayStart(1), { probes: 200, ups: 150, maintenanceProbes: 100, maintenanceUps: 50 });
  // Two days ago: every probe inside a window: nothing counts.
  await insertRollupWithMaintenance('rollups_daily', dayStart(2), { probes: 30, ups: 0, maintenanceProbes: 30, maintenanceUps: 0 });
  forgetCachedSummaries(db.pool);

  const summary = await getCheckSummary(db.pool, account.accountId, checkId);
  expect(summary!.uptime24h).toBe(1);
  expect(summary!.uptime7d).toBe(1);
  expect((await getCheckSummaries(db.pool, account.accountId)).get(checkId)!.uptime30d).toBe(1);

  const bars = (await getDailyUptimeBars(db.pool, account.accountId, checkId, 3))!;
  expect(bars[1]).toMatchObject({ probes: 100, uptime: 1, maintenanceProbes: 100 });
  expect(bars[0]).toMatchObject({ probes: 0, uptime: null, maintenanceProbes: 30 });
  expect(barSummary(bars[1]!)).toBe(`${bars[1]!.day}: 100% up, no incidents, maintenance not counted`);
});
