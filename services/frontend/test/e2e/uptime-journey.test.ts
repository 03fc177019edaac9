import { mkdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseBeaconConfig, startBeacon } from '@pingdummy/beacon';
import type { RunningHttpService } from '@pingdummy/shared';
import { parseWorkerConfig, startWorker, type RunningWorker } from '@pingdummy/worker';
import type { BrowserContext, Page } from 'playwright-core';
import { startTestFrontend, type TestFrontend } from '../web/harness.js';
import { launchChromium, type TestChromium } from './chromium.js';
import { fillCheckForm, signUp, submitNewCheck, waitFor } from './journey.js';

/**
 * The whole product in a real browser: Chromium drives the frontend while a real worker and beacon probe a
 * local target server and deliver webhooks to a local receiver. Screenshots land in screenshots/.
 */

const SCREENSHOTS = fileURLToPath(new URL('../../screenshots/', import.meta.url));
const BEACON_TOKEN = 'e2e-beacon-token-0123456789';
const HORIZONTAL_OVERFLOW = 'document.documentElement.scrollWidth - document.documentElement.clientWidth';

interface Receiver {
  server: Server;
  url: string;
  bodies: { event?: string; text?: string; check?: { name?: string } }[];
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

function close(server: Server | undefined): Promise<void> {
  return new Promise((resolve) => (server ? server.close(() => resolve()) : resolve()));
}

/** What the database says, for a failure message that explains itself. */
async function diagnostics(): Promise<string> {
  const checks = await frontend.db.pool.query(
    `SELECT state, paused, consecutive_failures, last_probed_at, next_due_at, lease_owner FROM checks`,
  );
  const results = await frontend.db.pool.query(
    `SELECT scheduled_at, outcome, status_code, error_class FROM results ORDER BY scheduled_at DESC LIMIT 5`,
  );
  return `checks: ${JSON.stringify(checks.rows)}; latest results: ${JSON.stringify(results.rows)}`;
}

let frontend: TestFrontend;
let beacon: RunningHttpService;
let worker: RunningWorker;
let target: Server;
let targetHealthy = true;
let receiver: Receiver;
let context: BrowserContext;
let browser: TestChromium;
let consoleProblems: string[] = [];

beforeAll(async () => {
  await mkdir(SCREENSHOTS, { recursive: true });
  frontend = await startTestFrontend({ beaconAllowCidrs: ['127.0.0.1/32'] });

  target = createServer((_req, res) => {
    res.writeHead(targetHealthy ? 200 : 500, { 'content-type': 'text/plain' });
    res.end(targetHealthy ? 'all good' : 'broken');
  });
  const targetUrl = await listen(target);
  process.env.E2E_TARGET_URL = targetUrl;

  const bodies: Receiver['bodies'] = [];
  const receiverServer = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => {
      try {
        bodies.push(JSON.parse(raw));
      } catch {
        bodies.push({});
      }
      res.writeHead(204).end();
    });
  });
  receiver = { server: receiverServer, url: `${await listen(receiverServer)}/hook`, bodies };

  beacon = await startBeacon(
    parseBeaconConfig({ BEACON_TOKEN, PGDUMMY_REGION: 'local', BEACON_ALLOW_CIDRS: '127.0.0.1/32', PORT: '0', LOG_LEVEL: 'silent' }),
    { handleSignals: false },
  );
  worker = await startWorker(
    parseWorkerConfig({
      DATABASE_URL: frontend.db.url,
      BEACON_URLS: `local=${beacon.url}`,
      BEACON_TOKEN,
      WEBHOOK_ALLOW_CIDRS: '127.0.0.1/32',
      PORT: '0',
      LOG_LEVEL: 'silent',
      PUBLIC_URL: frontend.url,
    }),
    { handleSignals: false },
  );

  browser = await launchChromium(frontend.url);
  context = browser.context;
  consoleProblems = browser.consoleProblems;
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await worker?.stop();
  await beacon?.stop();
  await close(target);
  await close(receiver?.server);
  await frontend?.stop();
});

async function stateOnDashboard(page: Page, checkId: string): Promise<string | null> {
  return page.locator(`tr[data-check-id="${checkId}"] [data-state]`).getAttribute('data-state');
}

// The tests run in order and share one signed-in page and one check.
let page: Page;
let checkId: string;

