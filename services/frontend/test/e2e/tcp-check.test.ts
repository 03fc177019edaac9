import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import type { AddressInfo, Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createServer as createTlsServer, type Server } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { parseBeaconConfig, startBeacon } from '@pingdummy/beacon';
import type { RunningHttpService } from '@pingdummy/shared';
import { parseWorkerConfig, startWorker, type RunningWorker } from '@pingdummy/worker';
import type { Page } from 'playwright-core';
import { startTestFrontend, type TestFrontend } from '../web/harness.js';
import { launchChromium, type TestChromium } from './chromium.js';
import { fillCheckForm, signUp, submitNewCheck, waitFor } from './journey.js';

/**
 * A TCP port check in a real browser: Chromium creates it from the form against a local TLS server, a real
 * worker and beacon probe it (TLS handshake, certificate trusted by the beacon), the dashboard shows it up
 * as host:port; then the server stops and the check goes down with an incident. Screenshots: screenshots/tcp-*.png.
 */

const SCREENSHOTS = fileURLToPath(new URL('../../screenshots/', import.meta.url));
const BEACON_TOKEN = 'e2e-beacon-token-0123456789';

/** A self-signed certificate for 127.0.0.1, made with openssl for this run. */
async function selfSignedCertificate(): Promise<{ key: string; cert: string }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'pingdummy-e2e-tcp-'));
  try {
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'key.pem', '-out', 'cert.pem', '-days', '45',
        '-subj', '/CN=pingdummy-e2e', '-addext', 'subjectAltName=IP:127.0.0.1'],
      { cwd: dir, stdio: 'ignore' },
    );
    return { key: await readFile(path.join(dir, 'key.pem'), 'utf8'), cert: await readFile(path.join(dir, 'cert.pem'), 'utf8') };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

let frontend: TestFrontend;
let beacon: RunningHttpService;
let worker: RunningWorker;
let server: Server;
const sockets = new Set<Socket>();
let port: number;
let browser: TestChromium;
let page: Page;

beforeAll(async () => {
  await mkdir(SCREENSHOTS, { recursive: true });
  const certificate = await selfSignedCertificate();
  server = createTlsServer(certificate, (socket) => socket.end());
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  port = (server.address() as AddressInfo).port;

  frontend = await startTestFrontend({ beaconAllowCidrs: ['127.0.0.1/32'] });
  beacon = await startBeacon(
    parseBeaconConfig({ BEACON_TOKEN, PGDUMMY_REGION: 'local', BEACON_ALLOW_CIDRS: '127.0.0.1/32', PORT: '0', LOG_LEVEL: 'silent' }),
    { handleSignals: false, tls: { ca: [certificate.cert] } },
  );
  worker = await startWorker(
    parseWorkerConfig({ DATABASE_URL: frontend.db.url, BEACON_URLS: `local=${beacon.url}`, BEACON_TOKEN, PORT: '0', LOG_LEVEL: 'silent' }),
    { handleSignals: false },
  );
  browser = await launchChromium(frontend.url);
  page = await browser.context.newPage();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await worker?.stop();
  await beacon?.stop();
  for (const socket of sockets) socket.destroy();
  if (server?.listening) server.close();
  await frontend?.stop();
});

const stateOnDashboard = (checkId: string) => page.locator(`tr[data-check-id="${checkId}"] [data-state]`).getAttribute('data-state');

test('create a TCP check with TLS against a local server, see it up as host:port, then down when the port closes', async () => {
  await signUp(page, 'tcp@example.com');

  // The kind picker leads to the TCP form: host and port instead of URL and HTTP options.
  await page.goto('/checks/new');
  await page.getByRole('link', { name: 'TCP port' }).click();
  await page.waitForURL('**/checks/new?kind=tcp');
  expect(await page.getByLabel('URL', { exact: true }).count()).toBe(0);
  expect(await page.getByLabel('Keyword', { exact: true }).count()).toBe(0);
  await fillCheckForm(page, { name: 'Local TLS port', intervalSeconds: '10', timeoutMs: '2000', failuresBeforeDown: '1', tick: [/Handshake TLS/] });
  await page.getByLabel('Host', { exact: true }).fill('127.0.0.1');
  await page.getByLabel('Port', { exact: true }).fill('99999');
  await page.getByRole('button', { name: 'Create check' }).click();
  // A bad port is shown beside its field, the form kept as typed.
  await page.locator('#port-error').getByText('must be a whole number between 1 and 65535').waitFor();
  expect(await page.getByLabel(/Handshake TLS/).isChecked()).toBe(true);
  await page.screenshot({ path: path.join(SCREENSHOTS, 'tcp-check-form-errors.png'), fullPage: true });
  const expected422 = browser.consoleProblems.findIndex((line) => line.includes('status of 422'));
  expect(expected422).toBeGreaterThanOrEqual(0);
  browser.consoleProblems.splice(expected422, 1);

  await page.getByLabel('Port', { exact: true }).fill(String(port));
  const checkId = await submitNewCheck(page);

  await page.goto('/dashboard');
  await waitFor('the TCP check to be up on the dashboard', async () => (await stateOnDashboard(checkId)) === 'up');
  expect(await page.locator(`tr[data-check-id="${checkId}"] .check-url`).textContent()).toBe(`127.0.0.1:${port}`);
  await page.screenshot({ path: path.join(SCREENSHOTS, 'tcp-dashboard.png'), fullPage: true });

  await page.goto(`/checks/${checkId}`);
  expect(await page.locator('.page-head .check-url').textContent()).toBe(`TCP + TLS 127.0.0.1:${port}`);
  expect(await page.locator('#tls-expiry').textContent()).toMatch(/4[45] days/);
  await page.screenshot({ path: path.join(SCREENSHOTS, 'tcp-check.png'), fullPage: true });

  // The port closes: the next round is refused, the check goes down and an incident opens.
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await frontend.db.pool.query(`UPDATE checks SET next_due_at = now() WHERE id = $1`, [checkId]);
  await page.goto('/dashboard');
  await waitFor('the TCP check to be down on the dashboard', async () => (await stateOnDashboard(checkId)) === 'down');
  await page.goto(`/checks/${checkId}`);
  expect(await page.locator('body').textContent()).toContain(`connection refused by 127.0.0.1:${port}`);
  await page.screenshot({ path: path.join(SCREENSHOTS, 'tcp-check-down.png'), fullPage: true });
  expect(browser.consoleProblems).toEqual([]);
}, 90_000);
