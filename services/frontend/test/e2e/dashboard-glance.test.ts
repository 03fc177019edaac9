import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { getContrast } from 'color2k';
import type { Page } from 'playwright-core';
import { histogramWith } from '../data/fixtures.js';
import { startTestFrontend, type TestFrontend } from '../web/harness.js';
import { launchChromium, type TestChromium } from './chromium.js';
import { signUp } from './journey.js';

/**
 * The dashboard at a glance in a real Chromium: sparklines and 30-day bars per row (also after the 10 s refresh),
 * light and dark themes with the per-user switch (remembered after a reload, applied by the server), WCAG AA
 * contrast of the key text in both, the check page's chart in dark, and a status badge. Screenshots land in
 * screenshots/dashboard-glance-*.png.
 */

const SCREENSHOTS = fileURLToPath(new URL('../../screenshots/', import.meta.url));
const DAY_MS = 86_400_000;

let frontend: TestFrontend;
let chromium: TestChromium;
let page: Page;
let accountId: string;
const checks: Record<string, string> = {};

async function insertCheck(name: string, state: string): Promise<string> {
  const { rows } = await frontend.db.pool.query(
    `INSERT INTO checks (account_id, name, url, state, last_probed_at) VALUES ($1, $2, $3, $4, now()) RETURNING id`,
    [accountId, name, `https://${name.toLowerCase().replace(/\W+/g, '-')}.example.com/health`, state],
  );
  return rows[0].id;
}

/**
 * 24 hourly rollups with a wave of response times around `baseMs` (today's bar comes from those of today: the
 * worker folds a day into rollups_daily once it is over) and daily ones for the 29 days before; the `badDays`
 * (days ago, 0 = today) at 97 %.
 */
async function seedHistory(checkId: string, baseMs: number, badDays: number[]): Promise<void> {
  await frontend.db.pool.query(
    `INSERT INTO rollups_hourly (check_id, bucket_start, region, probe_count, up_count, latency_min, latency_max, latency_sum, latency_hist)
     SELECT $1, date_trunc('hour', now()) - h * interval '1 hour', 'eu', 60,
            CASE WHEN 0 = ANY($4::int[]) AND date_trunc('hour', now()) - h * interval '1 hour' >= date_trunc('day', now(), 'UTC')
                 THEN 58 ELSE 60 END,
            10, 900, 60 * ($2 + round(40 * sin(h / 3.0)))::int, $3
     FROM generate_series(0, 23) AS h`,
    [checkId, baseMs, histogramWith({ 6: 60 }), badDays],
  );
  await frontend.db.pool.query(
    `INSERT INTO rollups_daily (check_id, bucket_start, region, probe_count, up_count, latency_sum, latency_hist)
     SELECT $1, date_trunc('day', now(), 'UTC') - d * interval '1 day', 'eu', 1440,
            CASE WHEN d = ANY($2::int[]) THEN 1397 ELSE 1440 END, 0, '{}'
     FROM generate_series(1, 29) AS d`,
    [checkId, badDays],
  );
}

/**
 * Foreground and (first opaque ancestor's) background colour of the first element matching each selector, as
 * Chromium computed them. A string, because this package compiles without the DOM types.
 */
const COLOURS_SCRIPT = (selectors: string[]) => `(() => {
  const background = (element) => {
    for (let node = element; node; node = node.parentElement) {
      const colour = getComputedStyle(node).backgroundColor;
      if (colour !== 'rgba(0, 0, 0, 0)' && colour !== 'transparent') return colour;
    }
    return 'rgb(255, 255, 255)';
  };
  return ${JSON.stringify(selectors)}.map((selector) => {
    const element = document.querySelector(selector);
    return element ? [selector, getComputedStyle(element).color, background(element)] : [selector, null, null];
  });
})()`;

/** Key text of the dashboard: body, muted text, links, table headers, state pills, the primary button, the theme switch. */
const KEY_TEXT = [
  'h1',
  '.check-url',
  '.check-name',
  '.checks-table th',
  '.state-up',
  '.state-down',
  '.state-degraded',
  '.button.primary',
  '.theme-switch button[aria-pressed="true"]',
  '.theme-switch button[aria-pressed="false"]',
  '.footer',
];

