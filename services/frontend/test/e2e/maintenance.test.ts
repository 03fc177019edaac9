import { mkdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseBeaconConfig, startBeacon } from '@pingdummy/beacon';
import type { RunningHttpService } from '@pingdummy/shared';
import { parseWorkerConfig, startWorker, type RunningWorker } from '@pingdummy/worker';
import type { Page } from 'playwright-core';
import { startTestFrontend, type TestFrontend } from '../web/harness.js';
import { launchChromium, type TestChromium } from './chromium.js';
import { fillCheckForm, signUp, submitNewCheck, waitFor } from './journey.js';

/**
 * Maintenance windows and incident updates in a real browser, with a real worker and beacon probing a local
 * target: a window planned in the UI shows as "maintenance" on the status page and keeps an outage inside it
 * from opening an incident or alerting; once it ends, the incident opens and its updates reach the status page.
 */

const SCREENSHOTS = fileURLToPath(new URL('../../screenshots/', import.meta.url));
const BEACON_TOKEN = 'e2e-beacon-token-0123456789';

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

function close(server: Server | undefined): Promise<void> {
  return new Promise((resolve) => (server ? server.close(() => resolve()) : resolve()));
}

let frontend: TestFrontend;
let beacon: RunningHttpService;
let worker: RunningWorker;
let target: Server;
let targetHealthy = true;
let receiver: Server;
let receiverUrl: string;
const webhookEvents: string[] = [];
let browser: TestChromium;

beforeAll(async () => {
  await mkdir(SCREENSHOTS, { recursive: true });
  frontend = await startTestFrontend({ beaconAllowCidrs: ['127.0.0.1/32'] });
  target = createServer((_req, res) => {
    res.writeHead(targetHealthy ? 200 : 503, { 'content-type': 'text/plain' }).end(targetHealthy ? 'ok' : 'down for upgrade');
  });
  const targetUrl = await listen(target);
  process.env.E2E_MAINTENANCE_TARGET_URL = targetUrl;
  receiver = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => {
      webhookEvents.push((JSON.parse(raw) as { event: string }).event);
      res.writeHead(204).end();
    });
  });
  receiverUrl = `${await listen(receiver)}/hook`;
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
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await worker?.stop();
  await beacon?.stop();
  await close(target);
  await close(receiver);
  await frontend?.stop();
});

/** A minute in UTC as the form's datetime-local inputs take it. */
const formMinute = (time: number) => new Date(time).toISOString().slice(0, 16);

async function checkState(checkId: string): Promise<string> {
  return (await frontend.db.pool.query(`SELECT state FROM checks WHERE id = $1`, [checkId])).rows[0].state;
}

