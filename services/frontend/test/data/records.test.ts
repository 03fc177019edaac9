import { createTestDatabase, type TestDatabase } from '@pingdummy/shared/testing';
import {
  createChannel,
  deleteChannel,
  getChannel,
  getDelivery,
  listChannels,
  queueTestDelivery,
  updateChannel,
} from '../../src/data/channels.js';
import { FieldValidationError } from '../../src/data/errors.js';
import { getIncident, listIncidents } from '../../src/data/incidents.js';
import { listRegions } from '../../src/data/regions.js';
import { listResults } from '../../src/data/results.js';
import { getStatusPage } from '../../src/data/status-page.js';
import { authenticateApiToken, createApiToken, listApiTokens, revokeApiToken } from '../../src/data/tokens.js';
import { dayStart, insertAccount, insertCheck, insertDayRollup, type TestAccount } from './fixtures.js';

let db: TestDatabase;
let alice: TestAccount;
let bob: TestAccount;
let aliceCheck: string;

beforeAll(async () => {
  db = await createTestDatabase();
  alice = await insertAccount(db.pool, { statusPage: true });
  bob = await insertAccount(db.pool);
  aliceCheck = await insertCheck(db.pool, alice.accountId, { name: 'api' });
});
afterAll(async () => {
  await db.drop();
});

test('listResults returns the newest results first with phases; null for another account', async () => {
  const base = Date.now() - 60_000;
  for (let index = 0; index < 5; index++) {
    await db.pool.query(
      `INSERT INTO results (check_id, scheduled_at, region, started_at, outcome, status_code, latency_ms, dns_ms, connect_ms,
                            tls_ms, ttfb_ms, error_class, error_message)
       VALUES ($1, $2, 'eu', $2, $3, $4, $5, 1, 2, 3, 4, $6, $7)`,
      [
        aliceCheck,
        new Date(base + index * 10_000),
        index === 4 ? 'down' : 'up',
        index === 4 ? 503 : 200,
        100 + index,
        index === 4 ? 'http_status' : null,
        index === 4 ? 'status 503' : null,
      ],
    );
  }
  const results = await listResults(db.pool, alice.accountId, aliceCheck, { limit: 3 });
  expect(results!.map((result) => result.latencyMs)).toEqual([104, 103, 102]);
  expect(results![0]).toEqual({
    scheduledAt: new Date(base + 40_000).toISOString(),
    region: 'eu',
    outcome: 'down',
    statusCode: 503,
    latencyMs: 104,
    phases: { dnsMs: 1, connectMs: 2, tlsMs: 3, ttfbMs: 4 },
    errorClass: 'http_status',
    errorMessage: 'status 503',
    tlsExpiresAt: null,
  });
  expect(await listResults(db.pool, bob.accountId, aliceCheck, {})).toBeNull();
  expect(await listResults(db.pool, alice.accountId, 'nope', {})).toBeNull();
});

test('incidents: list (all or per check), get, durations; another account sees none', async () => {
  const other = await insertCheck(db.pool, alice.accountId, { name: 'web' });
  const inserted = await db.pool.query(
    `INSERT INTO incidents (account_id, check_id, started_at, resolved_at, cause) VALUES
       ($1, $2, now() - interval '2 hours', now() - interval '1 hour', 'status 500'),
       ($1, $3, now() - interval '10 minutes', NULL, 'timeout')
     RETURNING id`,
    [alice.accountId, aliceCheck, other],
  );
  const [resolvedId, openId] = inserted.rows.map((row) => row.id as string);
  const all = await listIncidents(db.pool, alice.accountId);
  expect(all.map((incident) => incident.id)).toEqual([openId, resolvedId]);
  expect(all[1]).toMatchObject({ checkId: aliceCheck, checkName: 'api', cause: 'status 500', durationSeconds: 3600 });
  expect(all[0]!.resolvedAt).toBeNull();
  expect(all[0]!.durationSeconds).toBeGreaterThanOrEqual(600);
  expect((await listIncidents(db.pool, alice.accountId, { checkId: aliceCheck })).map((incident) => incident.id)).toEqual([resolvedId]);
  expect(await listIncidents(db.pool, alice.accountId, { limit: 1 })).toHaveLength(1);
  expect(await getIncident(db.pool, alice.accountId, openId!)).toMatchObject({ id: openId, checkName: 'web', cause: 'timeout' });

  expect(await getIncident(db.pool, bob.accountId, openId!)).toBeNull();
  expect(await listIncidents(db.pool, bob.accountId)).toEqual([]);
  expect(await listIncidents(db.pool, bob.accountId, { checkId: aliceCheck })).toEqual([]);
  expect(await getIncident(db.pool, alice.accountId, '123')).toBeNull();
});

