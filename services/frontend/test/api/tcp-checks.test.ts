import { createTestDatabase, type TestDatabase } from '@pingdummy/shared/testing';
import { CheckSchema } from '../../src/api/schemas.js';
import { createApiToken } from '../../src/data/tokens.js';
import { insertAccount } from '../data/fixtures.js';
import { call, startApiServer, type ApiResponse, type ApiServer } from './harness.js';

let db: TestDatabase;
let server: ApiServer;
let token: string;

beforeAll(async () => {
  db = await createTestDatabase();
  server = await startApiServer(db.pool, 20);
  const account = await insertAccount(db.pool);
  token = (await createApiToken(db.pool, account.accountId, account.userId, 'tcp-ci')).token;
});
afterAll(async () => {
  await server.close();
  await db.drop();
});

const api = (method: string, path: string, body?: unknown): Promise<ApiResponse> => call(server, method, path, { token, body });
const tcpCheck = { name: 'Postgres', kind: 'tcp', host: 'db.example.com', port: 5432 };

test('a TCP check is created, read, listed and changed as host, port and tls', async () => {
  const created = await api('POST', '/checks', { ...tcpCheck, tls: true, intervalSeconds: 30, timeoutMs: 5000, degradedThresholdMs: 800 });
  expect(created.status).toBe(201);
  const { warnings, ...check } = created.json;
  expect(warnings).toEqual([]);
  expect(CheckSchema.strict().parse(check)).toEqual(check);
  expect(check).toMatchObject({
    kind: 'tcp',
    host: 'db.example.com',
    port: 5432,
    tls: true,
    url: 'tls://db.example.com:5432',
    intervalSeconds: 30,
    degradedThresholdMs: 800,
  });

  expect((await api('GET', `/checks/${check.id}`)).json).toEqual(check);
  expect((await api('GET', '/checks')).json.checks).toEqual([check]);

  const before = (await db.pool.query(`UPDATE checks SET next_due_at = now() + interval '1 hour' WHERE id = $1 RETURNING next_due_at`, [check.id])).rows[0];
  const changed = await api('PATCH', `/checks/${check.id}`, { port: 6432, tls: false });
  expect(changed.status).toBe(200);
  expect(changed.json).toMatchObject({ kind: 'tcp', host: 'db.example.com', port: 6432, tls: false, url: 'tcp://db.example.com:6432' });
  // A new target is probed at once, as a new URL is.
  const after = (await db.pool.query(`SELECT next_due_at FROM checks WHERE id = $1`, [check.id])).rows[0];
  expect(after.next_due_at.getTime()).toBeLessThan(before.next_due_at.getTime());

  const renamed = await api('PATCH', `/checks/${check.id}`, { host: '[2001:db8::5]' });
  expect(renamed.json).toMatchObject({ host: '2001:db8::5', url: 'tcp://[2001:db8::5]:6432' });
});

test('an HTTP check reads with null host, port and tls', async () => {
  const created = await api('POST', '/checks', { name: 'site', url: 'https://example.com/' });
  expect(created.json).toMatchObject({ kind: 'http', host: null, port: null, tls: null, url: 'https://example.com/' });
});

test.each([
  ['port 0', { ...tcpCheck, port: 0 }, { port: 'port must be a whole number between 1 and 65535' }],
  ['port 65536', { ...tcpCheck, port: 65_536 }, { port: 'port must be a whole number between 1 and 65535' }],
  ['port as text', { ...tcpCheck, port: '5432' }, { port: 'port must be a whole number between 1 and 65535' }],
  ['a fractional port', { ...tcpCheck, port: 54.5 }, { port: 'port must be a whole number between 1 and 65535' }],
  ['no port', { name: 'x', kind: 'tcp', host: 'db.example.com' }, { port: 'port is required for a TCP check' }],
  ['no host', { name: 'x', kind: 'tcp', port: 5432 }, { host: 'host is required for a TCP check' }],
  ['a host with a port', { ...tcpCheck, host: 'db.example.com:5432' }, { host: expect.stringMatching(/^host must be a host name or IP address only/) }],
  ['a URL', { ...tcpCheck, url: 'https://example.com/' }, { url: 'url does not apply to TCP checks; set host and port instead' }],
  ['a keyword', { ...tcpCheck, keyword: 'ok', keywordMode: 'present' }, { keyword: 'keyword does not apply to TCP checks', keywordMode: 'keywordMode does not apply to TCP checks' }],
  ['status codes', { ...tcpCheck, expectedStatusCodes: '200' }, { expectedStatusCodes: 'expectedStatusCodes does not apply to TCP checks' }],
  ['headers', { ...tcpCheck, headers: { 'x-a': 'b' } }, { headers: 'headers does not apply to TCP checks' }],
  ['an HTTP check with a port', { name: 'x', url: 'https://example.com/', port: 443 }, { port: 'port applies only to TCP checks (kind "tcp")' }],
  ['an unknown kind', { ...tcpCheck, kind: 'udp' }, { kind: expect.stringMatching(/^kind /) }],
])('creating a check with %s is a 400 naming the field', async (_case, body, fields) => {
  const response = await api('POST', '/checks', body);
  expect(response.status).toBe(400);
  expect(response.json).toEqual({ error: 'validation failed', fields });
});

test('a patch is checked against the stored kind: no HTTP options on a TCP check, no kind change, no bad port', async () => {
  const { warnings: _none, ...tcp } = (await api('POST', '/checks', tcpCheck)).json;
  const http = (await api('POST', '/checks', { name: 'site', url: 'https://example.com/' })).json;
  const cases: [string, unknown, Record<string, unknown>][] = [
    [tcp.id, { keyword: 'ok', keywordMode: 'present' }, { keyword: 'keyword does not apply to TCP checks', keywordMode: 'keywordMode does not apply to TCP checks' }],
    [tcp.id, { port: 70_000 }, { port: 'port must be a whole number between 1 and 65535' }],
    [tcp.id, { kind: 'http' }, { kind: 'kind cannot be changed; create a new check instead' }],
    [http.id, { host: 'db.example.com' }, { host: 'host applies only to TCP checks (kind "tcp")' }],
    [http.id, { kind: 'tcp', host: 'db.example.com', port: 5432 }, { kind: 'kind cannot be changed; create a new check instead' }],
  ];
  for (const [id, patch, fields] of cases) {
    const response = await api('PATCH', `/checks/${id}`, patch);
    expect([patch, response.status, response.json]).toEqual([patch, 400, { error: 'validation failed', fields }]);
  }
  expect((await api('GET', `/checks/${tcp.id}`)).json).toEqual(tcp);
});

test('a TCP target the beacons refuse is saved with a warning naming the address', async () => {
  const response = await api('POST', '/checks', { ...tcpCheck, host: '10.0.0.5' });
  expect(response.status).toBe(201);
  expect(response.json.warnings).toEqual([{ field: 'host', message: expect.stringMatching(/10\.0\.0\.5.*BEACON_ALLOW_CIDRS/) }]);
});
