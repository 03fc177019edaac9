import { X509Certificate } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import type { ProbeResult, RunningHttpService, TcpProbeSpecInput } from '@pingdummy/shared';
import { postProbes, probeBatch, startTestBeacon } from './support/beacon.js';
import { generateCertificate, generateExpiredCertificate, unusedPort, type SelfSignedCertificate } from './support/target-servers.js';

/** A real TCP server on 127.0.0.1 that counts the connections it accepted (and, for TLS, the SNI names). */
interface TcpTarget {
  readonly port: number;
  readonly connections: () => number;
  /** SNI names offered, recorded during the handshake (an IP literal offers none). */
  readonly serverNames: string[];
  close(): Promise<void>;
}

async function startTcpTarget(options: { tls?: SelfSignedCertificate } = {}): Promise<TcpTarget> {
  let connections = 0;
  const sockets = new Set<Socket>();
  const serverNames: string[] = [];
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.once('close', () => sockets.delete(socket));
  };
  const server: Server = options.tls
    ? createTlsServer({
        key: options.tls.key,
        cert: options.tls.cert,
        SNICallback: (name, callback) => {
          serverNames.push(name);
          callback(null, undefined); // the server's own certificate
        },
      })
    : createServer();
  // Counted at TCP accept, before any handshake: a refused address must never get this far.
  server.on('connection', (socket: Socket) => {
    connections += 1;
    track(socket);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    connections: () => connections,
    serverNames,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function probeTcp(beacon: RunningHttpService, spec: Omit<TcpProbeSpecInput, 'id' | 'kind'>): Promise<ProbeResult> {
  const { results } = await probeBatch(beacon, [{ id: 'p', kind: 'tcp', ...spec }]);
  return results[0]!;
}

let plain: TcpTarget;
let selfSigned: SelfSignedCertificate;
let otherName: SelfSignedCertificate;
let expired: ReturnType<typeof generateExpiredCertificate>;
let secure: TcpTarget;
let otherNameTarget: TcpTarget;
let expiredTarget: TcpTarget;
let beacon: RunningHttpService;

beforeAll(async () => {
  selfSigned = generateCertificate('DNS:localhost,IP:127.0.0.1', 30);
  otherName = generateCertificate('DNS:example.com', 30);
  expired = generateExpiredCertificate('IP:127.0.0.1');
  plain = await startTcpTarget();
  secure = await startTcpTarget({ tls: selfSigned });
  otherNameTarget = await startTcpTarget({ tls: otherName });
  expiredTarget = await startTcpTarget({ tls: expired });
  beacon = await startTestBeacon({ BEACON_ALLOW_CIDRS: '127.0.0.1/32,::1/128' }, { tls: { ca: [selfSigned.cert, otherName.cert, expired.ca] } });
});

afterAll(async () => {
  await beacon.stop();
  for (const target of [plain, secure, otherNameTarget, expiredTarget]) await target.close();
});

describe('plain TCP', () => {
  test('an open port is up, with the connect time measured and nothing HTTP about the result', async () => {
    const before = plain.connections();
    const result = await probeTcp(beacon, { host: '127.0.0.1', port: plain.port, timeoutMs: 2_000 });
    expect(result).toMatchObject({
      ok: true,
      statusCode: null,
      errorClass: null,
      errorMessage: null,
      tlsCertExpiresAt: null,
      redirects: 0,
      timings: { dnsMs: null, tlsMs: null, firstByteMs: null, connectMs: expect.any(Number), totalMs: expect.any(Number) },
    });
    expect(plain.connections()).toBe(before + 1);
  });

  test('a host name is resolved, and the DNS time is reported', async () => {
    const result = await probeTcp(beacon, { host: 'localhost', port: plain.port });
    expect(result).toMatchObject({ ok: true, timings: { dnsMs: expect.any(Number), connectMs: expect.any(Number) } });
  });

  test('a closed port is down as refused', async () => {
    const port = await unusedPort();
    const result = await probeTcp(beacon, { host: '127.0.0.1', port });
    expect(result).toMatchObject({ ok: false, errorClass: 'refused', errorMessage: `connection refused by 127.0.0.1:${port} (ECONNREFUSED)` });
  });

  test('a TLS probe of a port that never answers the handshake times out', async () => {
    const result = await probeTcp(beacon, { host: '127.0.0.1', port: plain.port, tls: true, timeoutMs: 300 });
    expect(result).toMatchObject({
      ok: false,
      errorClass: 'timeout',
      errorMessage: 'timeout: no connection and TLS handshake within 300 ms',
      timings: { connectMs: expect.any(Number), tlsMs: null },
    });
    expect(result.timings.totalMs).toBeGreaterThanOrEqual(290);
    expect(result.timings.totalMs).toBeLessThan(2_000);
  });
});

describe('TLS', () => {
  test('a trusted certificate is up, with TLS time and the certificate expiry; SNI carries the host name', async () => {
    const result = await probeTcp(beacon, { host: 'localhost', port: secure.port, tls: true });
    const validTo = new Date(new X509Certificate(selfSigned.cert).validTo);
    expect(result).toMatchObject({ ok: true, errorClass: null, tlsCertExpiresAt: validTo.toISOString(), tlsCertDaysLeft: 29 });
    expect(result.timings).toMatchObject({ connectMs: expect.any(Number), tlsMs: expect.any(Number) });
    expect(secure.serverNames.at(-1)).toBe('localhost');
  });

  test('an IP literal sends no SNI and is checked against the certificate IP names', async () => {
    const offered = secure.serverNames.length;
    const result = await probeTcp(beacon, { host: '127.0.0.1', port: secure.port, tls: true });
    expect(result).toMatchObject({ ok: true });
    expect(secure.serverNames).toHaveLength(offered);
  });

  test('an expired certificate is down as tls, and its expiry date is still recorded', async () => {
    const result = await probeTcp(beacon, { host: '127.0.0.1', port: expiredTarget.port, tls: true });
    const validTo = new Date(new X509Certificate(expired.cert).validTo);
    expect(result).toMatchObject({
      ok: false,
      errorClass: 'tls',
      errorMessage: 'certificate has expired',
      tlsCertExpiresAt: validTo.toISOString(),
      tlsCertDaysLeft: -2, // expired yesterday, floored
    });
  });

  test('a certificate for another name is down as tls, naming the host', async () => {
    const result = await probeTcp(beacon, { host: '127.0.0.1', port: otherNameTarget.port, tls: true });
    expect(result).toMatchObject({ ok: false, errorClass: 'tls' });
    expect(result.errorMessage).toMatch(/^certificate does not match the host name: .*127\.0\.0\.1/);
  });

  test('a self-signed certificate the beacon does not trust is down as tls', async () => {
    const strictTrust = await startTestBeacon();
    try {
      const result = await probeTcp(strictTrust, { host: '127.0.0.1', port: secure.port, tls: true });
      expect(result).toMatchObject({ ok: false, errorClass: 'tls', errorMessage: 'certificate is self-signed' });
      expect(result.tlsCertExpiresAt).toBe(new Date(new X509Certificate(selfSigned.cert).validTo).toISOString());
    } finally {
      await strictTrust.stop();
    }
  });

  test('TLS against a server that answers in clear text is down as tls', async () => {
    const http = createServer((socket) => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
    http.listen(0, '127.0.0.1');
    await once(http, 'listening');
    try {
      const result = await probeTcp(beacon, { host: '127.0.0.1', port: (http.address() as AddressInfo).port, tls: true });
      expect(result).toMatchObject({ ok: false, errorClass: 'tls' });
    } finally {
      http.close();
    }
  });
});

describe('address policy (the same as for HTTP probes)', () => {
  let strict: RunningHttpService;
  beforeAll(async () => {
    strict = await startTestBeacon({ BEACON_ALLOW_CIDRS: undefined });
  });
  afterAll(() => strict.stop());

  test('loopback by literal or by name is refused before any connection is made', async () => {
    const before = plain.connections();
    const { results } = await probeBatch(strict, [
      { id: 'literal', kind: 'tcp', host: '127.0.0.1', port: plain.port },
      { id: 'mapped', kind: 'tcp', host: '::ffff:127.0.0.1', port: plain.port },
      { id: 'named', kind: 'tcp', host: 'localhost', port: plain.port },
    ]);
    expect(results.map((result) => [result.id, result.errorClass])).toEqual([
      ['literal', 'blocked_address'],
      ['mapped', 'blocked_address'],
      ['named', 'blocked_address'],
    ]);
    expect(results[0]!.errorMessage).toBe('127.0.0.1 (loopback) is not allowed');
    expect(results[2]!.errorMessage).toMatch(/^localhost resolves to .* \(loopback\), which is not allowed$/);
    expect(plain.connections()).toBe(before);
  });

  test('cloud metadata endpoints are refused even under an allow-all list', async () => {
    const open = await startTestBeacon({ BEACON_ALLOW_CIDRS: '0.0.0.0/0,::/0' });
    try {
      const result = await probeTcp(open, { host: '169.254.169.254', port: 80 });
      expect(result).toMatchObject({ ok: false, errorClass: 'blocked_address', errorMessage: '169.254.169.254 (cloud metadata endpoint) is not allowed' });
    } finally {
      await open.stop();
    }
  });
});

describe('request validation', () => {
  test.each([
    [{ host: '127.0.0.1', port: 0 }, 'probes.0.port'],
    [{ host: '127.0.0.1', port: 70_000 }, 'probes.0.port'],
    [{ host: 'db.example.com/x', port: 5432 }, 'probes.0.host'],
    [{ host: '127.0.0.1', port: 5432, keyword: 'x' }, 'probes.0'],
  ])('%j is refused with 400 naming %s', async (spec, field) => {
    const response = await postProbes(beacon, { probes: [{ id: 'p', kind: 'tcp', ...spec }] });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toMatch(new RegExp(`^${field.replace(/\./g, '\\.')}`));
  });
});
