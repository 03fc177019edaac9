import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RunningHttpService } from '@pingdummy/shared';
import { runProbe } from '../src/index.js';
import { probeBatch, probeOne, startTestBeacon } from './support/beacon.js';
import { startTargetServer, unusedPort, type TargetServer } from './support/target-servers.js';

const FIVE_MB = 5 * 1024 * 1024;
const pendingTimers = new Set<NodeJS.Timeout>();

/** Answers after `ms` milliseconds (query `ms`), so timeouts and first-byte timings are real. */
function slowRoute(req: IncomingMessage, res: ServerResponse): void {
  const ms = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('ms') ?? 1000);
  const timer = setTimeout(() => {
    pendingTimers.delete(timer);
    if (!res.destroyed) res.end('slow but fine');
  }, ms);
  pendingTimers.add(timer);
}

/** Streams 5 MB in 64 KiB chunks without Content-Length; the keyword is in the very last chunk. */
function hugeRoute(_req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/plain' });
  const chunk = Buffer.alloc(64 * 1024, 'a');
  let sent = 0;
  const write = () => {
    while (sent < FIVE_MB) {
      sent += chunk.length;
      const last = sent >= FIVE_MB;
      const ok = res.write(last ? Buffer.concat([chunk, Buffer.from('needle')]) : chunk);
      if (last) return void res.end();
      if (!ok) return void res.once('drain', write);
    }
  };
  res.on('error', () => undefined);
  write();
}

let target: TargetServer;
let internal: TargetServer;
let beacon: RunningHttpService;

beforeAll(async () => {
  internal = await startTargetServer({ '/': (_req, res) => res.end('internal admin panel') }, { host: '127.0.0.2' });
  target = await startTargetServer({
    '/ok': (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<h1>all systems operational</h1>'),
    '/status/500': (_req, res) => res.writeHead(500).end('boom'),
    '/status/404': (_req, res) => res.writeHead(404).end('gone'),
    '/slow': slowRoute,
    '/trickle': (_req, res) => {
      // Headers and a first chunk at once, the rest long after any deadline in these tests.
      res.writeHead(200, { 'content-type': 'text/plain' }).write('first chunk ');
      const timer = setTimeout(() => {
        pendingTimers.delete(timer);
        if (!res.destroyed) res.end('too late');
      }, 5_000);
      pendingTimers.add(timer);
    },
    '/redirect-to-slow': (_req, res) => res.writeHead(302, { location: '/slow?ms=5000' }).end(),
    '/redirect/3': (_req, res) => res.writeHead(302, { location: '/redirect/2' }).end(),
    '/redirect/2': (_req, res) => res.writeHead(301, { location: `${target.origin}/redirect/1` }).end(),
    '/redirect/1': (_req, res) => res.writeHead(307, { location: 'landing' }).end(),
    '/redirect/landing': (_req, res) => res.end('landed'),
    '/loop': (_req, res) => res.writeHead(302, { location: '/loop' }).end(),
    '/to-internal': (_req, res) => res.writeHead(302, { location: `${internal.origin}/` }).end(),
    '/huge': hugeRoute,
    '/latin1': (_req, res) =>
      res.writeHead(200, { 'content-type': 'text/plain; charset=iso-8859-1' }).end(Buffer.from('Caf\xe9 ouvert', 'latin1')),
    '/echo': (req, res, body) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ method: req.method, body })),
    '/see-other': (_req, res) => res.writeHead(303, { location: '/echo' }).end(),
    '/reset': (req) => req.socket.destroy(),
    '/garbage': (req) => req.socket.end('NOT-HTTP garbage\r\n\r\n'),
  });
  beacon = await startTestBeacon();
});

afterAll(async () => {
  for (const timer of pendingTimers) clearTimeout(timer);
  await beacon.stop();
  await target.close();
  await internal.close();
});

