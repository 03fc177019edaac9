import { spawn } from 'node:child_process';
import { once } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import { ConfigError, type RunningHttpService } from '@pingdummy/shared';
import { parseBeaconConfig } from '../src/index.js';
import { postProbes, startTestBeacon, TEST_TOKEN } from './support/beacon.js';
import { startTargetServer, unusedPort, type TargetServer } from './support/target-servers.js';

let beacon: RunningHttpService;
let target: TargetServer;

beforeAll(async () => {
  target = await startTargetServer({
    '/ok': (_req, res) => res.end('fine'),
    '/slow': (_req: IncomingMessage, res: ServerResponse) => void setTimeout(() => res.end('late but fine'), 600),
  });
  beacon = await startTestBeacon();
});

afterAll(async () => {
  await beacon.stop();
  await target.close();
});

describe('authentication', () => {
  test.each([
    ['no Authorization header', null],
    ['a wrong token', 'wrong-token-0123456789abcdef'],
    ['a prefix of the token', TEST_TOKEN.slice(0, -1)],
    ['an empty token', ''],
  ])('%s is answered 401 in JSON', async (_name, token) => {
    const response = await postProbes(beacon, { probes: [{ id: 'a', url: `${target.origin}/ok` }] }, token);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expect(await response.json()).toEqual({ error: 'missing or invalid bearer token' });
  });

  test('a Basic scheme carrying the token is refused too', async () => {
    const response = await fetch(`${beacon.url}/v1/probes`, {
      method: 'POST',
      headers: { authorization: `Basic ${TEST_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ probes: [{ id: 'a', url: `${target.origin}/ok` }] }),
    });
    expect(response.status).toBe(401);
    expect(target.seen).toHaveLength(0);
  });
});

describe('request validation', () => {
  test.each([
    ['a URL that is not one', { probes: [{ id: 'a', url: 'not a url' }] }, 'probes.0.url: must be an http:// or https:// URL'],
    ['an ftp:// URL', { probes: [{ id: 'a', url: 'ftp://example.com/file' }] }, 'probes.0.url: must be an http:// or https:// URL'],
    ['an unknown field', { probes: [{ id: 'a', url: 'https://example.com', intervalSeconds: 30 }] }, 'probes.0: Unrecognized key: "intervalSeconds"'],
    ['an unknown top-level field', { probes: [{ id: 'a', url: 'https://example.com' }], region: 'x' }, '(body): Unrecognized key: "region"'],
    ['a timeout out of range', { probes: [{ id: 'a', url: 'https://example.com', timeoutMs: 50 }] }, 'probes.0.timeoutMs: Too small: expected number to be >=100'],
    ['too many redirects asked for', { probes: [{ id: 'a', url: 'https://example.com', maxRedirects: 11 }] }, 'probes.0.maxRedirects: Too big: expected number to be <=10'],
    ['a bad status range', { probes: [{ id: 'a', url: 'https://example.com', expectedStatus: [[300, 200]] }] }, 'probes.0.expectedStatus.0: low must not exceed high'],
    ['an unknown method', { probes: [{ id: 'a', url: 'https://example.com', method: 'TRACE' }] }, 'probes.0.method: Invalid option'],
    ['an empty batch', { probes: [] }, 'probes: Too small: expected array to have >=1 items'],
    ['a start too far ahead', { probes: [{ id: 'a', url: 'https://example.com', startInMs: 15_001 }] }, 'probes.0.startInMs: Too big: expected number to be <=15000'],
    ['a negative start', { probes: [{ id: 'a', kind: 'tcp', host: 'example.com', port: 443, startInMs: -1 }] }, 'probes.0.startInMs: Too small: expected number to be >=0'],
    [
      'a header value with a line break',
      { probes: [{ id: 'a', url: 'https://example.com', headers: { 'X-A': 'a\r\nInjected: 1' } }] },
      'probes.0.headers.X-A: must not contain line breaks',
    ],
    ['a header name that is not a token', { probes: [{ id: 'a', url: 'https://example.com', headers: { 'X A': 'b' } }] }, 'probes.0.headers.X A: '],
    ['a JSON array', [], '(body): Invalid input: expected object, received array'],
  ])('%s is answered 400 naming the field', async (_name, body, message) => {
    const response = await postProbes(beacon, body);
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: string };
    expect(error.startsWith(message)).toBe(true);
  });

  test('malformed JSON is answered 400 in JSON', async () => {
    const response = await postProbes(beacon, '{"probes": [');
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'malformed JSON body' });
  });

  test('a body over 2 MB is answered 413', async () => {
    const padding = 'x'.repeat(2.5 * 1024 * 1024);
    const response = await postProbes(beacon, JSON.stringify({ probes: [{ id: padding, url: 'https://example.com' }] }));
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ error: 'body too large (limit 2097152 bytes)' });
  });

  test('unknown routes answer JSON 404', async () => {
    const response = await fetch(`${beacon.url}/v2/probes`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: 'no route for GET /v2/probes' });
  });
});

test('each probe of a batch starts after its startInMs; the batch answers when the last one is done', async () => {
  const sent = performance.now();
  const response = await postProbes(beacon, {
    probes: [
      { id: 'now', url: `${target.origin}/ok?now` },
      { id: 'later', url: `${target.origin}/ok?later`, startInMs: 700 },
    ],
  });
  expect(response.status).toBe(200);
  const { results } = (await response.json()) as { results: { id: string; ok: boolean; startedAt: string }[] };
  expect(results.map((result) => [result.id, result.ok])).toEqual([
    ['now', true],
    ['later', true],
  ]);
  const startGap = Date.parse(results[1]!.startedAt) - Date.parse(results[0]!.startedAt);
  expect(startGap).toBeGreaterThanOrEqual(650);
  expect(performance.now() - sent).toBeGreaterThanOrEqual(700);
});

test('/healthz and /readyz answer', async () => {
  expect(await (await fetch(`${beacon.url}/healthz`)).json()).toEqual({ status: 'ok', service: 'beacon' });
  expect((await fetch(`${beacon.url}/readyz`)).status).toBe(200);
});

test('stop() lets an in-flight batch finish, then refuses new connections', async () => {
  const stopping = await startTestBeacon({ STOP_TIMEOUT_MS: '8000' });
  const inFlight = postProbes(stopping, { probes: [{ id: 'late', url: `${target.origin}/slow` }] });
  await new Promise((resolve) => setTimeout(resolve, 150));
  const stopStartedAt = performance.now();
  const stopped = stopping.stop();

  const response = await inFlight;
  expect(response.status).toBe(200);
  const body = (await response.json()) as { results: Array<{ id: string; ok: boolean }> };
  expect(body.results).toMatchObject([{ id: 'late', ok: true }]);
  await stopped;
  expect(performance.now() - stopStartedAt).toBeLessThan(3_000); // drained, not cut off by the stop timeout
  await expect(fetch(`${stopping.url}/healthz`)).rejects.toThrow();
});

const entry = fileURLToPath(new URL('../dist/main.js', import.meta.url));

test.each(['1', '2'])('the process entry (BEACON_PROCESSES=%s) drains in-flight batches on SIGTERM and exits 0', async (processes) => {
  const port = await unusedPort();
  const child = spawn(process.execPath, [entry], {
    env: {
      PATH: process.env.PATH,
      PORT: String(port),
      BEACON_TOKEN: TEST_TOKEN,
      BEACON_ALLOW_CIDRS: '127.0.0.1/32',
      BEACON_PROCESSES: processes,
      LOG_LEVEL: 'silent',
    },
    stdio: 'ignore',
  });
  const exited = once(child, 'exit');
  try {
    const url = `http://127.0.0.1:${port}`;
    for (let attempt = 0; attempt < 100; attempt++) {
      if (await fetch(`${url}/healthz`).then((response) => response.ok, () => false)) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const slowBefore = target.seen.filter((request) => request.url === '/slow').length;
    const batches = [1, 2, 3, 4].map((n) =>
      postProbes({ url } as RunningHttpService, { probes: [{ id: `late${n}`, url: `${target.origin}/slow` }] }),
    );
    // SIGTERM once all four batches are in flight (their probes reached the target), however loaded the machine is.
    for (let waited = 0; waited < 10_000 && target.seen.filter((request) => request.url === '/slow').length < slowBefore + 4; waited += 20) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    child.kill('SIGTERM');
    for (const [index, response] of (await Promise.all(batches)).entries()) {
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ region: 'local', results: [{ id: `late${index + 1}`, ok: true }] });
    }
    expect(await exited).toEqual([0, null]);
  } finally {
    child.kill('SIGKILL');
  }
});

test('a bad variable stops the process with one line naming it', async () => {
  const misconfigured = spawn(process.execPath, [entry], { env: { PATH: process.env.PATH }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  misconfigured.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  expect(await once(misconfigured, 'exit')).toEqual([1, null]);
  expect(stderr).toBe('config error: BEACON_TOKEN: is required\n');
});

describe('configuration', () => {
  const base = { BEACON_TOKEN: TEST_TOKEN };

  test('defaults', () => {
    expect(parseBeaconConfig(base)).toEqual({
      port: 3001,
      token: TEST_TOKEN,
      region: 'local',
      allowCidrs: [],
      maxRedirects: 5,
      maxBodyBytes: 1_048_576,
      concurrency: 200,
      processes: 1,
      stopTimeoutMs: 10_000,
      logLevel: 'info',
    });
  });

  test('every variable is read', () => {
    expect(
      parseBeaconConfig({
        ...base,
        PORT: '4001',
        PGDUMMY_REGION: 'eu-west-1',
        BEACON_ALLOW_CIDRS: '10.0.0.0/8, fd00::/8',
        BEACON_MAX_REDIRECTS: '2',
        BEACON_MAX_BODY_BYTES: '4096',
        BEACON_CONCURRENCY: '10',
        BEACON_PROCESSES: '2',
        STOP_TIMEOUT_MS: '500',
        LOG_LEVEL: 'warn',
      }),
    ).toEqual({
      port: 4001,
      token: TEST_TOKEN,
      region: 'eu-west-1',
      allowCidrs: ['10.0.0.0/8', 'fd00::/8'],
      maxRedirects: 2,
      maxBodyBytes: 4096,
      concurrency: 10,
      processes: 2,
      stopTimeoutMs: 500,
      logLevel: 'warn',
    });
  });

  test.each([
    [{}, 'BEACON_TOKEN: is required'],
    [{ BEACON_TOKEN: 'short' }, 'BEACON_TOKEN: must be at least 16 characters'],
    [{ ...base, BEACON_ALLOW_CIDRS: '10.0.0.0/8,intranet' }, 'BEACON_ALLOW_CIDRS: "intranet" is not a CIDR such as 10.0.0.0/8 or fd00::/8'],
    [{ ...base, BEACON_CONCURRENCY: '0' }, 'BEACON_CONCURRENCY: Too small: expected number to be >=1'],
    [{ ...base, BEACON_MAX_REDIRECTS: '11' }, 'BEACON_MAX_REDIRECTS: Too big: expected number to be <=10'],
    [{ ...base, PGDUMMY_REGION: 'EU West' }, 'PGDUMMY_REGION: must be lowercase letters, digits and dashes, e.g. eu-west-1'],
    [{ ...base, PORT: 'http' }, 'PORT: Invalid input: expected number, received NaN'],
  ])('%j fails with one line naming the variable', (env, message) => {
    expect(() => parseBeaconConfig(env)).toThrow(new ConfigError(message));
  });
});