test('channels: validation by kind, CRUD, and isolation', async () => {
  await expect(createChannel(db.pool, alice.accountId, { name: 'x', kind: 'email', target: 'https://not-an-email' })).rejects.toThrow(
    FieldValidationError,
  );
  await expect(createChannel(db.pool, alice.accountId, { name: 'x', kind: 'webhook', target: 'ops@example.com' })).rejects.toThrow(
    /target/,
  );
  const channel = await createChannel(db.pool, alice.accountId, { name: 'ops', kind: 'webhook', target: 'https://hooks.example.com/a' });
  expect(await listChannels(db.pool, alice.accountId)).toEqual([channel]);
  expect(await getChannel(db.pool, alice.accountId, channel.id)).toEqual(channel);
  const updated = await updateChannel(db.pool, alice.accountId, channel.id, { name: 'mail', kind: 'email', target: 'ops@example.com' });
  expect(updated).toMatchObject({ id: channel.id, name: 'mail', kind: 'email', target: 'ops@example.com' });

  expect(await getChannel(db.pool, bob.accountId, channel.id)).toBeNull();
  expect(await listChannels(db.pool, bob.accountId)).toEqual([]);
  expect(await updateChannel(db.pool, bob.accountId, channel.id, { name: 'x', kind: 'email', target: 'x@example.com' })).toBeNull();
  expect(await deleteChannel(db.pool, bob.accountId, channel.id)).toBe(false);
  expect(await queueTestDelivery(db.pool, bob.accountId, channel.id)).toBeNull();
  expect(await getChannel(db.pool, alice.accountId, channel.id)).toMatchObject({ name: 'mail' });

  expect(await deleteChannel(db.pool, alice.accountId, channel.id)).toBe(true);
  expect(await getChannel(db.pool, alice.accountId, channel.id)).toBeNull();
});

test('queueTestDelivery writes a pending test delivery with a unique key; getDelivery is scoped', async () => {
  const channel = await createChannel(db.pool, alice.accountId, { name: 'hook', kind: 'webhook', target: 'https://hooks.example.com/b' });
  const first = await queueTestDelivery(db.pool, alice.accountId, channel.id);
  const second = await queueTestDelivery(db.pool, alice.accountId, channel.id);
  expect(first).toMatch(/^\d+$/);
  expect(second).not.toBe(first);
  const { rows } = await db.pool.query(`SELECT event, status, channel_id, idempotency_key FROM deliveries WHERE id = $1`, [first]);
  expect(rows[0]).toMatchObject({ event: 'test', status: 'pending', channel_id: channel.id });
  expect(await getDelivery(db.pool, alice.accountId, first!)).toEqual({ status: 'pending', attempts: 0, lastError: null, deliveredAt: null });
  await db.pool.query(`UPDATE deliveries SET status = 'failed', attempts = 3, last_error = 'HTTP 500' WHERE id = $1`, [first]);
  expect(await getDelivery(db.pool, alice.accountId, first!)).toEqual({ status: 'failed', attempts: 3, lastError: 'HTTP 500', deliveredAt: null });
  expect(await getDelivery(db.pool, bob.accountId, first!)).toBeNull();
  expect(await getDelivery(db.pool, alice.accountId, 'abc')).toBeNull();
});