async function contrastFailures(): Promise<string[]> {
  const colours = await page.evaluate<[string, string | null, string | null][]>(COLOURS_SCRIPT(KEY_TEXT));
  const failures: string[] = [];
  for (const [selector, foreground, background] of colours) {
    if (!foreground || !background) {
      failures.push(`${selector}: not on the page`);
      continue;
    }
    const ratio = getContrast(foreground, background);
    // WCAG 2 AA for normal text.
    if (ratio < 4.5) failures.push(`${selector}: ${foreground} on ${background} = ${ratio.toFixed(2)}`);
  }
  return failures;
}

const themeAttribute = () => page.evaluate<string | null>(`document.documentElement.getAttribute('data-theme')`);
const bodyBackground = () => page.evaluate<string>(`getComputedStyle(document.body).backgroundColor`);
const sparkStroke = () => page.evaluate<string>(`getComputedStyle(document.querySelector('svg.spark path')).stroke`);

beforeAll(async () => {
  await mkdir(SCREENSHOTS, { recursive: true });
  frontend = await startTestFrontend();
  chromium = await launchChromium(frontend.url);
  page = await chromium.context.newPage();
  await page.emulateMedia({ colorScheme: 'light' });
  await signUp(page, 'glance@example.com');
  accountId = (await frontend.db.pool.query(`SELECT account_id FROM users WHERE email = 'glance@example.com'`)).rows[0].account_id;
  checks.api = await insertCheck('API', 'up');
  checks.shop = await insertCheck('Shop', 'degraded');
  checks.blog = await insertCheck('Blog', 'down');
  checks.docs = await insertCheck('Docs', 'up');
  await seedHistory(checks.api, 120, []);
  await seedHistory(checks.shop, 400, [2, 9]);
  await seedHistory(checks.blog, 250, [0, 1, 15]);
  await seedHistory(checks.docs, 80, [20]);
}, 120_000);

afterAll(async () => {
  await chromium?.close();
  await frontend?.stop();
});

test('light: every row has a sparkline and 30 bars; the 10 s refresh redraws them; key text passes WCAG AA', async () => {
  await page.goto('/dashboard');
  expect(await themeAttribute()).toBe('system');
  expect(await page.locator('tbody tr').count()).toBe(4);
  expect(await page.locator('tbody tr svg.spark path').count()).toBe(4);
  expect(await page.locator('tbody tr svg.uptime-bars').count()).toBe(4);
  // Blog: 3 red days; the sparkline is drawn across the cell (24 points).
  const blog = page.locator(`tr[data-check-id="${checks.blog}"]`);
  expect(await blog.locator('svg.uptime-bars rect.bar-partial').count()).toBe(3);
  const box = (await blog.locator('svg.spark').boundingBox())!;
  expect(box.width).toBe(119);
  expect(await blog.locator('svg.spark path').getAttribute('d')).toMatch(/^M2,[\d.]+(L[\d.]+,[\d.]+){23}$/);
  expect(await contrastFailures()).toEqual([]);
  await page.screenshot({ path: path.join(SCREENSHOTS, 'dashboard-glance-light.png') });

  // A bad day for API now: the refresh (every 10 s) brings its red bar, without a reload.
  await frontend.db.pool.query(`UPDATE rollups_hourly SET up_count = 30 WHERE check_id = $1 AND bucket_start >= $2`, [
    checks.api,
    new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS),
  ]);
  await page.locator('#poll-status', { hasText: 'Updated' }).waitFor({ timeout: 15_000 });
  const api = page.locator(`tr[data-check-id="${checks.api}"]`);
  expect(await api.locator('svg.uptime-bars rect.bar-down').count()).toBe(1);
  expect(await page.locator('tbody tr svg.spark path').count()).toBe(4);

  // At phone width the row's graphics stay one block, inside the card.
  await page.setViewportSize({ width: 390, height: 844 });
  const stack = (await blog.locator('.glance-stack').boundingBox())!;
  const card = (await page.locator('.table-card').boundingBox())!;
  expect(stack.x + stack.width).toBeLessThanOrEqual(card.x + card.width);
  expect(stack.height).toBeGreaterThan(40);
  await page.screenshot({ path: path.join(SCREENSHOTS, 'dashboard-glance-mobile.png') });
  await page.setViewportSize({ width: 1280, height: 900 });
  expect(chromium.consoleProblems).toEqual([]);
}, 60_000);

