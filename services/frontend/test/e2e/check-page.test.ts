import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { histogramWith } from '../data/fixtures.js';
import { startTestFrontend, type TestFrontend } from '../web/harness.js';
import { launchChromium, type TestChromium } from './chromium.js';
import { signUp } from './journey.js';

/**
 * The check page's chart, the status page's bars and the tables at phone width, in a real Chromium against
 * seeded history (results, rollups, incidents written with SQL, as the worker would). Screenshots land in
 * screenshots/.
 */

const SCREENSHOTS = fileURLToPath(new URL('../../screenshots/', import.meta.url));
const HOUR_MS = 3_600_000;
/** The chart's first series colour (palette[0] in check-chart.js) and its down shading, as canvas pixels. */
const AVG_RGB = [29, 78, 216];

let frontend: TestFrontend;
let context: BrowserContext;
let browser: TestChromium;
let page: Page;
let accountId: string;
let consoleProblems: string[] = [];
/** A month of history in two regions with three incidents. */
let historyCheck: string;
/** Probed for the last 40 minutes only. */
let recentCheck: string;
/** Never probed. */
let newCheck: string;

async function insertCheck(name: string, isPublic = true): Promise<string> {
  const { rows } = await frontend.db.pool.query(
    `INSERT INTO checks (account_id, name, url, is_public, state, interval_seconds)
     VALUES ($1, $2, 'https://example.com/a/rather/long/path/to/health', $3, 'up', 60) RETURNING id`,
    [accountId, name, isPublic],
  );
  return rows[0].id;
}

/** Results every `stepMinutes` over the last `minutes`, down (with a long error) inside the incidents. */
async function seedResults(checkId: string, minutes: number, stepMinutes: number, downWindows: [number, number][] = []) {
  await frontend.db.pool.query(
    `INSERT INTO results (check_id, scheduled_at, region, started_at, outcome, status_code, latency_ms, error_class, error_message)
     SELECT $1, t, region, t, CASE WHEN down THEN 'down' ELSE 'up' END, CASE WHEN down THEN 503 ELSE 200 END,
            CASE WHEN down THEN NULL ELSE 80 + (extract(minute FROM t)::int % 40) + CASE region WHEN 'us' THEN 60 ELSE 0 END END,
            CASE WHEN down THEN 'http_status' END,
            CASE WHEN down THEN 'expected a status in 200-399, got 503 Service Unavailable from the upstream load balancer' END
     FROM generate_series(date_trunc('minute', now()) - make_interval(mins => $2), now(), make_interval(mins => $3)) AS t,
          unnest(ARRAY['eu', 'us']) AS region,
          LATERAL (SELECT EXISTS (SELECT 1 FROM unnest($4::int[], $5::int[]) AS w(a, b)
                                  WHERE t >= now() - make_interval(mins => w.a) AND t < now() - make_interval(mins => w.b))) AS d(down)`,
    [checkId, minutes, stepMinutes, downWindows.map((w) => w[0]), downWindows.map((w) => w[1])],
  );
}

/** Hourly and daily rollups over the last `hours` in two regions. */
async function seedRollups(checkId: string, hours: number, downHoursAgo: number[] = []) {
  const now = Date.now();
  for (let hoursAgo = 0; hoursAgo < hours; hoursAgo++) {
    const bucketStart = new Date(Math.floor(now / HOUR_MS) * HOUR_MS - hoursAgo * HOUR_MS);
    for (const region of ['eu', 'us']) {
      const down = downHoursAgo.includes(hoursAgo) ? 30 : 0;
      const samples = 60 - down;
      const latency = 90 + (hoursAgo % 24) * 3 + (region === 'us' ? 60 : 0);
      for (const table of ['rollups_hourly', 'rollups_daily']) {
        const start = table === 'rollups_daily' ? new Date(Math.floor(bucketStart.getTime() / 86_400_000) * 86_400_000) : bucketStart;
        await frontend.db.pool.query(
          `INSERT INTO ${table} (check_id, bucket_start, region, probe_count, up_count, latency_sum, latency_hist)
           VALUES ($1, $2, $3, 60, $4, $5, $6)
           ON CONFLICT (check_id, bucket_start, region) DO UPDATE SET
             probe_count = ${table}.probe_count + 60, up_count = ${table}.up_count + excluded.up_count,
             latency_sum = ${table}.latency_sum + excluded.latency_sum, latency_hist = histogram_add(${table}.latency_hist, excluded.latency_hist)`,
          [checkId, start, region, samples, samples * latency, histogramWith({ 6: samples })],
        );
      }
    }
  }
}

