import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseWorkerConfig, startWorker, type RunningWorker } from '@pingdummy/worker';
import type { Page } from 'playwright-core';
import { startTestFrontend, type TestFrontend } from '../web/harness.js';
import { launchChromium, type TestChromium } from './chromium.js';
import { signUp, waitFor } from './journey.js';

/**
 * A heartbeat check in a real browser: Chromium creates it through the form, the test pings it as a cron
 * job would (curl-like HTTP requests), and a real worker turns it up, then down on a /fail ping.
 * Screenshots land in screenshots/heartbeat-*.png.
 */

const SCREENSHOTS = fileURLToPath(new URL('../../screenshots/', import.meta.url));

let frontend: TestFrontend;
let worker: RunningWorker;
let browser: TestChromium;
let page: Page;

/** Reloads the check page until its state badge says `state`. */
async function waitForState(state: string): Promise<void> {
  await waitFor(`the check page to say ${state}`, async () => {
    await page.reload();
    return (await page.locator('h1 [data-state]').getAttribute('data-state')) === state;
  }, 20_000);
}

beforeAll(async () => {
  await mkdir(SCREENSHOTS, { recursive: true });
  frontend = await startTestFrontend();
  worker = await startWorker(
    parseWorkerConfig({
      DATABASE_URL: frontend.db.url,
      BEACON_URLS: 'local=http://127.0.0.1:9',
      BEACON_TOKEN: 'e2e-beacon-token-0123456789',
      PORT: '0',
      LOG_LEVEL: 'silent',
      MIGRATE_ON_START: 'false',
      PUBLIC_URL: frontend.url,
    }),
    { handleSignals: false },
  );
  browser = await launchChromium(frontend.url);
  page = await browser.context.newPage();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await worker?.stop();
  await frontend?.stop();
});

test('create a heartbeat check, ping it like a cron job, see it up, then down on a failed run', async () => {
  await signUp(page, 'cron@example.com');

  // The new-check form offers the kinds; Heartbeat has its own fields.
  await page.goto('/checks/new');
  await page.getByRole('navigation', { name: 'Kind of check' }).getByRole('link', { name: 'Heartbeat' }).click();
  await page.waitForURL('**/heartbeats/new');
  await page.getByLabel('Name').fill('Nightly backup');
  await page.getByLabel('On a cron schedule').check();
  await page.getByLabel('Cron expression').fill('0 2 * * *');
  await page.getByLabel('Time zone').fill('Europe/Paris');
  await page.getByLabel('Grace time (seconds)').fill('1800');
  await page.screenshot({ path: path.join(SCREENSHOTS, 'heartbeat-form.png'), fullPage: true });
  await page.getByRole('button', { name: 'Create check' }).click();
  await page.waitForURL(/\/checks\/[0-9a-f-]{36}\?notice=heartbeat-created/);
  expect(await page.locator('h1 [data-state]').getAttribute('data-state')).toBe('pending');
  const pingUrl = (await page.locator('#ping-url').textContent())!;
  expect(pingUrl).toMatch(new RegExp(`^${frontend.url}/ping/[0-9a-f-]{36}$`));
  expect(await page.locator('.code-block').first().textContent()).toContain(`curl -fsS -m 10 --retry 5 -o /dev/null ${pingUrl}`);

  // The job runs: /start, then success with its output, as `curl --data-raw` sends it.
  const headers = { 'user-agent': 'curl/8.5.0', 'content-type': 'application/x-www-form-urlencoded' };
  expect((await fetch(`${pingUrl}/start`, { headers })).status).toBe(200);
  await new Promise((resolve) => setTimeout(resolve, 1200));
  expect((await fetch(pingUrl, { method: 'POST', headers, body: 'backup ok: 1,204 files, 3.1 GB' })).status).toBe(200);
  await waitForState('up');
  await waitFor('the run time', async () => /\d+(\.\d+)? s|\d+ ms/.test((await page.locator('#job-duration').textContent()) ?? ''), 5_000);
  expect(await page.locator('#pings-table').textContent()).toContain('backup ok: 1,204 files');
  await page.screenshot({ path: path.join(SCREENSHOTS, 'heartbeat-up.png'), fullPage: true });

  // A failed run goes down at once, with an incident.
  expect((await fetch(`${pingUrl}/fail`, { method: 'POST', headers, body: 'pg_dump: connection refused' })).status).toBe(200);
  await waitForState('down');
  expect(await page.locator('.incidents-table').textContent()).toMatch(/fail_ping: the job sent a \/fail ping/);
  await page.screenshot({ path: path.join(SCREENSHOTS, 'heartbeat-down.png'), fullPage: true });

  // The dashboard lists it with the other checks.
  await page.goto('/dashboard');
  expect(await page.locator('#checks-table').textContent()).toContain('Nightly backup');
  expect(browser.consoleProblems).toEqual([]);
}, 90_000);
