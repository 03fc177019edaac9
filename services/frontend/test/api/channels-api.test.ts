import { createLogger } from '@pingdummy/shared';
import { createApiToken } from '../../src/data/tokens.js';
import { insertAccount, type TestAccount } from '../data/fixtures.js';
import { startTestFrontend, type TestFrontend } from '../web/harness.js';
import { call, type ApiResponse, type ApiServer } from './harness.js';

/**
 * Channel and API token routes on the real frontend (real Postgres), with its real logger at debug level
 * captured, to prove that no secret is ever returned after creation nor logged.
 */

const ROUTING_KEY = 'abcdefABCDEF0123456789abcdefABCD';
const OPSGENIE_KEY = '2f0b7c9e-5a1d-4e3f-8b6a-9c8d7e6f5a4b';
const BOT_TOKEN = '987654321:AAF-another-test-token-abcdefghijklmnop';
const logLines: string[] = [];
let frontend: TestFrontend;
let server: ApiServer;
let alice: TestAccount;
let bob: TestAccount;
let aliceToken: string;
let bobToken: string;
/** Every secret seen in this file: none may appear in a later response or in the logs. */
const secrets: string[] = [ROUTING_KEY, OPSGENIE_KEY, BOT_TOKEN];

const asAlice = (method: string, path: string, body?: unknown) => call(server, method, path, { token: aliceToken, body });
const asBob = (method: string, path: string, body?: unknown) => call(server, method, path, { token: bobToken, body });

beforeAll(async () => {
  const logger = createLogger('frontend-test', 'debug', { write: (line: string) => void logLines.push(line) });
  frontend = await startTestFrontend({}, { logger });
  server = { url: `${frontend.url}/api/v1`, close: async () => {} };
  alice = await insertAccount(frontend.db.pool);
  bob = await insertAccount(frontend.db.pool);
  aliceToken = (await createApiToken(frontend.db.pool, alice.accountId, alice.userId, 'alice-ci')).token;
  bobToken = (await createApiToken(frontend.db.pool, bob.accountId, bob.userId, 'bob-ci')).token;
});
afterAll(async () => {
  await frontend.stop();
});

const storedSecret = async (id: string): Promise<string | null> =>
  (await frontend.db.pool.query(`SELECT secret FROM notification_channels WHERE id = $1`, [id])).rows[0]?.secret ?? null;

function expectNoSecret(response: ApiResponse): void {
  for (const secret of secrets) expect(response.text).not.toContain(secret);
}

test('every kind is created; only a webhook gets its signing secret back, once', async () => {
  const webhook = await asAlice('POST', '/channels', { name: 'hook', kind: 'webhook', target: 'https://hooks.example.com/in' });
  expect(webhook.status).toBe(201);
  expect(webhook.headers.get('location')).toBe(`/api/v1/channels/${webhook.json.id}`);
  expect(webhook.json).toMatchObject({ kind: 'webhook', secretSet: true, signingSecret: expect.stringMatching(/^whsec_[A-Za-z0-9_-]{43}$/) });
  expect(await storedSecret(webhook.json.id)).toBe(webhook.json.signingSecret);
  secrets.push(webhook.json.signingSecret);

  const bodies = [
    { name: 'slack', kind: 'slack', target: 'https://hooks.slack.com/services/T0/B0/x' },
    { name: 'discord', kind: 'discord', target: 'https://discord.com/api/webhooks/1/abc' },
    { name: 'teams', kind: 'teams', target: 'https://prod-01.westeurope.logic.azure.com/workflows/abc/triggers/manual/paths/invoke' },
    { name: 'pd', kind: 'pagerduty', secret: ROUTING_KEY },
    { name: 'og', kind: 'opsgenie', target: 'eu', secret: OPSGENIE_KEY },
    { name: 'tg', kind: 'telegram', target: '@pingdummy_ops', secret: BOT_TOKEN },
    { name: 'mail', kind: 'email', target: 'ops@example.com' },
  ];
  for (const body of bodies) {
    const created = await asAlice('POST', '/channels', body);
    expect([body.kind, created.status]).toEqual([body.kind, 201]);
    expect(created.json).toMatchObject({ name: body.name, kind: body.kind, signingSecret: null, secretSet: 'secret' in body });
    expectNoSecret(created);
    if ('secret' in body) expect(await storedSecret(created.json.id)).toBe(body.secret);
  }
  const pagerduty = (await asAlice('GET', '/channels')).json.channels.find((channel: { kind: string }) => channel.kind === 'pagerduty');
  expect(pagerduty.target).toBe('us'); // an empty region is the provider's default

  const list = await asAlice('GET', '/channels');
  expect(list.status).toBe(200);
  expect(list.json.channels).toHaveLength(8);
  expectNoSecret(list);
  for (const channel of list.json.channels) {
    expect(Object.keys(channel).sort()).toEqual(['createdAt', 'id', 'kind', 'name', 'secretSet', 'target']);
    const one = await asAlice('GET', `/channels/${channel.id}`);
    expect(one.json).toEqual(channel);
    expectNoSecret(one);
  }
  expect((await asBob('GET', '/channels')).json.channels).toEqual([]);
  expect((await asBob('GET', `/channels/${webhook.json.id}`)).status).toBe(404);
});