async function insertIncident(
  checkId: string,
  startedMinutesAgo: number,
  resolvedMinutesAgo: number | null,
  cause = 'HTTP 503 from the upstream load balancer (expected 200-399)',
): Promise<void> {
  await frontend.db.pool.query(
    `INSERT INTO incidents (account_id, check_id, started_at, resolved_at, cause)
     VALUES ($1, $2, now() - $3 * interval '1 minute', now() - $4 * interval '1 minute', $5)`,
    [accountId, checkId, startedMinutesAgo, resolvedMinutesAgo, cause],
  );
}

beforeAll(async () => {
  await mkdir(SCREENSHOTS, { recursive: true });
  frontend = await startTestFrontend();
  browser = await launchChromium(frontend.url);
  context = browser.context;
  consoleProblems = browser.consoleProblems;

  page = await context.newPage();
  await signUp(page, 'charts@example.com');
  const account = await frontend.db.pool.query(`SELECT account_id FROM users WHERE email = 'charts@example.com'`);
  accountId = account.rows[0].account_id;
  await frontend.db.pool.query(`UPDATE accounts SET status_page_enabled = true, status_page_title = 'Charts status' WHERE id = $1`, [accountId]);

  historyCheck = await insertCheck('Month of history');
  await seedResults(historyCheck, 24 * 60, 1, [[180, 160], [1, 0]]);
  await seedRollups(historyCheck, 30 * 24, [3, 50, 51, 400]);
  await insertIncident(historyCheck, 180, 160);
  await insertIncident(historyCheck, 51 * 60, 49 * 60 + 30);
  await insertIncident(historyCheck, 400 * 60, 399 * 60 + 45);

  recentCheck = await insertCheck('Probed for 40 minutes');
  await seedResults(recentCheck, 40, 1);
  await seedRollups(recentCheck, 1);
  // A long cause squeezes the other columns, as real error messages do.
  await insertIncident(recentCheck, 0.5, null, `timeout: no response within 10000 ms from ${'https://api.example.com/v2/health/deep?include=db,cache,queue '.repeat(3)}`);
  await insertIncident(recentCheck, 50, 45, `tls: certificate for ${'very-long-host-name.internal.example.com '.repeat(4)}expired`);
  await frontend.db.pool.query(`UPDATE checks SET last_probed_at = now(), last_latency_ms = 87 WHERE id = ANY($1)`, [[historyCheck, recentCheck]]);

  newCheck = await insertCheck('Brand new', false);

  const user = await frontend.db.pool.query(`SELECT id FROM users WHERE account_id = $1`, [accountId]);
  await frontend.db.pool.query(
    `INSERT INTO api_tokens (account_id, user_id, name, token_prefix, token_hash, created_at, last_used_at, revoked_at)
     SELECT $1, $2, name, 'pd_' || substr(md5(name), 1, 8), decode(md5(name), 'hex'), now() - interval '3 days', last_used, revoked
     FROM (VALUES ('deploy script on the build server', now() - interval '2 hours', NULL::timestamptz),
                  ('old laptop', NULL, now() - interval '1 day')) AS t(name, last_used, revoked)`,
    [accountId, user.rows[0].id],
  );
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await frontend?.stop();
});

