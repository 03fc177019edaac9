import { mkdir } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger } from '@pingdummy/shared';
import { parseWorkerConfig, startWorker, type RunningWorker } from '@pingdummy/worker';
import type { Page } from 'playwright-core';
import { startTestFrontend, type TestFrontend } from '../web/harness.js';
import { launchChromium, type TestChromium } from './chromium.js';
import { signUp } from './journey.js';

/**
 * A Slack channel set up in a real browser: Chromium creates it on the channels page, sends a test and
 * reads the result, while a real worker delivers it to a local receiver that answers like Slack's
 * incoming webhooks (200 "ok" for a known hook, 404 "no_service" for an unknown one).
 */

const SCREENSHOTS = fileURLToPath(new URL('../../screenshots/', import.meta.url));
const received: { path: string; headers: IncomingHttpHeaders; json: Record<string, unknown> }[] = [];
let receiver: Server;
let receiverUrl: string;
let frontend: TestFrontend;
let worker: RunningWorker;
let browser: TestChromium;
let page: Page;

beforeAll(async () => {
  await mkdir(SCREENSHOTS, { recursive: true });
  frontend = await startTestFrontend();
  receiver = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => {
      received.push({ path: req.url ?? '/', headers: req.headers, json: JSON.parse(raw || '{}') });
      const known = req.url === '/services/T0001/B0001/secretpath';
      res.writeHead(known ? 200 : 404, { 'content-type': 'text/plain' }).end(known ? 'ok' : 'no_service');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  worker = await startWorker(
    parseWorkerConfig({
      DATABASE_URL: frontend.db.url,
      BEACON_URLS: 'local=http://127.0.0.1:9', // no check is probed in this journey
      BEACON_TOKEN: 'e2e-beacon-token-0123456789',
      WEBHOOK_ALLOW_CIDRS: '127.0.0.1/32',
      NOTIFIER_POLL_MS: '200',
      PORT: '0',
      PUBLIC_URL: frontend.url,
    }),
    { handleSignals: false, logger: createLogger('worker', 'silent') },
  );
  browser = await launchChromium(frontend.url);
  page = await browser.context.newPage();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await worker?.stop();
  await new Promise<void>((resolve) => (receiver ? receiver.close(() => resolve()) : resolve()));
  await frontend?.stop();
});

async function createSlackChannel(name: string, url: string): Promise<void> {
  await page.goto('/channels/new');
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Kind').selectOption('slack');
  await page.getByLabel('Target').fill(url);
  await page.getByRole('button', { name: 'Create channel' }).click();
  await page.waitForURL('**/channels?notice=channel-created');
}

const channelItem = (name: string) => page.locator('li.channel', { hasText: name });

test('create a Slack channel, send a test, see it delivered in Block Kit; a wrong hook shows the failure', async () => {
  await signUp(page, 'slack-fan@example.com');

  await page.goto('/channels/new');
  await page.getByLabel('Kind').selectOption('slack');
  await page.screenshot({ path: path.join(SCREENSHOTS, 'integrations-new-channel.png'), fullPage: true });
  await createSlackChannel('Team Slack', `${receiverUrl}/services/T0001/B0001/secretpath`);
  await expect(channelItem('Team Slack').locator('.badge').first().textContent()).resolves.toBe('slack');

  await channelItem('Team Slack').getByRole('button', { name: 'Send a test' }).click();
  await channelItem('Team Slack').getByText('Test delivered.').waitFor({ timeout: 15_000 });
  const delivered = received.find((request) => request.path === '/services/T0001/B0001/secretpath');
  expect(delivered?.headers['content-type']).toBe('application/json');
  expect(delivered?.json).toEqual({
    text: expect.stringContaining('Test notification from Pingdummy for channel "Team Slack"'),
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: expect.stringContaining('Test notification from Pingdummy') } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: expect.stringContaining('Pingdummy · test') }] },
    ],
  });
  await page.screenshot({ path: path.join(SCREENSHOTS, 'integrations-test-delivered.png'), fullPage: true });

  // A hook Slack does not know: the test fails at once and says what Slack answered.
  await createSlackChannel('Old Slack', `${receiverUrl}/services/T0001/B0001/revoked`);
  await channelItem('Old Slack').getByRole('button', { name: 'Send a test' }).click();
  await channelItem('Old Slack').getByText('Test failed: HTTP 404').waitFor({ timeout: 15_000 });
  await page.screenshot({ path: path.join(SCREENSHOTS, 'integrations-test-failed.png'), fullPage: true });

  // Chromium reports no CSP violation or script error on the way.
  expect(browser.consoleProblems).toEqual([]);
});