test('sign up, test a webhook channel, create a check that goes up on the dashboard, create an API token', async () => {
  page = await context.newPage();

  // Sign up.
  await signUp(page, 'founder@example.com');
  await page.getByText('No checks yet').waitFor();

  // A webhook channel, tested from the channels page.
  await page.goto('/channels/new');
  await page.getByLabel('Name').fill('Local receiver');
  await page.getByLabel('Kind').selectOption('webhook');
  await page.getByLabel('Target').fill(receiver.url);
  await page.getByRole('button', { name: 'Create channel' }).click();
  await page.waitForURL('**/channels?notice=channel-created');
  await page.getByRole('button', { name: 'Send a test' }).click();
  await page.getByText('Test delivered.').waitFor({ timeout: 15_000 });
  expect(receiver.bodies.some((body) => body.event === 'test')).toBe(true);

  // A check against the local target: 10 s interval, down after one failure, public, alerting the webhook;
  // created paused, so the dashboard can be seen changing when it is resumed from another tab.
  await page.goto('/checks/new');
  await fillCheckForm(page, {
    name: 'Local target',
    url: `${process.env.E2E_TARGET_URL}/health`,
    intervalSeconds: '5',
    timeoutMs: '2000',
    failuresBeforeDown: '1',
    tick: ['Local receiver', 'Show on the public status page', 'Paused (not probed)'],
  });
  await page.getByRole('button', { name: 'Create check' }).click();
  // Too short an interval: the error sits beside the field and everything typed is kept.
  await page.locator('#intervalSeconds-error').getByText('must be at least 10').waitFor();
  await page.screenshot({ path: path.join(SCREENSHOTS, 'check-form-errors.png'), fullPage: true });
  expect(await page.getByLabel('Name', { exact: true }).inputValue()).toBe('Local target');
  expect(await page.getByLabel('Local receiver').isChecked()).toBe(true);
  expect(await page.getByLabel('Paused (not probed)').isChecked()).toBe(true);
  // Chromium logs every 4xx document as a console error; this 422 is the expected answer to the bad form.
  const expected422 = consoleProblems.findIndex((line) => line.includes('status of 422'));
  expect(expected422).toBeGreaterThanOrEqual(0);
  consoleProblems.splice(expected422, 1);
  await page.getByLabel('Interval (seconds)').fill('10');
  checkId = await submitNewCheck(page);
  await page.getByText('Check created.').waitFor();

  // The dashboard turns "Up" by itself (it polls /dashboard.json): a marker on the window proves no reload.
  await page.goto('/dashboard');
  expect(await stateOnDashboard(page, checkId)).toBe('paused');
  await page.evaluate('window.pdNotReloaded = true');
  const otherTab = await context.newPage();
  await otherTab.goto(`/checks/${checkId}`);
  await otherTab.getByRole('button', { name: 'Resume' }).click();
  await otherTab.waitForURL('**?notice=check-resumed');
  await otherTab.close();
  await waitFor('the check to be up on the dashboard', async () => (await stateOnDashboard(page, checkId)) === 'up', 30_000, diagnostics);
  expect(await page.evaluate('window.pdNotReloaded')).toBe(true);
  expect(await page.locator(`tr[data-check-id="${checkId}"] [data-state]`).textContent()).toContain('Up');
  await page.screenshot({ path: path.join(SCREENSHOTS, 'dashboard.png'), fullPage: true });

  // The check page: latest result, chart drawn by uPlot.
  await page.goto(`/checks/${checkId}`);
  expect(await page.locator('.results-table').textContent()).toContain('200');
  await page.locator('#latency-chart .uplot').waitFor();
  await page.screenshot({ path: path.join(SCREENSHOTS, 'check.png'), fullPage: true });

  // An API token created in the browser works for /api/v1.
  await page.goto('/settings');
  await page.getByLabel('Token name').fill('e2e');
  await page.getByRole('button', { name: 'Create token' }).click();
  const token = await page.getByLabel('Your new token').inputValue();
  expect(token).toMatch(/^pd_/);
  // The Copy button (external script) puts it on the clipboard; a reload shows it no more.
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: frontend.url });
  await page.getByRole('button', { name: 'Copy' }).click();
  await page.getByRole('button', { name: 'Copied' }).waitFor();
  expect(await page.evaluate('navigator.clipboard.readText()')).toBe(token);
  await page.reload();
  expect(await page.getByLabel('Your new token').count()).toBe(0);
  const api = await fetch(`${frontend.url}/api/v1/checks`, { headers: { authorization: `Bearer ${token}` } });
  expect(api.status).toBe(200);
  expect(JSON.stringify(await api.json())).toContain('Local target');

  // The dashboard at phone width: rows become cards, nothing scrolls sideways.
  await page.setViewportSize({ width: 375, height: 800 });
  await page.goto('/dashboard');
  await page.screenshot({ path: path.join(SCREENSHOTS, 'dashboard-mobile.png'), fullPage: true });
  expect(await page.evaluate<number>(HORIZONTAL_OVERFLOW)).toBeLessThanOrEqual(0);
  await page.setViewportSize({ width: 1280, height: 900 });
  expect(consoleProblems).toEqual([]);
}, 90_000);

