import { createHeartbeatCheck, type HeartbeatCheck } from '../../src/data/heartbeats.js';
import { insertAccount } from '../data/fixtures.js';
import { startTestFrontend, type TestFrontend } from './harness.js';

/**
 * Pings are answered by a raw Node handler ahead of express (heartbeats/ping-intake.ts): it must accept the
 * URL spellings express accepted, take the client address as express's `trust proxy` did, and leave every
 * other path to express.
 */

async function newCheck(target: TestFrontend): Promise<HeartbeatCheck> {
  const account = await insertAccount(target.db.pool);
  return createHeartbeatCheck(target.db.pool, account.accountId, { name: 'job' }, { checkLimit: 50 });
}

async function writtenPings(target: TestFrontend, checkId: string, expected: number): Promise<{ kind: string; source_ip: string }[]> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const { rows } = await target.db.pool.query(`SELECT kind, source_ip FROM pings WHERE check_id = $1 ORDER BY received_at`, [checkId]);
    if (rows.length >= expected || Date.now() > deadline) return rows;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('with no proxy trusted (the default)', () => {
  let frontend: TestFrontend;
  beforeAll(async () => {
    frontend = await startTestFrontend();
  });
  afterAll(async () => {
    await frontend.stop();
  });

  test('a trailing slash, a query string, an upper-case or percent-encoded key are the same ping URL', async () => {
    const check = await newCheck(frontend);
    const encodedKey = [...check.pingKey].map((c) => (c === '-' ? '%2D' : c)).join('');
    const paths = [`${check.pingPath}/`, `${check.pingPath}?run=42`, `/ping/${check.pingKey.toUpperCase()}/start/`, `/ping/${encodedKey}/fail?x=1`];
    const responses = await Promise.all(paths.map((path) => fetch(`${frontend.url}${path}`)));
    expect(responses.map((response) => response.status)).toEqual([200, 200, 200, 200]);
    const first = responses[0]!;
    expect(first.headers.get('cache-control')).toBe('no-store');
    expect(first.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect((await writtenPings(frontend, check.id, 4)).map((ping) => ping.kind).sort()).toEqual(['fail', 'start', 'success', 'success']);
  });

  test('a forged X-Forwarded-For is not the source address', async () => {
    const check = await newCheck(frontend);
    expect((await fetch(`${frontend.url}${check.pingPath}`, { headers: { 'x-forwarded-for': '203.0.113.7' } })).status).toBe(200);
    const [ping] = await writtenPings(frontend, check.id, 1);
    expect(ping?.source_ip).toMatch(/^(::ffff:)?127\.0\.0\.1$/);
  });

  test('other paths, including /ping with too many segments, go to express', async () => {
    for (const path of ['/ping', '/ping/', '/pings/abc', '/ping/a/start/extra']) {
      const response = await fetch(`${frontend.url}${path}`);
      expect([path, response.status, response.headers.get('content-type')]).toEqual([path, 404, 'text/html; charset=utf-8']);
    }
  });
});

test('with one proxy hop trusted, its X-Forwarded-For entry is the source address', async () => {
  const frontend = await startTestFrontend({ trustProxyHops: 1 });
  try {
    const check = await newCheck(frontend);
    expect((await fetch(`${frontend.url}${check.pingPath}`, { headers: { 'x-forwarded-for': '198.51.100.1, 203.0.113.7' } })).status).toBe(200);
    const [ping] = await writtenPings(frontend, check.id, 1);
    expect(ping?.source_ip).toBe('203.0.113.7');
  } finally {
    await frontend.stop();
  }
});