test('dark: the switch saves the choice, the server applies it (also after a reload), and text stays readable', async () => {
  await page.goto('/dashboard');
  const lightBackground = await bodyBackground();
  const lightStroke = await sparkStroke();
  await page.locator('.theme-switch').getByRole('button', { name: 'Dark' }).click();
  await page.waitForURL('**/dashboard');
  expect(await themeAttribute()).toBe('dark');
  expect(await bodyBackground()).toBe('rgb(13, 17, 23)');
  expect(await sparkStroke()).not.toBe(lightStroke);
  expect(await contrastFailures()).toEqual([]);
  await page.screenshot({ path: path.join(SCREENSHOTS, 'dashboard-glance-dark.png') });

  // Remembered: a reload (and the browser still preferring light) keeps dark, served so by the server.
  await page.reload();
  expect(await themeAttribute()).toBe('dark');
  const html = await (await page.request.get('/dashboard')).text();
  expect(html).toContain('<html lang="en" data-theme="dark">');

  // System follows the browser's preference.
  await page.locator('.theme-switch').getByRole('button', { name: 'System' }).click();
  await page.waitForURL('**/dashboard');
  expect(await themeAttribute()).toBe('system');
  expect(await bodyBackground()).toBe(lightBackground);
  await page.emulateMedia({ colorScheme: 'dark' });
  expect(await bodyBackground()).toBe('rgb(13, 17, 23)');
  expect(await contrastFailures()).toEqual([]);
  await page.emulateMedia({ colorScheme: 'light' });
  expect(chromium.consoleProblems).toEqual([]);
}, 60_000);

test('dark check page: the uPlot chart draws in the dark palette; the badge can be turned on and renders', async () => {
  await page.goto('/dashboard');
  await page.locator('.theme-switch').getByRole('button', { name: 'Dark' }).click();
  await page.waitForURL('**/dashboard');
  await page.goto(`/checks/${checks.shop}?range=7d`);
  await page.locator('#latency-chart canvas').waitFor();
  // The first region's line in the dark palette's blue (#58a6ff), and axis labels in the page's light text.
  const ink = await page.evaluate<{ blue: number; darkBlue: number }>(`(() => {
    const canvas = document.querySelector('#latency-chart canvas');
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let blue = 0, darkBlue = 0;
    for (let i = 0; i < data.length; i += 4) {
      const near = (r, g, b) => data[i + 3] > 200 && Math.abs(data[i] - r) < 12 && Math.abs(data[i + 1] - g) < 12 && Math.abs(data[i + 2] - b) < 12;
      if (near(88, 166, 255)) blue++;
      if (near(29, 78, 216)) darkBlue++;
    }
    return { blue, darkBlue };
  })()`);
  expect(ink.blue).toBeGreaterThan(50);
  expect(ink.darkBlue).toBe(0);
  const axisColour = await page.evaluate<string>(`getComputedStyle(document.getElementById('latency-chart')).color`);
  expect(getContrast(axisColour, 'rgb(22, 27, 34)')).toBeGreaterThan(4.5);
  await page.screenshot({ path: path.join(SCREENSHOTS, 'dashboard-glance-check-dark.png'), fullPage: true });

  await page.getByRole('button', { name: 'Turn badge on' }).click();
  await page.waitForURL(`**/checks/${checks.shop}#badge`);
  const badge = page.locator('#badge-image');
  await badge.waitFor();
  await page.waitForFunction(`document.getElementById('badge-image').complete`);
  expect(await page.evaluate<number>(`document.getElementById('badge-image').naturalWidth`)).toBeGreaterThan(80);
  expect(await page.locator('#badge-markdown').inputValue()).toMatch(/^\[!\[uptime\]\(http:\/\/127\.0\.0\.1:\d+\/badge\/[\w-]{22}\.svg\)\]/);
  await page.locator('#badge').screenshot({ path: path.join(SCREENSHOTS, 'dashboard-glance-badge.png') });
  expect(chromium.consoleProblems).toEqual([]);
}, 60_000);