test('validation errors name the field', async () => {
  const cases: [unknown, Record<string, string>][] = [
    [{ name: 'x', kind: 'slack' }, { target: 'target is required' }],
    [{ name: 'x', kind: 'fax', target: 'x' }, { kind: expect.stringMatching(/^kind must be one of/) }],
    [{ name: 'x', kind: 'discord', target: 'ftp://example.com/x' }, { target: 'target must be an http:// or https:// URL' }],
    [{ name: 'x', kind: 'pagerduty' }, { secret: expect.stringMatching(/^secret is required for a pagerduty channel/) }],
    [{ name: 'x', kind: 'pagerduty', secret: 'too-short' }, { secret: expect.stringMatching(/^secret must be the 32-character integration \(routing\) key/) }],
    [{ name: 'x', kind: 'pagerduty', target: 'asia', secret: ROUTING_KEY }, { target: expect.stringMatching(/^target must be us or eu/) }],
    [{ name: 'x', kind: 'opsgenie', secret: 'not-a-uuid' }, { secret: expect.stringMatching(/^secret must be the API key of an Opsgenie API integration/) }],
    [{ name: 'x', kind: 'telegram', target: 'chat', secret: BOT_TOKEN }, { target: expect.stringMatching(/^target must be a numeric chat id/) }],
    [{ name: 'x', kind: 'telegram', target: '42', secret: 'nope' }, { secret: expect.stringMatching(/^secret must be a bot token/) }],
    [{ name: 'x', kind: 'webhook', target: 'https://e.com/', secret: 'mine' }, { secret: expect.stringMatching(/^secret must be left out: a webhook's signing secret is generated/) }],
    [{ name: 'x', kind: 'slack', target: 'https://e.com/', secret: 'x' }, { secret: 'secret is not used by slack channels' }],
    [{ name: '', kind: 'email', target: 'ops@example.com', extra: 1 }, { name: 'name is required', extra: expect.stringContaining('extra') }],
  ];
  for (const [body, fields] of cases) {
    const response = await asAlice('POST', '/channels', body);
    expect([body, response.status, response.json]).toEqual([body, 400, { error: 'validation failed', fields }]);
    expectNoSecret(response);
  }
  const tokenName = await asAlice('POST', '/tokens', { name: '  ' });
  expect(tokenName.json).toEqual({ error: 'validation failed', fields: { name: 'name is required' } });
});

test('PATCH changes some fields and keeps the stored secret unless a new one is sent', async () => {
  const created = await asAlice('POST', '/channels', { name: 'pd2', kind: 'pagerduty', target: 'eu', secret: ROUTING_KEY });
  const id = created.json.id;
  const renamed = await asAlice('PATCH', `/channels/${id}`, { name: 'PagerDuty EU' });
  expect(renamed.status).toBe(200);
  expect(renamed.json).toMatchObject({ name: 'PagerDuty EU', kind: 'pagerduty', target: 'eu', secretSet: true });
  expect(await storedSecret(id)).toBe(ROUTING_KEY);

  const newKey = 'ZYXWVUTSRQPONMLKJIHGFEDCBA987654';
  secrets.push(newKey);
  expect((await asAlice('PATCH', `/channels/${id}`, { secret: newKey })).status).toBe(200);
  expect(await storedSecret(id)).toBe(newKey);

  // Another kind needs its own target and credential: the old ones are not carried over.
  const toTelegram = await asAlice('PATCH', `/channels/${id}`, { kind: 'telegram' });
  expect(toTelegram.json).toEqual({ error: 'validation failed', fields: { target: 'target is required' } });
  const noToken = await asAlice('PATCH', `/channels/${id}`, { kind: 'telegram', target: '-100123' });
  expect(noToken.json.fields).toEqual({ secret: expect.stringMatching(/^secret is required for a telegram channel/) });
  const toSlack = await asAlice('PATCH', `/channels/${id}`, { kind: 'slack', target: 'https://hooks.slack.com/services/a' });
  expect(toSlack.json).toMatchObject({ kind: 'slack', secretSet: false });
  expect(await storedSecret(id)).toBeNull();
  const toWebhook = await asAlice('PATCH', `/channels/${id}`, { kind: 'webhook' , target: 'https://e.com/hook' });
  expect(toWebhook.json).toMatchObject({ kind: 'webhook', secretSet: true });
  expect(toWebhook.text).not.toContain('whsec_');

  expect((await asBob('PATCH', `/channels/${id}`, { name: 'mine' })).status).toBe(404);
  expect((await asAlice('PATCH', `/channels/${id}`, { name: '' })).json.fields).toEqual({ name: 'name is required' });
});

test('send a test, poll its status; rotate a webhook signing secret; delete', async () => {
  const hook = await asAlice('POST', '/channels', { name: 'to-test', kind: 'webhook', target: 'https://hooks.example.com/t' });
  secrets.push(hook.json.signingSecret);
  const queued = await asAlice('POST', `/channels/${hook.json.id}/test`);
  expect(queued.status).toBe(202);
  expect(queued.json).toEqual({ deliveryId: expect.stringMatching(/^\d+$/), statusUrl: `/api/v1/channels/${hook.json.id}/deliveries/${queued.json.deliveryId}` });
  const status = await asAlice('GET', queued.json.statusUrl.replace('/api/v1', ''));
  expect(status.json).toEqual({ status: 'pending', attempts: 0, lastError: null, deliveredAt: null });
  expect((await asBob('GET', queued.json.statusUrl.replace('/api/v1', ''))).status).toBe(404);
  expect((await asBob('POST', `/channels/${hook.json.id}/test`)).status).toBe(404);
  const other = await asAlice('POST', '/channels', { name: 'other', kind: 'email', target: 'a@example.com' });
  expect((await asAlice('GET', `/channels/${other.json.id}/deliveries/${queued.json.deliveryId}`)).status).toBe(404);

  const rotated = await asAlice('POST', `/channels/${hook.json.id}/signing-secret`);
  expect(rotated.status).toBe(201);
  expect(rotated.json.signingSecret).toMatch(/^whsec_/);
  expect(rotated.json.signingSecret).not.toBe(hook.json.signingSecret);
  expect(await storedSecret(hook.json.id)).toBe(rotated.json.signingSecret);
  secrets.push(rotated.json.signingSecret);
  expect((await asAlice('POST', `/channels/${other.json.id}/signing-secret`)).json).toEqual({ error: 'webhook channel not found' });
  expect((await asBob('POST', `/channels/${hook.json.id}/signing-secret`)).status).toBe(404);

  expect((await asBob('DELETE', `/channels/${hook.json.id}`)).status).toBe(404);
  expect((await asAlice('DELETE', `/channels/${hook.json.id}`)).status).toBe(204);
  expect((await asAlice('GET', `/channels/${hook.json.id}`)).status).toBe(404);
});

test('API tokens: the secret is returned once, listed never; a revoked token stops working', async () => {
  const created = await asAlice('POST', '/tokens', { name: 'deploy script' });
  expect(created.status).toBe(201);
  expect(created.json).toEqual({ token: expect.stringMatching(/^pd_/), id: expect.any(String), name: 'deploy script', tokenPrefix: created.json.token.slice(0, 10), createdAt: expect.any(String) });
  secrets.push(created.json.token);
  const list = await asAlice('GET', '/tokens');
  expect(list.json.tokens.map((token: { name: string }) => token.name)).toEqual(['deploy script', 'alice-ci']);
  expect(list.json.tokens[0]).toEqual({ id: created.json.id, name: 'deploy script', tokenPrefix: created.json.tokenPrefix, userId: alice.userId, createdAt: created.json.createdAt, lastUsedAt: null, revokedAt: null });
  expectNoSecret(list);

  expect((await call(server, 'GET', '/checks', { token: created.json.token })).status).toBe(200);
  expect((await asBob('DELETE', `/tokens/${created.json.id}`)).status).toBe(404);
  expect((await asAlice('DELETE', `/tokens/${created.json.id}`)).status).toBe(204);
  expect((await call(server, 'GET', '/checks', { token: created.json.token })).status).toBe(401);
  expect((await asAlice('DELETE', `/tokens/${created.json.id}`)).json).toEqual({ error: 'active token not found' });
  expect((await asAlice('GET', '/tokens')).json.tokens[0].revokedAt).not.toBeNull();
  expect((await asBob('GET', '/tokens')).json.tokens.map((token: { name: string }) => token.name)).toEqual(['bob-ci']);
});

test('the OpenAPI document lists the channel and token routes', async () => {
  const document = (await call(server, 'GET', '/openapi.json')).json;
  expect(Object.keys(document.paths)).toEqual(
    expect.arrayContaining(['/channels', '/channels/{id}', '/channels/{id}/test', '/channels/{id}/deliveries/{deliveryId}', '/channels/{id}/signing-secret', '/tokens', '/tokens/{id}']),
  );
  expect(document.paths['/channels'].post.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/ChannelInput' });
  expect(document.components.schemas.ChannelInput.properties.kind.enum).toEqual(['webhook', 'email', 'slack', 'discord', 'teams', 'pagerduty', 'opsgenie', 'telegram']);
  expect(document.components.schemas.ChannelInput.properties.secret).toMatchObject({ type: 'string', writeOnly: true });
  expect(document.components.schemas.ChannelPatch.properties.secret).toMatchObject({ writeOnly: true });
  expect(document.paths['/channels/{id}/test'].post.responses['202']).toBeDefined();
});

afterAll(() => {
  // Last: after every request above, no secret reached the logs.
  const logs = logLines.join('\n');
  expect(logs.length).toBeGreaterThan(0);
  for (const secret of secrets) expect(logs).not.toContain(secret);
});
