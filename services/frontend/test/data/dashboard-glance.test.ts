import type { Pool } from '@pingdummy/shared';
import { createTestDatabase, type TestDatabase } from '@pingdummy/shared/testing';
import { GLANCE_DAYS, loadDashboardGlance, SPARKLINE_HOURS, type CheckGlance } from '../../src/data/dashboard-glance.js';
import { percent } from '../../src/web/format.js';
import { dashboardView } from '../../src/web/dashboard-pages.js';
import { sparklinePath, sparklineSvg, uptimeBarsSvg } from '../../src/web/glance-svg.js';
import { dayStart, histogramWith, hourStart, insertAccount, insertCheck, insertRollup, type TestAccount } from './fixtures.js';

let db: TestDatabase;
let account: TestAccount;
let known: string;
let empty: string;
const now = Date.now();

beforeAll(async () => {
  db = await createTestDatabase();
  account = await insertAccount(db.pool);
  known = await insertCheck(db.pool, account.accountId, { name: 'aaa known' });
  empty = await insertCheck(db.pool, account.accountId, { name: 'aab empty' });
  // Hourly: the current hour in two regions (avg = (3000 + 1000) / (20 + 20) = 100 ms), 5 hours ago 250 ms,
  // 24 hours ago (just outside the window) 9,999 ms.
  await insertRollup(db.pool, 'rollups_hourly', { checkId: known, bucketStart: hourStart(0), region: 'eu', probes: 20, ups: 20, latencySum: 3000, histogram: histogramWith({ 5: 20 }), latencyMax: 200 });
  await insertRollup(db.pool, 'rollups_hourly', { checkId: known, bucketStart: hourStart(0), region: 'us', probes: 20, ups: 20, latencySum: 1000, histogram: histogramWith({ 3: 20 }), latencyMax: 60 });
  await insertRollup(db.pool, 'rollups_hourly', { checkId: known, bucketStart: hourStart(5), probes: 10, ups: 10, latencySum: 2500, histogram: histogramWith({ 6: 10 }), latencyMax: 300 });
  // 3 hours ago: 10 probes up, none measured a response time (a heartbeat-like bucket): a gap, not 0 ms.
  await insertRollup(db.pool, 'rollups_hourly', { checkId: known, bucketStart: hourStart(3), probes: 10, ups: 10, latencySum: 0, histogram: histogramWith({}) });
  await insertRollup(db.pool, 'rollups_hourly', { checkId: known, bucketStart: hourStart(24), probes: 10, ups: 10, latencySum: 99_990, histogram: histogramWith({ 9: 10 }), latencyMax: 10_000 });
  // Daily: yesterday 100 % (two regions), 3 days ago 90 %, 29 days ago 99.5 %, 30 days ago (outside) 0 %. Today's bar
  // comes from today's hourly rows above: the worker folds a day into rollups_daily once it is over.
  await insertRollup(db.pool, 'rollups_daily', { checkId: known, bucketStart: dayStart(1), region: 'eu', probes: 100, ups: 100 });
  await insertRollup(db.pool, 'rollups_daily', { checkId: known, bucketStart: dayStart(1), region: 'us', probes: 100, ups: 100 });
  // A daily row for today (none exists in practice) is not read.
  await insertRollup(db.pool, 'rollups_daily', { checkId: known, bucketStart: dayStart(0), probes: 100, ups: 0 });
  await insertRollup(db.pool, 'rollups_daily', { checkId: known, bucketStart: dayStart(3), probes: 100, ups: 90 });
  await insertRollup(db.pool, 'rollups_daily', { checkId: known, bucketStart: dayStart(29), probes: 1000, ups: 995 });
  await insertRollup(db.pool, 'rollups_daily', { checkId: known, bucketStart: dayStart(30), probes: 100, ups: 0 });
});
afterAll(async () => {
  await db.drop();
});

/** The pool, counting the statements sent through it (every data-layer call goes through pool.query). */
function countingPool(pool: Pool): { pool: Pool; count: () => number } {
  let queries = 0;
  const counted = new Proxy(pool, {
    get(target, property, receiver) {
      if (property === 'query') {
        return (...args: unknown[]) => {
          queries += 1;
          return (target.query as (...a: unknown[]) => unknown).apply(target, args);
        };
      }
      return Reflect.get(target, property, receiver);
    },
  });
  return { pool: counted, count: () => queries };
}

