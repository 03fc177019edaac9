import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { getContrast, getLuminance } from 'color2k';
import type { Page } from 'playwright-core';
import { startTestFrontend, type TestFrontend } from '../web/harness.js';
import { launchChromium, type TestChromium } from './chromium.js';
import { fillCheckForm, signUp, submitNewCheck } from './journey.js';

/**
 * Every page of the other features in the dark theme, as Chromium draws them: maintenance (list, form, the check
 * page's banner, the status page), the new-check kind picker and the TCP form, a TCP and a heartbeat check, channels
 * (integrations), an incident with updates, team, audit log, settings and two-factor enrolment. On each page every
 * piece of visible text must pass WCAG AA against what is behind it, and none may sit on a light patch (a colour
 * written into the stylesheet instead of a light-dark() variable stays light in the dark theme). Screenshots land
 * in screenshots/dark-mode-*.png.
 */

const SCREENSHOTS = fileURLToPath(new URL('../../screenshots/', import.meta.url));

/** Controls drawn inverted on purpose (the pressed theme button, the current range): light in the dark theme. */
const INVERTED = ['.theme-switch button[aria-pressed="true"]', '.segmented a[aria-current]'];
/** Above this relative luminance a background reads as light (the dark palette's surfaces are below 0.02). */
const LIGHT_BACKGROUND = 0.3;

let frontend: TestFrontend;
let chromium: TestChromium;
let page: Page;
const ids: Record<string, string> = {};

/**
 * Each visible element holding text of its own: a short description, its colour, the colour behind it (first
 * opaque ancestor), whether it is large text (WCAG: 24 px, or 18.66 px bold) and whether it is drawn inverted.
 * A string, because this package compiles without the DOM types.
 */
const TEXT_COLOURS_SCRIPT = (inverted: string[]) => `(() => {
  const background = (element) => {
    for (let node = element; node; node = node.parentElement) {
      const colour = getComputedStyle(node).backgroundColor;
      if (colour !== 'rgba(0, 0, 0, 0)' && colour !== 'transparent') return [colour, node];
    }
    return ['rgb(255, 255, 255)', null];
  };
  const found = [];
  for (const element of document.body.querySelectorAll('*')) {
    if (element.closest('svg, script, style, template, option')) continue;
    const ownText = [...element.childNodes].filter((node) => node.nodeType === 3).map((node) => node.textContent).join('').trim();
    if (!ownText) continue;
    const box = element.getBoundingClientRect();
    const style = getComputedStyle(element);
    // Not drawn: hidden, or clipped to a pixel for screen readers (.visually-hidden, tooltips).
    if (box.width <= 1 || box.height <= 1 || style.visibility !== 'visible' || Number(style.opacity) === 0) continue;
    const [behind, painter] = background(element);
    const size = parseFloat(style.fontSize);
    found.push({
      what: element.tagName.toLowerCase() + (element.className && typeof element.className === 'string' ? '.' + element.className.trim().split(/\\s+/).join('.') : '') + ' "' + ownText.slice(0, 30) + '"',
      colour: style.color,
      behind,
      large: size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700),
      inverted: painter !== null && ${JSON.stringify(inverted)}.some((selector) => painter.matches(selector)),
    });
  }
  return found;
})()`;

interface TextColour {
  what: string;
  colour: string;
  behind: string;
  large: boolean;
  inverted: boolean;
}

/** Text on the current page that fails AA contrast, or (in the dark theme) sits on a light background. */
async function readabilityProblems(dark: boolean): Promise<string[]> {
  const texts = await page.evaluate<TextColour[]>(TEXT_COLOURS_SCRIPT(INVERTED));
  expect(texts.length).toBeGreaterThan(5);
  const problems: string[] = [];
  for (const text of texts) {
    const ratio = getContrast(text.colour, text.behind);
    if (ratio < (text.large ? 3 : 4.5)) problems.push(`${text.what}: ${text.colour} on ${text.behind} = ${ratio.toFixed(2)}`);
    if (dark && !text.inverted && getLuminance(text.behind) > LIGHT_BACKGROUND) problems.push(`${text.what}: light background ${text.behind} in the dark theme`);
  }
  return problems;
}

async function insert(sql: string, values: unknown[]): Promise<string> {
  return (await frontend.db.pool.query(sql, values)).rows[0].id;
}

