import { createPool } from '@pingdummy/shared';
import { createTestDatabase, type TestDatabase } from '@pingdummy/shared/testing';
import { CheckSchema, CheckUptimeSchema, IncidentSchema, ProbeResultSchema } from '../../src/api/schemas.js';
import { createApiToken, revokeApiToken } from '../../src/data/tokens.js';
import { dayStart, hourStart, insertAccount, insertRollup, type TestAccount } from '../data/fixtures.js';
import { call, startApiServer, type ApiResponse, type ApiServer } from './harness.js';

let db: TestDatabase;
let server: ApiServer;
let alice: TestAccount;
let bob: TestAccount;
let aliceToken: string;
let bobToken: string;
const seen: ApiResponse[] = [];

async function api(method: string, path: string, options: Parameters<typeof call>[3] = {}): Promise<ApiResponse> {
  const response = await call(server, method, path, options);
  seen.push(response);
  return response;
}
const asAlice = (method: string, path: string, body?: unknown) => api(method, path, { token: aliceToken, body });
const asBob = (method: string, path: string, body?: unknown) => api(method, path, { token: bobToken, body });

beforeAll(async () => {
  db = await createTestDatabase();
  server = await startApiServer(db.pool, 5);
  alice = await insertAccount(db.pool);
  bob = await insertAccount(db.pool);
  aliceToken = (await createApiToken(db.pool, alice.accountId, alice.userId, 'alice-ci')).token;
  bobToken = (await createApiToken(db.pool, bob.accountId, bob.userId, 'bob-ci')).token;
});
afterAll(async () => {
  await server.close();
  await db.drop();
});

describe('authentication', () => {
  test('401 JSON without a token, with a malformed header, an unknown token or a revoked token', async () => {
    const missing = await api('GET', '/checks');
    expect(missing.status).toBe(401);
    expect(missing.json.error).toMatch(/Authorization: Bearer/);
    expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await api('GET', '/checks', { headers: { authorization: `Basic ${aliceToken}` } })).status).toBe(401);
    expect((await api('GET', '/checks', { headers: { authorization: aliceToken } })).status).toBe(401);
    const unknown = await api('GET', '/checks', { token: `pd_${'A'.repeat(43)}` });
    expect(unknown.status).toBe(401);
    expect(unknown.json).toEqual({ error: 'invalid or revoked API token' });

    const created = await createApiToken(db.pool, alice.accountId, alice.userId, 'short-lived');
    expect((await api('GET', '/checks', { token: created.token })).status).toBe(200);
    await revokeApiToken(db.pool, alice.accountId, created.id);
    expect((await api('GET', '/checks', { token: created.token })).status).toBe(401);
  });

  test('requests with a body are refused before parsing when unauthenticated', async () => {
    const response = await api('POST', '/checks', { body: '{not json' });
    expect(response.status).toBe(401);
  });

  test('the OpenAPI document needs no token; unknown endpoints are JSON 404s', async () => {
    const openapi = await api('GET', '/openapi.json');
    expect(openapi.status).toBe(200);
    expect(openapi.json.openapi).toBe('3.1.0');
    const unknown = await asAlice('GET', '/nope');
    expect(unknown.status).toBe(404);
    expect(unknown.json.error).toMatch(/openapi/);
  });
});