test('sparkline points are the hourly average response times of the last 24 hours, bars the daily uptime of 30 days', async () => {
  const glances = await loadDashboardGlance(db.pool, [known, empty], now);
  const glance = glances.get(known)!;
  expect(glance.hourlyAvgMs).toHaveLength(SPARKLINE_HOURS);
  expect(glance.hourlyAvgMs[23]).toBe(100);
  expect(glance.hourlyAvgMs[18]).toBe(250);
  expect(glance.hourlyAvgMs.filter((value) => value !== null)).toEqual([250, 100]);

  expect(glance.days).toHaveLength(GLANCE_DAYS);
  // Today: the hourly rows of the current hour (40 up) and those 3 and 5 hours back when they are today's (10 up each).
  const todayProbes = 40 + [3, 5].filter((hoursAgo) => hourStart(hoursAgo) >= dayStart(0)).length * 10;
  expect(glance.days[29]).toEqual({ day: dayStart(0).toISOString().slice(0, 10), probes: todayProbes, uptime: 1 });
  expect(glance.days[28]).toEqual({ day: dayStart(1).toISOString().slice(0, 10), probes: 200, uptime: 1 });
  expect(glance.days[26]).toEqual({ day: dayStart(3).toISOString().slice(0, 10), probes: 100, uptime: 0.9 });
  expect(glance.days[0]).toEqual({ day: dayStart(29).toISOString().slice(0, 10), probes: 1000, uptime: 0.995 });
  expect(glance.days.filter((day) => day.probes > 0)).toHaveLength(4);

  const none = glances.get(empty)!;
  expect(none.hourlyAvgMs.every((value) => value === null)).toBe(true);
  expect(none.days.every((day) => day.uptime === null && day.probes === 0)).toBe(true);
});

test('the SVGs show those figures: a line from 250 ms down to 100 ms, red and light-green days with tooltips', async () => {
  const glance = (await loadDashboardGlance(db.pool, [known], now)).get(known)!;
  const spark = sparklineSvg(glance);
  expect(spark).toContain('<title>Response time, last 24 hours: 100 ms to 250 ms, latest hour 100 ms</title>');
  // Hour 18 (250 ms, the highest) is at the top, hour 23 (100 ms, the lowest) at the bottom; they are not
  // neighbours, so each is drawn on its own as a dot.
  expect(spark).toContain(`<path d="${sparklinePath(glance.hourlyAvgMs)}"/>`);
  expect(sparklinePath(glance.hourlyAvgMs)).toBe('M92,2h0.1M117,22h0.1');
  expect(sparklinePath([100, 200, null, 150])).toBe('M2,22L40.3,2M117,12h0.1');

  const bars = uptimeBarsSvg(glance);
  // Yesterday (x 112) and today (x 116) fully up; 3 days ago (x 104) red and 29 days ago (x 0) light green, each
  // with its tooltip; the 26 days without data grey.
  expect(bars).toContain('<path class="bar-up" d="M112 0h3v16h-3zM116 0h3v16h-3z"/>');
  expect(/<path class="bar-none" d="([^"]+)"/.exec(bars)![1]!.match(/M/g)).toHaveLength(26);
  expect(bars).toContain(`<rect class="bar-down" x="104" width="3" height="16"><title>${dayStart(3).toISOString().slice(0, 10)}: 90.00% up</title></rect>`);
  expect(bars).toContain(`<rect class="bar-minor" x="0" width="3" height="16"><title>${dayStart(29).toISOString().slice(0, 10)}: 99.50% up</title></rect>`);
  expect(bars.match(/<rect /g)).toHaveLength(2);
  const todayProbes = 40 + [3, 5].filter((hoursAgo) => hourStart(hoursAgo) >= dayStart(0)).length * 10;
  const uptime = (200 + 90 + 995 + todayProbes) / (200 + 100 + 1000 + todayProbes);
  expect(bars).toContain(`<title>Last 30 days: ${percent(uptime)} uptime, 2 days below 99.9%</title>`);
  expect(sparklineSvg((await loadDashboardGlance(db.pool, [empty], now)).get(empty)!)).toContain('No response times in the last 24 hours');
});