test('200 passes with status, timings for the phases that happened, and no TLS data for http', async () => {
  const result = await probeOne(beacon, { url: `${target.origin}/slow?ms=200` });
  expect(result).toMatchObject({ id: 'p', ok: true, statusCode: 200, errorClass: null, errorMessage: null, redirects: 0 });
  expect(result.tlsCertExpiresAt).toBeNull();
  expect(result.tlsCertDaysLeft).toBeNull();
  expect(result.timings.dnsMs).toBeNull(); // literal IP: no lookup
  expect(result.timings.tlsMs).toBeNull(); // http: no handshake
  expect(result.timings.connectMs).toEqual(expect.any(Number));
  expect(result.timings.firstByteMs).toBeGreaterThanOrEqual(180); // the server waited 200 ms before answering
  expect(result.timings.totalMs).toBeGreaterThanOrEqual(result.timings.firstByteMs!);
  expect(Date.now() - Date.parse(result.startedAt)).toBeLessThan(30_000);
});

test('a host name gets a DNS timing', async () => {
  const withLocalhost = await startTestBeacon({ BEACON_ALLOW_CIDRS: '127.0.0.1/32,::1/128' });
  try {
    const result = await probeOne(withLocalhost, { url: `http://localhost:${target.port}/ok` });
    expect(result.ok).toBe(true);
    expect(result.timings.dnsMs).toEqual(expect.any(Number));
  } finally {
    await withLocalhost.stop();
  }
});

test('500 fails as http_status, naming the code and the expected ranges', async () => {
  const result = await probeOne(beacon, { url: `${target.origin}/status/500` });
  expect(result).toMatchObject({ ok: false, statusCode: 500, errorClass: 'http_status', errorMessage: 'HTTP 500, expected 200-399' });
});

test('404 passes when 404 is the expected status', async () => {
  const result = await probeOne(beacon, { url: `${target.origin}/status/404`, expectedStatus: [[404, 404], [410, 410]] });
  expect(result).toMatchObject({ ok: true, statusCode: 404, errorClass: null });
});

test('a response slower than timeoutMs fails as timeout, close to the deadline', async () => {
  const result = await probeOne(beacon, { url: `${target.origin}/slow?ms=5000`, timeoutMs: 400 });
  expect(result).toMatchObject({ ok: false, statusCode: null, errorClass: 'timeout' });
  expect(result.errorMessage).toMatch(/timeout/);
  expect(result.timings.totalMs).toBeGreaterThanOrEqual(350);
  expect(result.timings.totalMs).toBeLessThan(2_000);
  expect(result.timings.firstByteMs).toBeNull();
});

test('the deadline also ends a probe whose body is still arriving, as timeout', async () => {
  const result = await probeOne(beacon, { url: `${target.origin}/trickle`, timeoutMs: 400, keyword: 'too late' });
  expect(result).toMatchObject({ ok: false, statusCode: 200, errorClass: 'timeout', errorMessage: 'timeout: no complete response within 400 ms' });
  expect(result.timings.firstByteMs).toEqual(expect.any(Number));
  expect(result.timings.totalMs).toBeGreaterThanOrEqual(350);
  expect(result.timings.totalMs).toBeLessThan(2_000);
});

test('the deadline covers the whole redirect chain, as timeout', async () => {
  const result = await probeOne(beacon, { url: `${target.origin}/redirect-to-slow`, timeoutMs: 400 });
  expect(result).toMatchObject({ ok: false, statusCode: null, errorClass: 'timeout', redirects: 1 });
  expect(result.timings.totalMs).toBeLessThan(2_000);
});

test('the deadline also ends a probe stuck in name resolution, as timeout', async () => {
  const port = new URL(target.origin).port;
  const neverResolves = () => new Promise<never>(() => undefined);
  const started = performance.now();
  const result = await runProbe(
    { id: 'dns', url: `http://stuck-dns.test:${port}/ok`, method: 'GET', headers: {}, timeoutMs: 300, expectedStatus: [[200, 399]], maxRedirects: 5 },
    { allowCidrs: ['127.0.0.1/32'], maxRedirects: 5, maxBodyBytes: 65_536, userAgent: 'test', resolve: neverResolves },
  );
  expect(result).toMatchObject({ ok: false, statusCode: null, errorClass: 'timeout' });
  expect(performance.now() - started).toBeLessThan(2_000);
});