describe('checks', () => {
  test('create, read, list, patch, pause, resume and delete', async () => {
    const created = await asAlice('POST', '/checks', { name: 'Homepage', url: 'https://example.com', intervalSeconds: 30, timeoutMs: 5000 });
    expect(created.status).toBe(201);
    const check = CheckSchema.parse(created.json);
    expect(check).toMatchObject({ name: 'Homepage', intervalSeconds: 30, timeoutMs: 5000, method: 'GET', state: 'pending' });
    expect(created.headers.get('location')).toBe(`/api/v1/checks/${check.id}`);

    // A saved check comes back with the warnings about its URL (none for a public address); a read has none.
    const { warnings, ...createdCheck } = created.json;
    expect(warnings).toEqual([]);
    const fetched = await asAlice('GET', `/checks/${check.id}`);
    expect(fetched.json).toEqual(createdCheck);
    expect(fetched.headers.get('server-timing')).toMatch(/^total;dur=\d+(\.\d)?$/);
    expect(fetched.headers.get('cache-control')).toBe('no-store');
    const list = await asAlice('GET', '/checks');
    expect(list.status).toBe(200);
    expect(list.json.checks.map((c: { id: string }) => c.id)).toContain(check.id);

    const patched = await api('PATCH', `/checks/${check.id}`, {
      token: aliceToken,
      body: { name: 'Home', expectedStatusCodes: '200,204' },
      headers: { 'content-type': 'application/merge-patch+json' },
    });
    expect(patched.status).toBe(200);
    expect(patched.json).toMatchObject({ name: 'Home', expectedStatusCodes: '200,204', intervalSeconds: 30 });

    expect((await asAlice('POST', `/checks/${check.id}/pause`)).json.paused).toBe(true);
    expect((await asAlice('GET', `/checks/${check.id}`)).json.paused).toBe(true);
    expect((await asAlice('POST', `/checks/${check.id}/resume`)).json.paused).toBe(false);

    const deleted = await asAlice('DELETE', `/checks/${check.id}`);
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe('');
    expect((await asAlice('GET', `/checks/${check.id}`)).status).toBe(404);
    expect((await asAlice('DELETE', `/checks/${check.id}`)).status).toBe(404);
  });

  test('validation errors name the fields', async () => {
    const response = await asAlice('POST', '/checks', { name: 'x', url: 'https://example.com', intervalSeconds: 5 });
    expect(response.status).toBe(400);
    expect(response.json).toEqual({ error: 'validation failed', fields: { intervalSeconds: expect.stringMatching(/10/) } });

    const many = await asAlice('POST', '/checks', {
      url: 'javascript:alert(1)',
      method: 'TRACE',
      keyword: 'ok',
      expectedStatusCodes: 'abc',
    });
    expect(many.status).toBe(400);
    expect(Object.keys(many.json.fields).sort()).toEqual(['expectedStatusCodes', 'method', 'name', 'url']);

    const crossField = await asAlice('POST', '/checks', { name: 'x', url: 'https://e.com', intervalSeconds: 10, timeoutMs: 30_000 });
    expect(crossField.status).toBe(400);
    expect(Object.keys(crossField.json.fields)).toEqual(['timeoutMs']);
  });

  test('unknown fields and wrong types are 400', async () => {
    const unknown = await asAlice('POST', '/checks', { name: 'x', url: 'https://e.com', owner: 'me' });
    expect(unknown.status).toBe(400);
    expect(unknown.json.fields).toEqual({ owner: 'owner is not a known field' });
    const wrongType = await asAlice('POST', '/checks', { name: 'x', url: 'https://e.com', intervalSeconds: '60', paused: 'no' });
    expect(wrongType.status).toBe(400);
    expect(Object.keys(wrongType.json.fields).sort()).toEqual(['intervalSeconds', 'paused']);
    const array = await asAlice('POST', '/checks', [{ name: 'x' }]);
    expect(array.status).toBe(400);
    const scalar = await asAlice('POST', '/checks', '"a string"');
    expect(scalar.status).toBe(400);
  });

  test('every field message is a sentence that starts with the field name', async () => {
    const missing = await asAlice('POST', '/checks', { url: 'https://e.com' });
    expect(missing.json).toEqual({ error: 'validation failed', fields: { name: 'name is required' } });
    const proto = await asAlice('POST', '/checks', '{"__proto__": {}, "name": "x", "url": "https://e.com"}');
    expect(proto.status).toBe(400);
    expect(proto.json.fields).toEqual({ ['__proto__']: '__proto__ is not a known field' });
    const types = await asAlice('POST', '/checks', {
      name: 'x'.repeat(201),
      url: 'https://e.com',
      method: 'BREW',
      intervalSeconds: '60',
      timeoutMs: 1.5,
      paused: 'no',
      regions: 'eu',
      headers: { 'bad name': 'x' },
    });
    expect(types.json.fields).toEqual({
      name: 'name must be at most 200 characters',
      method: 'method must be one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS',
      intervalSeconds: 'intervalSeconds must be a number',
      timeoutMs: 'timeoutMs must be a whole number',
      paused: 'paused must be true or false',
      regions: 'regions must be a list',
      'headers.bad name': 'headers.bad name is not a valid header name',
    });
    for (const body of ['[{"name": "x"}]', '"a string"', 'null', '42']) {
      const refused = await asAlice('POST', '/checks', body);
      expect([body, refused.status, refused.json]).toEqual([body, 400, { error: 'request body must be a JSON object' }]);
    }
    const check = (await asAlice('POST', '/checks', { name: 'q', url: 'https://e.com' })).json;
    for (const query of ['limit=1&limit=2', 'limit=abc', 'limit=0', 'limit=2.5', 'limit=501']) {
      const refused = await asAlice('GET', `/checks/${check.id}/results?${query}`);
      expect([query, refused.status, refused.json.fields]).toEqual([
        query,
        400,
        { limit: 'limit must be a single whole number between 1 and 500' },
      ]);
    }
    const twice = await asAlice('GET', `/incidents?checkId=${check.id}&checkId=${check.id}`);
    expect(twice.json.fields).toEqual({ checkId: 'checkId must be a single uuid' });
    await asAlice('DELETE', `/checks/${check.id}`);
  });

  test('malformed JSON is 400, a missing JSON body is 400 and a body over 64 kB is 413', async () => {
    const malformed = await asAlice('POST', '/checks', '{"name": "x",');
    expect(malformed.status).toBe(400);
    expect(malformed.json).toEqual({ error: 'malformed JSON body' });
    const noBody = await api('POST', '/checks', { token: aliceToken, body: 'name=x', headers: { 'content-type': 'text/plain' } });
    expect(noBody.status).toBe(400);
    expect(noBody.json.error).toMatch(/application\/json/);
    const huge = await asAlice('POST', '/checks', { name: 'x', url: 'https://e.com', body: 'x'.repeat(70 * 1024) });
    expect(huge.status).toBe(413);
    expect(huge.json.error).toMatch(/too large/);
  });

  test('patches are strict and checked against the stored check', async () => {
    const check = (await asAlice('POST', '/checks', { name: 'p', url: 'https://e.com', intervalSeconds: 20, timeoutMs: 1000 })).json;
    const unknown = await asAlice('PATCH', `/checks/${check.id}`, { id: 'x' });
    expect(unknown.status).toBe(400);
    expect(unknown.json.fields).toEqual({ id: 'id is not a known field' });
    const tooLong = await asAlice('PATCH', `/checks/${check.id}`, { timeoutMs: 25_000 });
    expect(tooLong.status).toBe(400);
    expect(tooLong.json.fields.timeoutMs).toMatch(/20000/);
    const wrongType = await asAlice('PATCH', `/checks/${check.id}`, { regions: 'eu' });
    expect(wrongType.status).toBe(400);
    expect(Object.keys(wrongType.json.fields)).toEqual(['regions']);
    const otherChannel = await asAlice('PATCH', `/checks/${check.id}`, { channelIds: ['00000000-0000-4000-8000-000000000000'] });
    expect(otherChannel.status).toBe(400);
    expect(Object.keys(otherChannel.json.fields)).toEqual(['channelIds']);
    await asAlice('DELETE', `/checks/${check.id}`);
  });

  test('the check limit answers 409 with a clear message', async () => {
    const limited = await insertAccount(db.pool);
    const token = (await createApiToken(db.pool, limited.accountId, limited.userId, 'ci')).token;
    for (let index = 0; index < 5; index++) {
      expect((await api('POST', '/checks', { token, body: { name: `c${index}`, url: 'https://e.com' } })).status).toBe(201);
    }
    const refused = await api('POST', '/checks', { token, body: { name: 'one too many', url: 'https://e.com' } });
    expect(refused.status).toBe(409);
    expect(refused.json.error).toMatch(/check limit.*at most 5/);
  });
});

