import { X509Certificate } from 'node:crypto';
import { once } from 'node:events';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { RunningHttpService } from '@pingdummy/shared';
import { runProbe } from '../src/probe/run-probe.js';
import { probeOne, startTestBeacon } from './support/beacon.js';
import { generateCertificate, generateExpiredCertificate, startTargetServer, type TargetServer } from './support/target-servers.js';

const ok = (_req: unknown, res: import('node:http').ServerResponse) => res.end('secure hello');

let selfSigned: ReturnType<typeof generateCertificate>;
let otherName: ReturnType<typeof generateCertificate>;
let secureTarget: TargetServer;
let otherNameTarget: TargetServer;
let expiredTarget: TargetServer;
let expired: ReturnType<typeof generateExpiredCertificate>;

beforeAll(async () => {
  selfSigned = generateCertificate('DNS:localhost,IP:127.0.0.1', 30);
  otherName = generateCertificate('DNS:example.com', 30);
  expired = generateExpiredCertificate('IP:127.0.0.1');
  secureTarget = await startTargetServer({ '/': ok, '/to-http': (_req, res) => res.writeHead(302, { location: 'http://127.0.0.1:1/' }).end() }, { tls: selfSigned });
  otherNameTarget = await startTargetServer({ '/': ok }, { tls: otherName });
  expiredTarget = await startTargetServer({ '/': ok }, { tls: expired });
});

afterAll(async () => {
  await secureTarget.close();
  await otherNameTarget.close();
  await expiredTarget.close();
});

describe('with Node default trust', () => {
  let beacon: RunningHttpService;
  beforeAll(async () => {
    beacon = await startTestBeacon();
  });
  afterAll(() => beacon.stop());

  test('a self-signed certificate fails as tls with a readable message', async () => {
    const result = await probeOne(beacon, { url: `${secureTarget.origin}/` });
    expect(result).toMatchObject({
      ok: false,
      statusCode: null,
      errorClass: 'tls',
      errorMessage: 'certificate is self-signed',
      tlsCertExpiresAt: null,
    });
    expect(secureTarget.seen).toHaveLength(0);
  });
});

describe('with the test certificates trusted', () => {
  let beacon: RunningHttpService;
  beforeAll(async () => {
    beacon = await startTestBeacon({}, { tls: { ca: [selfSigned.cert, otherName.cert, expired.ca] } });
  });
  afterAll(() => beacon.stop());

  test('a trusted certificate passes and reports its expiry and TLS timing', async () => {
    const result = await probeOne(beacon, { url: `${secureTarget.origin}/`, keyword: 'secure hello' });
    const validTo = new Date(new X509Certificate(selfSigned.cert).validTo);
    expect(result).toMatchObject({ ok: true, statusCode: 200, errorClass: null });
    expect(result.tlsCertExpiresAt).toBe(validTo.toISOString());
    expect(result.tlsCertDaysLeft).toBe(29); // 30 days minus the seconds since it was made, floored
    expect(result.timings.tlsMs).toEqual(expect.any(Number));
    expect(result.timings.connectMs).toEqual(expect.any(Number));
    expect(result.timings.dnsMs).toBeNull();
  });

  test('a certificate for another name fails as tls (hostname mismatch)', async () => {
    const result = await probeOne(beacon, { url: `${otherNameTarget.origin}/` });
    expect(result).toMatchObject({ ok: false, errorClass: 'tls' });
    expect(result.errorMessage).toMatch(/^certificate does not match the host name: .*127\.0\.0\.1/);
  });

  test('an expired certificate fails as tls', async () => {
    const result = await probeOne(beacon, { url: `${expiredTarget.origin}/` });
    expect(result).toMatchObject({ ok: false, errorClass: 'tls', errorMessage: 'certificate has expired' });
  });

  test('https redirected to http reports no certificate for the final hop', async () => {
    const result = await probeOne(beacon, { url: `${secureTarget.origin}/to-http` });
    expect(result).toMatchObject({ ok: false, errorClass: 'refused', redirects: 1, tlsCertExpiresAt: null, tlsCertDaysLeft: null });
    expect(result.timings.tlsMs).toEqual(expect.any(Number)); // the first hop did shake hands
  });
});

test('a probe never resumes a TLS session from an earlier probe: every one does a full handshake', async () => {
  const resumed: boolean[] = [];
  const server = createHttpsServer({ key: selfSigned.key, cert: selfSigned.cert }, (_req, res) => res.end('secure hello'));
  server.on('secureConnection', (socket: TLSSocket) => socket.once('data', () => resumed.push(socket.isSessionReused())));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  // A host name, not an IP: only then would a client cache and offer a session.
  const settings = {
    allowCidrs: ['127.0.0.1/32'],
    maxRedirects: 5,
    maxBodyBytes: 65_536,
    userAgent: 'test',
    tls: { ca: [selfSigned.cert] },
    resolve: async () => [{ address: '127.0.0.1', family: 4 }],
  };
  const url = `https://localhost:${(server.address() as AddressInfo).port}/`;
  try {
    for (let probe = 0; probe < 3; probe++) {
      const result = await runProbe({ id: `p${probe}`, kind: 'http', url, method: 'GET', headers: {}, timeoutMs: 5_000, expectedStatus: [[200, 299]], maxRedirects: 5 }, settings);
      expect(result).toMatchObject({ ok: true, statusCode: 200, tlsCertDaysLeft: 29 });
      expect(result.timings.tlsMs).toEqual(expect.any(Number));
      await new Promise((resolve) => setTimeout(resolve, 50)); // time for a session ticket to arrive
    }
  } finally {
    server.closeAllConnections();
    server.close();
  }
  expect(resumed).toEqual([false, false, false]);
});