test('a redirect chain (relative, absolute, 301/302/307) is followed and counted', async () => {
  const result = await probeOne(beacon, { url: `${target.origin}/redirect/3`, keyword: 'landed' });
  expect(result).toMatchObject({ ok: true, statusCode: 200, redirects: 3, errorClass: null });
});

test('a redirect loop ends as too_many_redirects; the probe may lower the cap but not raise it', async () => {
  const loop = await probeOne(beacon, { url: `${target.origin}/loop` });
  expect(loop).toMatchObject({ ok: false, errorClass: 'too_many_redirects', redirects: 5 });
  expect(loop.errorMessage).toBe(`more than 5 redirects (stopped at ${target.origin}/loop)`);

  const lowered = await probeOne(beacon, { url: `${target.origin}/redirect/3`, maxRedirects: 2 });
  expect(lowered).toMatchObject({ ok: false, errorClass: 'too_many_redirects', redirects: 2 });

  const capped = await probeOne(beacon, { url: `${target.origin}/loop`, maxRedirects: 10 });
  expect(capped).toMatchObject({ errorClass: 'too_many_redirects', redirects: 5 }); // BEACON_MAX_REDIRECTS=5 wins
});

test('maxRedirects 0 reports the redirect itself, so a 301 can be the expected status', async () => {
  const result = await probeOne(beacon, { url: `${target.origin}/redirect/2`, maxRedirects: 0, expectedStatus: [[301, 301]] });
  expect(result).toMatchObject({ ok: true, statusCode: 301, redirects: 0 });
});

test('a redirect to a non-allowed address is blocked before the internal host sees a request', async () => {
  const result = await probeOne(beacon, { url: `${target.origin}/to-internal` });
  expect(result).toMatchObject({
    ok: false,
    errorClass: 'blocked_address',
    errorMessage: '127.0.0.2 (loopback) is not allowed',
    redirects: 1,
  });
  expect(internal.seen).toHaveLength(0);
});

test('a 5 MB body fails as too_large when a keyword must be checked', async () => {
  const result = await probeOne(beacon, { url: `${target.origin}/huge`, keyword: 'needle' });
  expect(result).toMatchObject({ ok: false, statusCode: 200, errorClass: 'too_large' });
  expect(result.errorMessage).toBe('the body exceeds the 1048576-byte limit, so the keyword cannot be checked');
});

test('a 5 MB body passes without a keyword: reading stops at the cap', async () => {
  const result = await probeOne(beacon, { url: `${target.origin}/huge` });
  expect(result).toMatchObject({ ok: true, statusCode: 200, errorClass: null });
});

test('the keyword check passes and fails in both modes, on decoded text', async () => {
  const { results } = await probeBatch(beacon, [
    { id: 'present-ok', url: `${target.origin}/ok`, keyword: 'operational' },
    { id: 'present-missing', url: `${target.origin}/ok`, keyword: 'degraded' },
    { id: 'absent-ok', url: `${target.origin}/ok`, keyword: 'degraded', keywordMode: 'absent' },
    { id: 'absent-found', url: `${target.origin}/ok`, keyword: 'operational', keywordMode: 'absent' },
    { id: 'latin1', url: `${target.origin}/latin1`, keyword: 'Café' },
  ]);
  expect(results.map(({ id, ok, errorClass, errorMessage }) => ({ id, ok, errorClass, errorMessage }))).toEqual([
    { id: 'present-ok', ok: true, errorClass: null, errorMessage: null },
    { id: 'present-missing', ok: false, errorClass: 'keyword', errorMessage: 'keyword "degraded" not found in the response body' },
    { id: 'absent-ok', ok: true, errorClass: null, errorMessage: null },
    {
      id: 'absent-found',
      ok: false,
      errorClass: 'keyword',
      errorMessage: 'keyword "operational" found in the response body but must be absent',
    },
    { id: 'latin1', ok: true, errorClass: null, errorMessage: null },
  ]);
});

