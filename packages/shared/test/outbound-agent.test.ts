import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  BlockedAddressError,
  classifyOutboundError,
  createGuardedAgent,
  requestFollowingRedirects,
  type ConnectionReport,
  type ResolveHost,
} from '../src/outbound/index.js';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;
type Seen = { method: string; url: string; headers: IncomingMessage['headers']; body: string };

/** A real HTTP server on a chosen loopback address that records every request it receives. */
async function startServer(host: string, handler: Handler): Promise<{ server: Server; origin: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      handler(req, res, body);
    });
  });
  server.listen(0, host);
  await once(server, 'listening');
  return { server, origin: `http://${host}:${(server.address() as AddressInfo).port}`, seen };
}

let allowed: Awaited<ReturnType<typeof startServer>>;
let forbidden: Awaited<ReturnType<typeof startServer>>;
let otherPort: Awaited<ReturnType<typeof startServer>>;

beforeAll(async () => {
  // 127.0.0.2 stands in for an internal host: it is loopback and not on the allow-list below.
  forbidden = await startServer('127.0.0.2', (_req, res) => res.end('internal secret'));
  otherPort = await startServer('127.0.0.1', (_req, res) => res.end('other origin'));
  allowed = await startServer('127.0.0.1', (req, res) => {
    const path = req.url ?? '/';
    if (path === '/to-internal') return void res.writeHead(302, { location: `${forbidden.origin}/` }).end();
    if (path === '/see-other') return void res.writeHead(303, { location: '/landing' }).end();
    if (path === '/to-other-origin') return void res.writeHead(307, { location: `${otherPort.origin}/x` }).end();
    if (path === '/close') return void res.writeHead(200, { connection: 'close' }).end('closing');
    res.end('public page');
  });
});

afterAll(async () => {
  for (const { server } of [allowed, forbidden, otherPort]) {
    server.closeAllConnections();
    server.close();
  }
});

const ALLOW_ONLY_127_0_0_1 = ['127.0.0.1/32'];

test('a redirect from an allowed host to a non-allowed address is refused at the second hop', async () => {
  const agent = createGuardedAgent({ allowCidrs: ALLOW_ONLY_127_0_0_1 });
  const hops: string[] = [];
  const error = await requestFollowingRedirects(
    { url: `${allowed.origin}/to-internal` },
    { dispatcher: agent, onHop: (url) => hops.push(url.href) },
  ).catch((caught: unknown) => caught);
  await agent.close();

  expect(error).toBeInstanceOf(BlockedAddressError);
  expect(classifyOutboundError(error)).toEqual({ errorClass: 'blocked_address', message: '127.0.0.2 (loopback) is not allowed' });
  expect(hops).toEqual([`${allowed.origin}/to-internal`, `${forbidden.origin}/`]);
  expect(forbidden.seen).toHaveLength(0);
});

test('the same redirect is followed when the allow-list covers the target (the refusal above is the policy)', async () => {
  const agent = createGuardedAgent({ allowCidrs: ['127.0.0.0/30'] });
  const { response, redirects, url } = await requestFollowingRedirects({ url: `${allowed.origin}/to-internal` }, { dispatcher: agent });
  expect(await response.body.text()).toBe('internal secret');
  await agent.close();
  expect(redirects).toBe(1);
  expect(url.origin).toBe(forbidden.origin);
  forbidden.seen.length = 0;
});

test('DNS rebinding: the address is checked on every connection, not once per name', async () => {
  const answers = ['127.0.0.1', '127.0.0.2'];
  const resolve: ResolveHost = async () => [{ address: answers.shift() ?? '127.0.0.2', family: 4 }];
  const agent = createGuardedAgent({ allowCidrs: ALLOW_ONLY_127_0_0_1, resolve });
  const port = new URL(allowed.origin).port;

  const first = await requestFollowingRedirects({ url: `http://rebind.test:${port}/close` }, { dispatcher: agent });
  expect(await first.response.body.text()).toBe('closing');
  // The server closed the connection, so the next request dials again and resolves again.
  const error = await requestFollowingRedirects({ url: `http://rebind.test:${port}/` }, { dispatcher: agent }).catch(
    (caught: unknown) => caught,
  );
  await agent.close();
  expect(classifyOutboundError(error)).toEqual({
    errorClass: 'blocked_address',
    message: 'rebind.test resolves to 127.0.0.2 (loopback), which is not allowed',
  });
});