interface CanvasInk {
  /** Share of the plot's columns holding a pixel of the first series' colour. */
  seriesColumns: number;
  seriesPixels: number;
  /** Pixels of the translucent red down shading. */
  shadedPixels: number;
}

/**
 * Reads the chart's canvas: where the first average line is drawn and how much is shaded as down. A string,
 * because this package compiles without the DOM types.
 */
const INK_SCRIPT = `(() => {
  const [r, g, b] = ${JSON.stringify(AVG_RGB)};
  const canvas = document.querySelector('#latency-chart canvas');
  const { width, height } = canvas;
  const pixels = canvas.getContext('2d').getImageData(0, 0, width, height).data;
  const columns = new Set();
  let seriesPixels = 0;
  let shadedPixels = 0;
  for (let i = 0; i < pixels.length; i += 4) {
    const [pr, pg, pb, pa] = [pixels[i], pixels[i + 1], pixels[i + 2], pixels[i + 3]];
    if (pa > 200 && Math.abs(pr - r) < 12 && Math.abs(pg - g) < 12 && Math.abs(pb - b) < 12) {
      seriesPixels++;
      columns.add((i / 4) % width);
    } else if (pa > 20 && pa < 90 && pr > 150 && pg < 60 && pb < 60) {
      shadedPixels++;
    }
  }
  return { seriesColumns: columns.size / width, seriesPixels, shadedPixels };
})()`;

async function inkOf(chartPage: Page): Promise<CanvasInk> {
  return chartPage.evaluate<CanvasInk>(INK_SCRIPT);
}

async function openChart(checkId: string, range: string): Promise<void> {
  await page.goto(`/checks/${checkId}?range=${range}`);
  // check-chart.js replaces the no-JavaScript placeholder with the chart or a message.
  await page.locator('#latency-chart canvas, #latency-chart .chart-placeholder:not(:has-text("needs JavaScript"))').first().waitFor();
  await page.waitForLoadState('networkidle');
}

test.each(['24h', '7d', '30d'])('%s: lines over the whole range, incidents shaded, UTC times', async (range) => {
  await openChart(historyCheck, range);
  expect(await page.locator('#latency-chart canvas').count()).toBe(1);
  const ink = await inkOf(page);
  // Lines, not a few dots at the right edge: the first region's average covers most of the plot's width.
  expect(ink.seriesColumns).toBeGreaterThan(0.6);
  expect(ink.shadedPixels).toBeGreaterThan(100);
  // The legend names the hovered bucket in the UI's own format.
  const box = (await page.locator('#latency-chart .u-over').boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  expect(await page.locator('#latency-chart .u-legend .u-series').first().locator('.u-value').textContent()).toMatch(
    /^\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC$/,
  );
  await page.locator('#chart-heading').scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(SCREENSHOTS, `chart-${range}.png`) });
  expect(consoleProblems).toEqual([]);
});

test.each(['24h', '7d', '30d'])('%s: a check probed for 40 minutes draws its points at the right edge', async (range) => {
  await openChart(recentCheck, range);
  expect(await page.locator('#latency-chart canvas').count()).toBe(1);
  const ink = await inkOf(page);
  expect(ink.seriesPixels).toBeGreaterThan(20);
  await page.locator('#chart-heading').scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(SCREENSHOTS, `chart-recent-${range}.png`) });
  expect(consoleProblems).toEqual([]);
});

test('a new check says "No data yet" instead of an empty chart', async () => {
  for (const range of ['24h', '7d', '30d']) {
    await openChart(newCheck, range);
    expect(await page.locator('#latency-chart').textContent()).toContain('No data yet');
    expect(await page.locator('#latency-chart canvas').count()).toBe(0);
  }
  await page.screenshot({ path: path.join(SCREENSHOTS, 'chart-new-check.png') });
  expect(consoleProblems).toEqual([]);
});