test('plan a window, see "maintenance" on the status page, an outage inside it alerts no one; after it, post incident updates', async () => {
  const page: Page = await browser.context.newPage();
  await signUp(page, 'ops@example.com');

  await page.goto('/settings');
  await page.getByLabel('Publish the status page').check();
  await page.getByLabel('Title', { exact: true }).fill('Shop status');
  await page.getByRole('button', { name: 'Save status page' }).click();
  await page.waitForURL('**/settings?notice=status-page-saved');
  const statusHref = (await page.locator('a[href^="/status/"]').first().getAttribute('href'))!;

  await page.goto('/channels/new');
  await page.getByLabel('Name').fill('On-call hook');
  await page.getByLabel('Target').fill(receiverUrl);
  await page.getByRole('button', { name: 'Create channel' }).click();
  await page.waitForURL('**/channels?notice=channel-created');

  await page.goto('/checks/new');
  await fillCheckForm(page, {
    name: 'Shop',
    url: `${process.env.E2E_MAINTENANCE_TARGET_URL}/`,
    intervalSeconds: '10',
    timeoutMs: '2000',
    failuresBeforeDown: '1',
    tick: ['On-call hook', 'Show on the public status page'],
  });
  const checkId = await submitNewCheck(page);
  await waitFor('the check to be up', async () => (await checkState(checkId)) === 'up');

  // Plan maintenance from the check's page: it preselects the check.
  await page.getByRole('link', { name: 'Plan maintenance' }).click();
  await page.waitForURL('**/maintenance/new?checkId=*');
  expect(await page.getByLabel('Shop').isChecked()).toBe(true);
  await page.getByLabel('Title').fill('Database upgrade');
  await page.getByLabel('Once').check();
  await page.getByLabel('Starts (UTC)').fill(formMinute(Date.now() - 30 * 60_000));
  await page.getByLabel('Ends (UTC)').fill(formMinute(Date.now() + 60 * 60_000));
  await page.getByRole('button', { name: 'Create window' }).click();
  await page.waitForURL('**/maintenance?notice=maintenance-created');
  await page.getByText('In progress until').waitFor();
  await page.screenshot({ path: path.join(SCREENSHOTS, 'maintenance-list.png'), fullPage: true });

  // The target goes down inside the window: the check is down, but no incident and no alert.
  targetHealthy = false;
  await waitFor('the check to be down', async () => (await checkState(checkId)) === 'down', 35_000);
  await page.goto(`/checks/${checkId}`);
  await page.locator('[data-maintenance="current"]').getByText('Database upgrade').waitFor();
  expect(await page.locator('#incidents-heading + p').textContent()).toBe('No incidents.');
  await page.screenshot({ path: path.join(SCREENSHOTS, 'maintenance-check.png'), fullPage: true });

  const statusPage = await browser.context.newPage();
  await statusPage.goto(`${frontend.url}${statusHref}`);
  await statusPage.getByText('Maintenance in progress').waitFor();
  // Down inside planned maintenance reads "Maintenance" publicly, not "Down" (the owner's check page tells the truth).
  expect(await statusPage.locator('.status-check .section-head [data-state]').getAttribute('data-state')).toBe('maintenance');
  expect(await page.locator('h1 [data-state]').getAttribute('data-state')).toBe('down');
  expect(await statusPage.locator('.status-check [data-maintenance="current"]').textContent()).toMatch(/Maintenance\s+Database upgrade, until \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);
  await statusPage.screenshot({ path: path.join(SCREENSHOTS, 'maintenance-status-page.png'), fullPage: true });
  expect(webhookEvents).toEqual([]);

  // End the window now (edit it): the check is still down, so its next round opens the incident and alerts.
  await page.goto('/maintenance');
  await page.getByRole('link', { name: 'Edit' }).click();
  await page.getByLabel('Ends (UTC)').fill(formMinute(Date.now() - 60_000));
  await page.getByRole('button', { name: 'Save window' }).click();
  await page.waitForURL('**/maintenance?notice=maintenance-saved');
  await page.getByText('Over').waitFor();
  await waitFor('the "down" alert after the window', () => webhookEvents.includes('down'), 35_000);
  expect(webhookEvents).toEqual(['down']);

  // Incident updates, posted from the incident page, newest first.
  await page.goto(`/checks/${checkId}`);
  await page.locator('.incidents-table tbody tr a').first().click();
  await page.waitForURL(/\/incidents\/[0-9a-f-]{36}$/);
  await page.getByLabel('Status').selectOption('investigating');
  await page.getByLabel('Message').fill('The shop answers 503 <after> the upgrade.');
  await page.getByRole('button', { name: 'Post update' }).click();
  await page.waitForURL('**?notice=incident-update-posted');
  await page.getByLabel('Status').selectOption('identified');
  await page.getByLabel('Message').fill('A missing index; rebuilding it.');
  await page.getByRole('button', { name: 'Post update' }).click();
  await page.waitForURL('**?notice=incident-update-posted');
  expect(await page.locator('.incident-update .update-status').allTextContents()).toEqual(['Identified', 'Investigating']);
  await page.screenshot({ path: path.join(SCREENSHOTS, 'incident-updates.png'), fullPage: true });

  await statusPage.reload();
  const updates = statusPage.locator('.status-check .incident-update');
  await updates.first().waitFor();
  expect(await updates.locator('.update-status').allTextContents()).toEqual(['Identified', 'Investigating']);
  expect(await updates.locator('.update-message').allTextContents()).toEqual([
    'A missing index; rebuilding it.',
    'The shop answers 503 <after> the upgrade.',
  ]);
  expect(await statusPage.locator('.status-check time').first().textContent()).toMatch(/UTC$/);
  await statusPage.screenshot({ path: path.join(SCREENSHOTS, 'maintenance-status-page-updates.png'), fullPage: true });

  targetHealthy = true;
  await waitFor('the check to recover', async () => (await checkState(checkId)) === 'up', 35_000);
  await waitFor('the "up" alert', () => webhookEvents.includes('up'), 15_000);
  expect(webhookEvents).toEqual(['down', 'up']);
  expect(browser.consoleProblems).toEqual([]);
}, 180_000);