beforeAll(async () => {
  await mkdir(SCREENSHOTS, { recursive: true });
  frontend = await startTestFrontend();
  chromium = await launchChromium(frontend.url);
  page = await chromium.context.newPage();
  await page.emulateMedia({ colorScheme: 'light' });
  await signUp(page, 'dark@example.com');
  const accountId: string = (await frontend.db.pool.query(`SELECT account_id FROM users WHERE email = 'dark@example.com'`)).rows[0].account_id;
  await frontend.db.pool.query(`UPDATE accounts SET status_page_enabled = true, status_page_title = 'Dark status', slug = 'dark-status' WHERE id = $1`, [accountId]);

  ids.shop = await insert(
    `INSERT INTO checks (account_id, name, url, state, is_public, last_probed_at) VALUES ($1, 'Shop', 'https://shop.example.com/', 'down', true, now()) RETURNING id`,
    [accountId],
  );
  ids.tcp = await insert(
    `INSERT INTO checks (account_id, kind, name, url, state, is_public) VALUES ($1, 'tcp', 'Database', 'tls://db.example.com:5432', 'up', true) RETURNING id`,
    [accountId],
  );
  ids.heartbeat = await insert(`INSERT INTO checks (account_id, kind, name, url, state) VALUES ($1, 'heartbeat', 'Nightly backup', '', 'up') RETURNING id`, [accountId]);
  await frontend.db.pool.query(
    `INSERT INTO heartbeats (check_id, period_seconds, grace_seconds, late_at, last_ping_at) VALUES ($1, 86400, 3600, now() + interval '1 day', now())`,
    [ids.heartbeat],
  );
  await frontend.db.pool.query(
    `INSERT INTO pings (id, check_id, received_at, kind, method, source_ip, user_agent, body) VALUES (gen_random_uuid(), $1, now(), 'success', 'POST', '127.0.0.1', 'curl/8', 'backup done')`,
    [ids.heartbeat],
  );
  ids.window = await insert(
    `INSERT INTO maintenance_windows (account_id, title, all_checks, recurrence, starts_at, ends_at)
     VALUES ($1, 'Database upgrade', true, 'once', now() - interval '1 hour', now() + interval '1 hour') RETURNING id`,
    [accountId],
  );
  await frontend.db.pool.query(
    `INSERT INTO maintenance_windows (account_id, title, recurrence, weekdays, start_time, duration_minutes, time_zone)
     VALUES ($1, 'Weekly patching', 'weekly', '{7}', '03:00', 60, 'Europe/Paris')`,
    [accountId],
  );
  ids.incident = await insert(
    `INSERT INTO incidents (account_id, check_id, started_at, cause) VALUES ($1, $2, now() - interval '2 days', 'status 503') RETURNING id`,
    [accountId, ids.shop],
  );
  await frontend.db.pool.query(
    `INSERT INTO incident_updates (account_id, incident_id, status, message) VALUES ($1, $2, 'investigating', 'Looking into it'), ($1, $2, 'identified', 'A bad deploy'), ($1, $2, 'monitoring', 'Rolled back'), ($1, $2, 'resolved', 'All good')`,
    [accountId, ids.incident],
  );
  await frontend.db.pool.query(
    `INSERT INTO notification_channels (account_id, name, kind, target) VALUES ($1, 'Team Slack', 'slack', 'https://hooks.slack.com/services/T000/B000/XXXX'), ($1, 'Ops email', 'email', 'ops@example.com')`,
    [accountId],
  );
  // An audited change, so the audit log has a row.
  await page.goto('/checks/new');
  await fillCheckForm(page, { name: 'Audited', url: 'https://audited.example.com/' });
  await submitNewCheck(page);
  await page.goto('/team');
  await page.getByLabel('Email', { exact: true }).fill('colleague@example.com');
  await page.getByRole('button', { name: 'Create invitation link' }).click();
  await page.waitForURL('**/team**');

  await page.goto('/dashboard');
  await page.locator('.theme-switch').getByRole('button', { name: 'Dark' }).click();
  await page.waitForURL('**/dashboard');
}, 120_000);

afterAll(async () => {
  await chromium?.close();
  await frontend?.stop();
});

const PAGES: [name: string, path: () => string][] = [
  ['dashboard', () => '/dashboard'],
  ['check-in-maintenance', () => `/checks/${ids.shop}`],
  ['maintenance', () => '/maintenance'],
  ['maintenance-form', () => `/maintenance/${ids.window}/edit`],
  ['new-check-kind', () => '/checks/new'],
  ['tcp-form', () => '/checks/new?kind=tcp'],
  ['tcp-check', () => `/checks/${ids.tcp}`],
  ['heartbeat-form', () => '/heartbeats/new'],
  ['heartbeat-check', () => `/checks/${ids.heartbeat}`],
  ['channels', () => '/channels'],
  ['channel-form', () => '/channels/new'],
  ['incident-updates', () => `/incidents/${ids.incident}`],
  ['team', () => '/team'],
  ['audit', () => '/audit'],
  ['settings', () => '/settings'],
  ['two-factor', () => '/settings/two-factor'],
];

test.each(PAGES)('dark %s: all text readable, none on a light patch', async (name, pathOf) => {
  await page.goto(pathOf());
  expect(await page.evaluate<string | null>(`document.documentElement.getAttribute('data-theme')`)).toBe('dark');
  expect(await readabilityProblems(true)).toEqual([]);
  await page.screenshot({ path: path.join(SCREENSHOTS, `dark-mode-${name}.png`), fullPage: true });
  expect(chromium.consoleProblems).toEqual([]);
}, 30_000);

test('the maintenance pill and banner use the dark palette', async () => {
  await page.goto(`/checks/${ids.shop}`);
  const banner = await page.evaluate<string>(`getComputedStyle(document.querySelector('.maintenance-banner')).backgroundColor`);
  expect(getLuminance(banner)).toBeLessThan(LIGHT_BACKGROUND);
});

test('the public status page in maintenance follows a dark system preference and stays readable', async () => {
  const status = await chromium.context.newPage();
  try {
    await status.emulateMedia({ colorScheme: 'dark' });
    await status.goto('/status/dark-status');
    await status.locator('.status-maintenance').waitFor();
    const previous = page;
    page = status;
    try {
      expect(await readabilityProblems(true)).toEqual([]);
    } finally {
      page = previous;
    }
    await status.screenshot({ path: path.join(SCREENSHOTS, 'dark-mode-status-page.png'), fullPage: true });
  } finally {
    await status.close();
  }
}, 30_000);

test('light: the same pages pass AA contrast too', async () => {
  await page.goto('/dashboard');
  await page.locator('.theme-switch').getByRole('button', { name: 'Light' }).click();
  await page.waitForURL('**/dashboard');
  for (const [, pathOf] of PAGES) {
    await page.goto(pathOf());
    expect([pathOf(), await readabilityProblems(false)]).toEqual([pathOf(), []]);
  }
  expect(chromium.consoleProblems).toEqual([]);
}, 90_000);