/**
 * For every table on the page: cells that stick out of the table's card, and whether the table sits in a
 * scroll container that lets the rest be reached. A string, because this package compiles without DOM types.
 */
const tableFitScript = (selector: string) => `[...document.querySelectorAll(${JSON.stringify(selector)})].map((table) => {
  const card = table.closest('.card').getBoundingClientRect();
  const scroller = table.closest('.table-scroll');
  const scrolls = scroller !== null && ['auto', 'scroll'].includes(getComputedStyle(scroller).overflowX)
    && scroller.scrollWidth > scroller.clientWidth;
  const view = scrolls ? scroller.getBoundingClientRect() : card;
  // Header cells count unless their row is hidden (visually-hidden headers on phones).
  const cells = [...table.querySelectorAll('td, th')].filter((cell) => cell.closest('thead')?.getBoundingClientRect().width !== 1
    && cell.getBoundingClientRect().width > 0);
  const outside = cells.filter((cell) => {
    const box = cell.getBoundingClientRect();
    return box.left < card.left - 1 || (!scrolls && box.right > card.right + 1);
  });
  // Scrolled to the end, the last column must come into view.
  let reachable = true;
  if (scrolls) {
    scroller.scrollLeft = scroller.scrollWidth;
    reachable = cells.every((cell) => cell.getBoundingClientRect().right <= view.right + 1);
    scroller.scrollLeft = 0;
  }
  // Every date is a <time> on one line.
  const dates = (table.textContent.match(/\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2} UTC/g) || []).length;
  const oneLineTimes = [...table.querySelectorAll('time')].filter((time) => time.getClientRects().length === 1
    && time.getBoundingClientRect().height < 1.6 * parseFloat(getComputedStyle(time).lineHeight)).length;
  return {
    table: table.className,
    cellsOutsideCard: outside.length,
    scrollerInsideCard: view.left >= card.left - 1 && view.right <= card.right + 1,
    reachable,
    wrappedDates: dates - oneLineTimes,
  };
})`;

interface TableFit {
  table: string;
  cellsOutsideCard: number;
  scrollerInsideCard: boolean;
  reachable: boolean;
  wrappedDates: number;
}

test.each([
  ['check page', () => `/checks/${historyCheck}`, ['incidents-table', 'results-table']],
  ['dashboard', () => '/dashboard', ['incidents-table']],
  ['settings', () => '/settings', ['tokens-table']],
])('at 390 px the tables of the %s stay readable inside their cards', async (name, pathOf, tables) => {
  await page.setViewportSize({ width: 390, height: 844 });
  try {
    await page.goto(pathOf());
    const fits = await page.evaluate<TableFit[]>(tableFitScript(tables.map((table) => `.card table.${table}`).join(', ')));
    expect(fits.map((fit) => fit.table.split(' ')[0]).sort()).toEqual([...tables].sort());
    for (const fit of fits) {
      expect(fit).toEqual({ table: fit.table, cellsOutsideCard: 0, scrollerInsideCard: true, reachable: true, wrappedDates: 0 });
    }
    expect(await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth')).toBeLessThanOrEqual(0);
    await page.screenshot({ path: path.join(SCREENSHOTS, `tables-mobile-${name.replace(' ', '-')}.png`), fullPage: true });
    // Each table close up (a full check page is too tall to look at).
    for (const table of tables) {
      await page.locator(`table.${table}`).scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(SCREENSHOTS, `tables-mobile-${table}.png`) });
    }
  } finally {
    await page.setViewportSize({ width: 1280, height: 900 });
  }
  expect(consoleProblems).toEqual([]);
});

/** Texts matching `pattern` inside `selector` that break over more than one line (measured with a Range). */
const wrappedTextScript = (selector: string, pattern: string) => `(() => {
  const wrapped = [];
  let found = 0;
  for (const root of document.querySelectorAll(${JSON.stringify(selector)})) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const match = new RegExp(${JSON.stringify(pattern)}).exec(node.textContent);
      if (!match) continue;
      found++;
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const lines = new Set([...range.getClientRects()].map((rect) => Math.round(rect.top)));
      if (lines.size > 1) wrapped.push(match[0]);
    }
  }
  return { found, wrapped };
})()`;