describe('results, uptime and incidents', () => {
  let checkId: string;
  let incidentId: string;

  beforeAll(async () => {
    checkId = (await asAlice('POST', '/checks', { name: 'history', url: 'https://e.com' })).json.id;
    for (let index = 0; index < 3; index++) {
      await db.pool.query(
        `INSERT INTO results (check_id, scheduled_at, region, started_at, outcome, status_code, latency_ms)
         VALUES ($1, now() - $2 * interval '1 minute', 'eu', now(), 'up', 200, $3)`,
        [checkId, index, 100 + index],
      );
    }
    // This hour (also today's share of the day windows: the worker folds a day into rollups_daily the next day).
    await insertRollup(db.pool, 'rollups_hourly', { checkId, bucketStart: hourStart(0), probes: 60, ups: 45 });
    await insertRollup(db.pool, 'rollups_daily', { checkId, bucketStart: dayStart(10), probes: 40, ups: 40 });
    incidentId = (
      await db.pool.query(
        `INSERT INTO incidents (account_id, check_id, started_at, resolved_at, cause)
         VALUES ($1, $2, now() - interval '1 hour', now() - interval '30 minutes', 'timeout') RETURNING id`,
        [alice.accountId, checkId],
      )
    ).rows[0].id;
  });

  test('results newest first with a bounded limit', async () => {
    const response = await asAlice('GET', `/checks/${checkId}/results?limit=2`);
    expect(response.status).toBe(200);
    const results = response.json.results.map((result: unknown) => ProbeResultSchema.parse(result));
    expect(results.map((result: { latencyMs: number }) => result.latencyMs)).toEqual([100, 101]);
    for (const bad of ['0', '501', 'abc', '1.5']) {
      const refused = await asAlice('GET', `/checks/${checkId}/results?limit=${bad}`);
      expect(refused.status).toBe(400);
      expect(Object.keys(refused.json.fields)).toEqual(['limit']);
    }
  });

  test('uptime of one check and of all checks', async () => {
    const one = await asAlice('GET', `/checks/${checkId}/uptime`);
    expect(one.status).toBe(200);
    expect(CheckUptimeSchema.parse(one.json)).toMatchObject({ checkId, uptime24h: 0.75, uptime7d: 0.75, uptime30d: 0.85 });
    expect(one.json.p50Ms24h).toEqual(expect.any(Number));
    const all = await asAlice('GET', '/uptime');
    expect(all.status).toBe(200);
    expect(all.json.checks.find((entry: { checkId: string }) => entry.checkId === checkId)).toEqual(one.json);
  });

  test('incidents: list, filter by check, get one; bad filters are 400', async () => {
    const list = await asAlice('GET', '/incidents');
    expect(list.status).toBe(200);
    expect(list.json.incidents.map((incident: unknown) => IncidentSchema.parse(incident).id)).toEqual([incidentId]);
    const filtered = await asAlice('GET', `/incidents?checkId=${checkId}&limit=5`);
    expect(filtered.json.incidents).toHaveLength(1);
    const one = await asAlice('GET', `/incidents/${incidentId}`);
    expect(one.json).toMatchObject({ id: incidentId, checkName: 'history', cause: 'timeout', durationSeconds: 1800 });
    const badFilter = await asAlice('GET', '/incidents?checkId=nope');
    expect(badFilter.status).toBe(400);
    expect(Object.keys(badFilter.json.fields)).toEqual(['checkId']);
  });

  test("another account's ids are 404 everywhere, and its lists stay empty", async () => {
    const paths: [string, string, unknown?][] = [
      ['GET', `/checks/${checkId}`],
      ['PATCH', `/checks/${checkId}`, { name: 'stolen' }],
      ['DELETE', `/checks/${checkId}`],
      ['POST', `/checks/${checkId}/pause`],
      ['POST', `/checks/${checkId}/resume`],
      ['GET', `/checks/${checkId}/results`],
      ['GET', `/checks/${checkId}/uptime`],
      ['GET', `/incidents/${incidentId}`],
      ['GET', `/incidents?checkId=${checkId}`],
    ];
    for (const [method, path, body] of paths) {
      const response = await asBob(method, path, body);
      expect([method, path, response.status]).toEqual([method, path, 404]);
      expect(response.json.error).toMatch(/not found/);
    }
    expect((await asBob('GET', '/checks')).json).toEqual({ checks: [] });
    expect((await asBob('GET', '/incidents')).json).toEqual({ incidents: [] });
    expect((await asBob('GET', '/uptime')).json).toEqual({ checks: [] });
    const still = await asAlice('GET', `/checks/${checkId}`);
    expect(still.json).toMatchObject({ name: 'history', paused: false });
  });

  test('malformed ids are 404, not errors', async () => {
    for (const path of ['/checks/not-a-uuid', "/checks/1'%20OR%20'1'='1", '/incidents/123', '/checks/%00/uptime']) {
      const response = await asAlice('GET', path);
      expect([path, response.status]).toEqual([path, 404]);
    }
  });
});