test('a closed port fails as refused', async () => {
  const port = await unusedPort();
  const result = await probeOne(beacon, { url: `http://127.0.0.1:${port}/` });
  expect(result).toMatchObject({ ok: false, statusCode: null, errorClass: 'refused' });
  expect(result.errorMessage).toBe(`connection refused by 127.0.0.1:${port} (ECONNREFUSED)`);
});

test('an unknown host fails as dns', async () => {
  // A generous timeout: without a reachable resolver the answer is EAI_AGAIN after retries, still dns.
  const result = await probeOne(beacon, { url: 'http://nonexistent.invalid/', timeoutMs: 30_000 });
  expect(result).toMatchObject({ ok: false, statusCode: null, errorClass: 'dns' });
  expect(result.errorMessage).toMatch(/^could not resolve nonexistent\.invalid \(E[A-Z_]+\)$/);
  expect(result.timings.dnsMs).toEqual(expect.any(Number));
  expect(result.timings.connectMs).toBeNull();
});

test('a server that drops the connection fails as connection_reset; garbage fails as protocol', async () => {
  const { results } = await probeBatch(beacon, [
    { id: 'reset', url: `${target.origin}/reset` },
    { id: 'garbage', url: `${target.origin}/garbage` },
  ]);
  expect(results[0]).toMatchObject({ ok: false, errorClass: 'connection_reset' });
  expect(results[1]).toMatchObject({ ok: false, errorClass: 'protocol' });
  expect(results[1]?.errorMessage).toMatch(/^invalid HTTP response: /);
});

test('HEAD and POST reach the server with method, headers and body; 303 turns the POST into a GET', async () => {
  target.seen.length = 0;
  const { results } = await probeBatch(beacon, [
    { id: 'head', url: `${target.origin}/echo`, method: 'HEAD' },
    {
      id: 'post',
      url: `${target.origin}/echo`,
      method: 'POST',
      headers: { 'content-type': 'application/json', 'X-Pingdummy-Check': 'abc', 'User-Agent': 'custom-agent/1' },
      body: '{"ping":true}',
      keyword: '"method":"POST"',
    },
    { id: 'see-other', url: `${target.origin}/see-other`, method: 'POST', body: 'form=1', keyword: '"method":"GET"' },
  ]);
  expect(results.map(({ id, ok, errorMessage }) => ({ id, ok, errorMessage }))).toEqual([
    { id: 'head', ok: true, errorMessage: null },
    { id: 'post', ok: true, errorMessage: null },
    { id: 'see-other', ok: true, errorMessage: null },
  ]);
  const head = target.seen.find((seen) => seen.method === 'HEAD');
  expect(head?.headers['user-agent']).toBe('Pingdummy-Beacon/0.1 (region test-region)');
  const post = target.seen.find((seen) => seen.method === 'POST' && seen.url === '/echo');
  expect(post).toMatchObject({ body: '{"ping":true}' });
  expect(post?.headers['x-pingdummy-check']).toBe('abc');
  expect(post?.headers['content-type']).toBe('application/json');
  expect(post?.headers['user-agent']).toBe('custom-agent/1');
  expect(target.seen.filter((seen) => seen.url === '/echo' && seen.method === 'GET')).toHaveLength(1);
});

test('results come back in request order even when earlier probes finish last', async () => {
  const { region, results } = await probeBatch(beacon, [
    { id: 'slowest', url: `${target.origin}/slow?ms=400` },
    { id: 'slow', url: `${target.origin}/slow?ms=200` },
    { id: 'fast', url: `${target.origin}/ok` },
  ]);
  expect(region).toBe('test-region');
  expect(results.map((result) => result.id)).toEqual(['slowest', 'slow', 'fast']);
  expect(results.every((result) => result.ok)).toBe(true);
});