test('API tokens: only a hash is stored, revoked tokens fail, last_used_at is throttled, isolation', async () => {
  const created = await createApiToken(db.pool, alice.accountId, alice.userId, 'ci');
  expect(created.token).toMatch(/^pd_[A-Za-z0-9_-]{43}$/);
  expect(created.tokenPrefix).toBe(created.token.slice(0, 10));
  const stored = await db.pool.query(`SELECT token_hash, token_prefix FROM api_tokens WHERE id = $1`, [created.id]);
  expect(stored.rows[0].token_hash).toHaveLength(32);
  expect(stored.rows[0].token_hash.toString('utf8')).not.toContain(created.token.slice(3));

  expect(await authenticateApiToken(db.pool, created.token)).toEqual({
    accountId: alice.accountId,
    userId: alice.userId,
    tokenId: created.id,
    role: 'owner',
    label: expect.stringMatching(/^token “ci” of .+@example\.com$/),
  });
  const firstUse = (await db.pool.query(`SELECT last_used_at FROM api_tokens WHERE id = $1`, [created.id])).rows[0].last_used_at;
  expect(firstUse).toBeInstanceOf(Date);
  await authenticateApiToken(db.pool, created.token);
  const secondUse = (await db.pool.query(`SELECT last_used_at FROM api_tokens WHERE id = $1`, [created.id])).rows[0].last_used_at;
  expect(secondUse.getTime()).toBe(firstUse.getTime());

  const tampered = created.token.slice(0, -1) + (created.token.endsWith('A') ? 'B' : 'A');
  expect(await authenticateApiToken(db.pool, tampered)).toBeNull();
  expect(await authenticateApiToken(db.pool, 'pd_short')).toBeNull();
  expect(await authenticateApiToken(db.pool, '')).toBeNull();

  expect((await listApiTokens(db.pool, alice.accountId)).map((token) => token.id)).toEqual([created.id]);
  expect(await listApiTokens(db.pool, bob.accountId)).toEqual([]);
  expect(await revokeApiToken(db.pool, bob.accountId, created.id)).toBe(false);
  expect(await authenticateApiToken(db.pool, created.token)).not.toBeNull();
  expect(await revokeApiToken(db.pool, alice.accountId, created.id)).toBe(true);
  expect(await authenticateApiToken(db.pool, created.token)).toBeNull();
  expect(await revokeApiToken(db.pool, alice.accountId, created.id)).toBe(false);
  expect((await listApiTokens(db.pool, alice.accountId))[0]!.revokedAt).not.toBeNull();

  await expect(createApiToken(db.pool, bob.accountId, alice.userId, 'cross')).rejects.toThrow(/not in account/);
});

test('the status page shows public checks only, URLs only when allowed, 90 bars and open incidents', async () => {
  const shown = await insertCheck(db.pool, alice.accountId, { name: 'a-public', isPublic: true, showUrlPublicly: true });
  await insertCheck(db.pool, alice.accountId, { name: 'b-public-no-url', isPublic: true, state: 'down' });
  await insertDayRollup(db.pool, { checkId: shown, bucketStart: dayStart(0), probes: 10, ups: 9 });
  const withIncident = await insertCheck(db.pool, alice.accountId, { name: 'b-public-no-url-open', isPublic: true });
  await db.pool.query(`INSERT INTO incidents (account_id, check_id, started_at, cause) VALUES ($1, $2, now(), 'dns')`, [
    alice.accountId,
    withIncident,
  ]);

  const page = await getStatusPage(db.pool, alice.slug);
  expect(page!.title).toBe(`Status of ${alice.slug}`);
  expect(page!.checks.map((check) => check.name)).toEqual(['a-public', 'b-public-no-url', 'b-public-no-url-open']);
  expect(page!.checks[0]).toMatchObject({ url: 'https://example.com/health', state: 'up', openIncident: null });
  expect(page!.checks[0]!.bars).toHaveLength(90);
  expect(page!.checks[0]!.bars.at(-1)).toMatchObject({ uptime: 0.9, probes: 10 });
  expect(page!.checks[1]).not.toHaveProperty('url');
  expect(page!.checks[1]!.state).toBe('down');
  expect(page!.checks[2]!.openIncident).toMatchObject({ cause: 'dns' });
  expect(JSON.stringify(page)).not.toContain(aliceCheck);
  expect(JSON.stringify(page)).not.toContain('"api"');

  expect(await getStatusPage(db.pool, bob.slug)).toBeNull(); // status page not enabled
  expect(await getStatusPage(db.pool, 'no-such-account')).toBeNull();
  expect(await getStatusPage(db.pool, '../etc')).toBeNull();
});

test('listRegions lists probe regions by name', async () => {
  await db.pool.query(`INSERT INTO probe_regions (name) VALUES ('us-east-1'), ('eu-west-1')`);
  expect(await listRegions(db.pool)).toEqual(['eu-west-1', 'us-east-1']);
});