test('the target fails: the check goes down with an incident and a webhook, then recovers', async () => {
  targetHealthy = false;
  await page.goto('/dashboard');
  await waitFor('the check to be down on the dashboard', async () => (await stateOnDashboard(page, checkId)) === 'down', 35_000, diagnostics);
  const downBody = await waitFor('a "down" webhook', () => receiver.bodies.find((body) => body.event === 'down'), 15_000, diagnostics);
  // The "send a test" body is shaped like a real alert: same fields, a Slack-compatible text in both.
  const testBody = receiver.bodies.find((body) => body.event === 'test')!;
  expect(Object.keys(testBody).sort()).toEqual(Object.keys(downBody).sort());
  expect(testBody.text).toEqual(expect.stringContaining('Test notification'));
  expect(downBody.text).toEqual(expect.stringContaining('is DOWN'));
  await page.goto(`/checks/${checkId}`);
  expect(await page.locator('.incidents-table').textContent()).toContain('Ongoing');
  expect(await page.locator('.results-table').textContent()).toMatch(/http_status/);

  // It recovers: state up, incident resolved with a duration, "up" webhook.
  targetHealthy = true;
  await page.goto('/dashboard');
  await waitFor('the check to recover on the dashboard', async () => (await stateOnDashboard(page, checkId)) === 'up', 35_000, diagnostics);
  await waitFor('an "up" webhook', () => receiver.bodies.find((body) => body.event === 'up'), 15_000, diagnostics);
  await page.goto(`/checks/${checkId}`);
  const incident = await page.locator('.incidents-table tbody tr').first().textContent();
  expect(incident).not.toContain('Ongoing');
  expect(incident).toMatch(/\d+ s/);
  await page.locator('#latency-chart .uplot').waitFor();
  await page.screenshot({ path: path.join(SCREENSHOTS, 'check.png'), fullPage: true });
  expect(consoleProblems).toEqual([]);
}, 90_000);

test('the public status page, seen signed out, lists the public check', async () => {
  await page.goto('/settings');
  await page.getByLabel('Publish the status page').check();
  await page.getByLabel('Title', { exact: true }).fill('Founder Inc. status');
  await page.getByRole('button', { name: 'Save status page' }).click();
  await page.waitForURL('**/settings?notice=status-page-saved');
  const statusHref = await page.locator('a[href^="/status/"]').first().getAttribute('href');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL('**/login?notice=signed-out');

  await page.goto(`${frontend.url}${statusHref}`);
  await page.getByRole('heading', { name: 'Founder Inc. status' }).waitFor();
  expect(await page.locator('.status-check h2').allTextContents()).toEqual(['Local target']);
  expect(await page.locator('.status-check .bar').count()).toBe(90);
  expect(await page.content()).not.toContain(process.env.E2E_TARGET_URL!);
  await page.screenshot({ path: path.join(SCREENSHOTS, 'status-page.png'), fullPage: true });

  await page.setViewportSize({ width: 375, height: 800 });
  await page.reload();
  await page.screenshot({ path: path.join(SCREENSHOTS, 'status-page-mobile.png'), fullPage: true });
  expect(await page.evaluate<number>(HORIZONTAL_OVERFLOW)).toBeLessThanOrEqual(0);
  expect(consoleProblems).toEqual([]);
}, 60_000);