test('BEACON_CONCURRENCY caps probes in flight across the batch', async () => {
  const capped = await startTestBeacon({ BEACON_CONCURRENCY: '2' });
  const slowTarget = await startTargetServer({ '/slow': slowRoute });
  try {
    const started = performance.now();
    const { results } = await probeBatch(
      capped,
      Array.from({ length: 6 }, (_, index) => ({ id: `p${index}`, url: `${slowTarget.origin}/slow?ms=250` })),
    );
    expect(results.every((result) => result.ok)).toBe(true);
    expect(slowTarget.maxInFlight()).toBe(2);
    expect(performance.now() - started).toBeGreaterThanOrEqual(3 * 250 - 50);
  } finally {
    await capped.stop();
    await slowTarget.close();
  }
});

test('with the default (empty) allow-list, 127.0.0.1 is refused and the server never sees the probe', async () => {
  const strict = await startTestBeacon({ BEACON_ALLOW_CIDRS: undefined });
  target.seen.length = 0;
  try {
    const result = await probeOne(strict, { url: `${target.origin}/ok` });
    expect(result).toMatchObject({
      ok: false,
      statusCode: null,
      errorClass: 'blocked_address',
      errorMessage: '127.0.0.1 (loopback) is not allowed',
    });
    const named = await probeOne(strict, { url: `http://localhost:${target.port}/ok` });
    expect(named.errorClass).toBe('blocked_address');
    expect(named.errorMessage).toMatch(/^localhost resolves to (127\.0\.0\.1|::1) \(loopback\), which is not allowed$/);
    expect(target.seen).toHaveLength(0);
  } finally {
    await strict.stop();
  }
});

test('allowing everything (0.0.0.0/0, ::/0) still refuses the metadata endpoints in every spelling', async () => {
  const open = await startTestBeacon({ BEACON_ALLOW_CIDRS: '0.0.0.0/0,::/0' });
  try {
    const reachable = await probeOne(open, { url: `${target.origin}/ok` });
    expect(reachable.ok).toBe(true); // the allow-list really opens internal addresses
    const metadataUrls = [
      'http://169.254.169.254/latest/meta-data/',
      'http://169.254.170.2/v2/credentials',
      'http://169.254.170.23/v1/credentials',
      'http://169.254.169.123/',
      'http://169.254.169.253/',
      'http://[fd00:ec2::254]/latest/meta-data/',
      'http://[fd00:ec2::23]/v1/credentials',
      'http://[fd00:ec2::123]/',
      'http://[fd00:ec2::253]/',
      'http://[::ffff:169.254.169.254]/',
      'http://[64:ff9b::a9fe:a9fe]/',
      'http://[64:ff9b::a9fe:aa17]/',
      'http://[2002:a9fe:a9fe::]/',
      'http://[::a9fe:a9fe]/',
      'http://[::ffff:0:a9fe:a9fe]/',
      'http://[2001:0:4136:e378:8000:63bf:5601:5601]/',
    ];
    const { results } = await probeBatch(
      open,
      metadataUrls.map((url, index) => ({ id: `m${index}`, url, timeoutMs: 2_000 })),
    );
    expect(results.map(({ errorClass, errorMessage }, index) => [metadataUrls[index], errorClass, errorMessage])).toEqual(
      metadataUrls.map((url) => [url, 'blocked_address', expect.stringMatching(/cloud metadata endpoint/)]),
    );
  } finally {
    await open.stop();
  }
});

test('a host name longer than DNS allows fails as invalid_url, without a lookup', async () => {
  const longName = 'a'.repeat(300);
  const result = await probeOne(beacon, { url: `http://${longName}/` });
  expect(result).toMatchObject({
    ok: false,
    errorClass: 'invalid_url',
    errorMessage: 'host name is 300 characters long; at most 253 are allowed',
  });
  expect(result.timings.dnsMs).toBeNull();
});