test('on a desktop, "UTC" and "so far" stay on the line of their time and duration', async () => {
  await page.goto(`/checks/${recentCheck}`);
  // "Last probe" may put the time under the date in its narrow box, but never "UTC" on a line of its own.
  const lastProbe = await page.evaluate(wrappedTextScript('.stat-value', String.raw`\d{2}:\d{2} UTC`));
  expect(lastProbe).toEqual({ found: 1, wrapped: [] });
  const soFar = await page.evaluate(wrappedTextScript('.incidents-table td', String.raw`\d+ s so far`));
  expect(soFar).toEqual({ found: 1, wrapped: [] });
  const dates = await page.evaluate(wrappedTextScript('.incidents-table td', String.raw`\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC`));
  expect(dates).toEqual({ found: 3, wrapped: [] });
  await page.locator('#incidents-heading').scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(SCREENSHOTS, 'check-desktop-nowrap.png'), fullPage: true });
  expect(consoleProblems).toEqual([]);
});

test('the status page colours days by uptime and explains a day on hover', async () => {
  const slug = (await frontend.db.pool.query(`SELECT slug FROM accounts WHERE id = $1`, [accountId])).rows[0].slug;
  await page.goto(`/status/${slug}`);
  const history = page.locator('.status-check', { hasText: 'Month of history' });
  expect(await history.locator('.bar').count()).toBe(90);
  // The day the incident of three hours ago started on (yesterday, shortly after midnight UTC).
  const incidentDay = new Date(Date.now() - 180 * 60_000).toISOString().slice(0, 10);
  const dayBar = history.locator('.bar').filter({ has: page.locator('.bar-tip', { hasText: `${incidentDay}:` }) });
  expect(await dayBar.count()).toBe(1);
  await dayBar.hover();
  const dayTip = dayBar.locator('.bar-tip');
  expect(await dayTip.isVisible()).toBe(true);
  expect(await dayTip.textContent()).toMatch(new RegExp(`^${incidentDay}: \\d+(\\.\\d+)?% up, 1 incident$`));
  // The right-most tooltip (today's) stays inside the card.
  const today = history.locator('.bar').last();
  await today.hover();
  const tip = today.locator('.bar-tip');
  expect(await tip.isVisible()).toBe(true);
  const tipBox = (await tip.boundingBox())!;
  const cardBox = (await history.boundingBox())!;
  expect(tipBox.x + tipBox.width).toBeLessThanOrEqual(cardBox.x + cardBox.width);
  await page.screenshot({ path: path.join(SCREENSHOTS, 'status-page-bars.png'), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  try {
    await page.reload();
    expect(await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth')).toBeLessThanOrEqual(0);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'status-page-bars-mobile.png'), fullPage: true });
  } finally {
    await page.setViewportSize({ width: 1280, height: 900 });
  }
  expect(consoleProblems).toEqual([]);
});

test('at 390 px the chart fits its card', async () => {
  await page.setViewportSize({ width: 390, height: 844 });
  try {
    await openChart(historyCheck, '7d');
    const canvas = (await page.locator('#latency-chart canvas').boundingBox())!;
    const card = (await page.locator('#latency-chart').locator('xpath=ancestor::section[1]').boundingBox())!;
    expect(canvas.x).toBeGreaterThanOrEqual(card.x);
    expect(canvas.x + canvas.width).toBeLessThanOrEqual(card.x + card.width);
    await page.locator('section[aria-labelledby="chart-heading"]').screenshot({ path: path.join(SCREENSHOTS, 'chart-mobile.png') });
  } finally {
    await page.setViewportSize({ width: 1280, height: 900 });
  }
  expect(consoleProblems).toEqual([]);
});