test('the glance of a whole page is ONE query, and a page of 50 rows sends as many queries as a page of 10', async () => {
  const many = await insertAccount(db.pool);
  await db.pool.query(
    `INSERT INTO checks (account_id, name, url) SELECT $1, 'svc-' || lpad(n::text, 3, '0'), 'https://example.com/' || n FROM generate_series(1, 120) AS n`,
    [many.accountId],
  );
  await db.pool.query(
    `INSERT INTO rollups_hourly (check_id, bucket_start, region, probe_count, up_count, latency_sum, latency_hist, latency_max)
     SELECT c.id, date_trunc('hour', now()) - h * interval '1 hour', 'eu', 60, 60, 6000, $2, 180
     FROM checks c, generate_series(0, 23) AS h WHERE c.account_id = $1`,
    [many.accountId, histogramWith({ 5: 60 })],
  );
  await db.pool.query(
    `INSERT INTO rollups_daily (check_id, bucket_start, region, probe_count, up_count, latency_sum, latency_hist)
     SELECT c.id, date_trunc('day', now(), 'UTC') - d * interval '1 day', 'eu', 1440, 1430, 144000, $2
     FROM checks c, generate_series(0, 29) AS d WHERE c.account_id = $1`,
    [many.accountId, histogramWith({ 5: 1440 })],
  );
  const ids = (await db.pool.query(`SELECT id FROM checks WHERE account_id = $1 ORDER BY name LIMIT 50`, [many.accountId])).rows.map((row) => row.id);

  const glanceOnly = countingPool(db.pool);
  const glances = await loadDashboardGlance(glanceOnly.pool, ids, now);
  expect(glanceOnly.count()).toBe(1);
  // Every day before today from its daily row; today from today's hourly rows (60 probes an hour).
  const fullDays = (glance: CheckGlance) => glance.days.slice(0, 29).every((day) => day.probes === 1440) && glance.days[29]!.probes > 0 && glance.days[29]!.probes % 60 === 0;
  expect([...glances.values()].every((glance) => glance.hourlyAvgMs.every((value) => value === 100) && fullDays(glance))).toBe(true);

  // A whole dashboard page: the list (counts + page), the summaries (settled + recent) and the glance.
  const fullPage = countingPool(db.pool);
  const view = await dashboardView(fullPage.pool, many.accountId, { search: '', state: null, page: 1 });
  expect(view.rows).toHaveLength(50);
  expect(view.rows.every((row) => row.sparklineSvg.includes('<path d="M2,12L') && (row.uptimeBarsSvg.match(/<rect class="bar-minor"/g) ?? []).length === 29 && !row.uptimeBarsSvg.includes('bar-none'))).toBe(true);
  const smallPage = countingPool(db.pool);
  const small = await dashboardView(smallPage.pool, many.accountId, { search: '', state: 'pending', page: 1, pageSize: 10 });
  expect(small.rows).toHaveLength(10);
  expect(fullPage.count()).toBe(5);
  expect(smallPage.count()).toBe(fullPage.count());
  // A search adds two statements whatever its row count: finding the matches (check_search) and counting them.
  const searchedSmall = countingPool(db.pool);
  const tenFound = await dashboardView(searchedSmall.pool, many.accountId, { search: 'svc-11', state: null, page: 1 });
  expect(tenFound.rows.map((row) => row.name)).toEqual(['svc-110', 'svc-111', 'svc-112', 'svc-113', 'svc-114', 'svc-115', 'svc-116', 'svc-117', 'svc-118', 'svc-119']);
  const searchedFull = countingPool(db.pool);
  expect((await dashboardView(searchedFull.pool, many.accountId, { search: 'SVC-', state: null, page: 1 })).rows).toHaveLength(50);
  expect(searchedSmall.count()).toBe(fullPage.count() + 2);
  expect(searchedFull.count()).toBe(searchedSmall.count());
});

test('a day’s bar leaves out the probes made inside a maintenance window, as every uptime figure does', async () => {
  const planned = await insertCheck(db.pool, account.accountId, { name: 'aac planned work' });
  // 100 probes, 40 of them inside a window and all 40 down: the day counts the 60 others, all up.
  await insertRollup(db.pool, 'rollups_daily', { checkId: planned, bucketStart: dayStart(10), probes: 100, ups: 60 });
  await db.pool.query(
    `UPDATE rollups_daily SET maintenance_probe_count = 40, maintenance_up_count = 0 WHERE check_id = $1 AND bucket_start = $2`,
    [planned, dayStart(10)],
  );
  const glance = (await loadDashboardGlance(db.pool, [planned], now)).get(planned)!;
  expect(glance.days[GLANCE_DAYS - 11]).toEqual({ day: dayStart(10).toISOString().slice(0, 10), probes: 60, uptime: 1 });
});