test('each token has its own request budget; over it the API answers 429 JSON', async () => {
  const limited = await startApiServer(db.pool, 5, 3);
  try {
    for (let index = 0; index < 3; index++) expect((await call(limited, 'GET', '/checks', { token: aliceToken })).status).toBe(200);
    const refused = await call(limited, 'GET', '/checks', { token: aliceToken });
    expect(refused.status).toBe(429);
    expect(refused.json.error).toMatch(/too many requests/);
    expect(refused.headers.get('ratelimit-policy')).toMatch(/3/);
    expect((await call(limited, 'GET', '/checks', { token: bobToken })).status).toBe(200);
  } finally {
    await limited.close();
  }
});

test('a database failure is a JSON 500 without details', async () => {
  const brokenPool = createPool({ connectionString: 'postgres://nobody:wrong@127.0.0.1:1/none' });
  const broken = await startApiServer(brokenPool);
  try {
    const response = await call(broken, 'GET', '/checks', { token: aliceToken });
    expect(response.status).toBe(500);
    expect(response.json).toEqual({ error: 'internal error' });
  } finally {
    await broken.close();
    await brokenPool.end();
  }
});

afterAll(() => {
  // Every response above was JSON (or an empty 204) and none was a 500 or carried a stack trace.
  expect(seen.length).toBeGreaterThan(50);
  for (const response of seen) {
    expect(response.status).not.toBe(500);
    expect(response.text).not.toMatch(/\n\s+at /);
    if (response.status !== 204) expect(response.headers.get('content-type')).toMatch(/application\/json/);
  }
});