test('303 turns a POST into a body-less GET; a cross-origin 307 keeps the method and drops credentials', async () => {
  const agent = createGuardedAgent({ allowCidrs: ALLOW_ONLY_127_0_0_1 });
  allowed.seen.length = 0;
  const seeOther = await requestFollowingRedirects(
    { url: `${allowed.origin}/see-other`, method: 'POST', body: '{"a":1}', headers: { 'content-type': 'application/json' } },
    { dispatcher: agent },
  );
  await seeOther.response.body.dump();
  expect(allowed.seen.map(({ method, url, body }) => ({ method, url, body }))).toEqual([
    { method: 'POST', url: '/see-other', body: '{"a":1}' },
    { method: 'GET', url: '/landing', body: '' },
  ]);
  expect(allowed.seen[1]?.headers['content-type']).toBeUndefined();

  const crossOrigin = await requestFollowingRedirects(
    { url: `${allowed.origin}/to-other-origin`, method: 'PUT', body: 'x', headers: { authorization: 'Bearer t0ken', 'x-keep': 'yes' } },
    { dispatcher: agent },
  );
  expect(await crossOrigin.response.body.text()).toBe('other origin');
  await agent.close();
  const arrived = otherPort.seen.at(-1);
  expect(arrived?.method).toBe('PUT');
  expect(arrived?.body).toBe('x');
  expect(arrived?.headers['x-keep']).toBe('yes');
  expect(arrived?.headers.authorization).toBeUndefined();
});

test('connection reports carry real DNS and TCP timings, and null DNS for a literal IP', async () => {
  const reports: ConnectionReport[] = [];
  const resolve: ResolveHost = async () => {
    await new Promise((resolveDelay) => setTimeout(resolveDelay, 30));
    return [{ address: '127.0.0.1', family: 4 }];
  };
  const agent = createGuardedAgent({ allowCidrs: ALLOW_ONLY_127_0_0_1, resolve, onConnection: (report) => reports.push(report) });
  const port = new URL(allowed.origin).port;
  await (await requestFollowingRedirects({ url: `http://slow-dns.test:${port}/` }, { dispatcher: agent })).response.body.dump();
  await (await requestFollowingRedirects({ url: `${otherPort.origin}/` }, { dispatcher: agent })).response.body.dump();
  await agent.close();

  expect(reports).toHaveLength(2);
  const [named, literal] = reports;
  expect(named).toMatchObject({ hostname: 'slow-dns.test', protocol: 'http:', remoteAddress: '127.0.0.1', tlsMs: null });
  expect(named?.dnsMs).toBeGreaterThanOrEqual(25);
  expect(named?.connectMs).toEqual(expect.any(Number));
  expect(literal).toMatchObject({ hostname: '127.0.0.1', dnsMs: null, tlsMs: null, error: undefined });
  expect(literal?.connectMs).toEqual(expect.any(Number));
});

test('too many redirects and unsupported redirect targets are classified', async () => {
  const loop = await startServer('127.0.0.1', (req, res) => {
    if (req.url === '/ftp') return void res.writeHead(301, { location: 'ftp://example.com/file' }).end();
    res.writeHead(302, { location: req.url === '/a' ? '/b' : '/a' }).end();
  });
  const agent = createGuardedAgent({ allowCidrs: ALLOW_ONLY_127_0_0_1 });
  const looped = await requestFollowingRedirects({ url: `${loop.origin}/a` }, { dispatcher: agent, maxRedirects: 3 }).catch(
    (caught: unknown) => caught,
  );
  expect(classifyOutboundError(looped)).toEqual({
    errorClass: 'too_many_redirects',
    message: `more than 3 redirects (stopped at ${loop.origin}/b)`,
  });
  expect(loop.seen.map(({ url }) => url)).toEqual(['/a', '/b', '/a', '/b']);

  const ftp = await requestFollowingRedirects({ url: `${loop.origin}/ftp` }, { dispatcher: agent }).catch((caught: unknown) => caught);
  expect(classifyOutboundError(ftp)).toEqual({
    errorClass: 'invalid_url',
    message: 'redirect to ftp: URLs are not allowed (only http and https)',
  });

  const notFollowed = await requestFollowingRedirects({ url: `${loop.origin}/a` }, { dispatcher: agent, maxRedirects: 0 });
  expect(notFollowed.response.statusCode).toBe(302);
  expect(notFollowed.redirects).toBe(0);
  await notFollowed.response.body.dump();
  await agent.close();
  loop.server.closeAllConnections();
  loop.server.close();
});
