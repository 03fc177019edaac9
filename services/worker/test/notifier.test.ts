import { createGuardedAgent, createLogger } from '@pingdummy/shared';
import { createTestDatabase, type TestDatabase } from '@pingdummy/shared/testing';
import { deliverDueNotifications } from '../src/notifier/notifier.js';
import { UnconfiguredEmailSender } from '../src/notifier/email-sender.js';
import { WebhookSender } from '../src/notifier/webhook-sender.js';
import { seedAccount, startServer, type TestServer } from './helpers.js';

const logger = createLogger('test', 'silent');
let db: TestDatabase;
let receiver: TestServer;
let failuresLeft = 1;

beforeAll(async () => {
  db = await createTestDatabase();
  receiver = await startServer((_req, res) => {
    res.statusCode = failuresLeft-- > 0 ? 500 : 200;
    res.end();
  });
});
afterAll(async () => {
  await receiver.close();
  await db.drop();
});

async function queue(accountId: string, kind: string, target: string, event = 'down') {
  const channel = await db.pool.query(
    `INSERT INTO notification_channels (account_id, name, kind, target) VALUES ($1, 'c', $2, $3) RETURNING id`,
    [accountId, kind, target],
  );
  const delivery = await db.pool.query(
    `INSERT INTO deliveries (account_id, channel_id, event, payload, idempotency_key)
     VALUES ($1, $2, $3, '{"text":"hello"}', gen_random_uuid()::text) RETURNING id`,
    [accountId, channel.rows[0].id, event],
  );
  return String(delivery.rows[0].id);
}

const row = async (id: string) => (await db.pool.query(`SELECT * FROM deliveries WHERE id = $1`, [id])).rows[0];

test('a failed webhook is retried with backoff and the same idempotency key', async () => {
  const agent = createGuardedAgent({ allowCidrs: ['127.0.0.1/32'] });
  const senders = { webhook: new WebhookSender(agent), email: new UnconfiguredEmailSender() };
  const accountId = await seedAccount(db.pool);
  const id = await queue(accountId, 'webhook', `${receiver.url}/retry`);

  expect(await deliverDueNotifications({ pool: db.pool, logger, senders, maxAttempts: 5 })).toBe(1);
  const first = await row(id);
  expect(first).toMatchObject({ status: 'pending', attempts: 1, last_error: 'HTTP 500' });
  expect(first.next_attempt_at.getTime()).toBeGreaterThan(Date.now() + 3_000);
  expect(await deliverDueNotifications({ pool: db.pool, logger, senders, maxAttempts: 5 })).toBe(0); // not due yet

  await db.pool.query(`UPDATE deliveries SET next_attempt_at = now() WHERE id = $1`, [id]);
  await deliverDueNotifications({ pool: db.pool, logger, senders, maxAttempts: 5 });
  expect(await row(id)).toMatchObject({ status: 'delivered', attempts: 2, last_error: null });
  const keys = receiver.received.filter((r) => r.path === '/retry').map((r) => r.headers['idempotency-key']);
  expect(keys).toHaveLength(2);
  expect(keys[0]).toBe(keys[1]);
  await agent.close();
});

test('webhooks to internal addresses are refused unless allow-listed, and a test fails at once', async () => {
  const agent = createGuardedAgent({});
  const senders = { webhook: new WebhookSender(agent), email: new UnconfiguredEmailSender() };
  const accountId = await seedAccount(db.pool);
  const id = await queue(accountId, 'webhook', `${receiver.url}/internal`, 'test');
  await deliverDueNotifications({ pool: db.pool, logger, senders, maxAttempts: 5 });
  const result = await row(id);
  expect(result.status).toBe('failed');
  expect(result.last_error).toMatch(/127\.0\.0\.1|not allowed|blocked/i);
  expect(receiver.hits.get('/internal')).toBeUndefined();
  await agent.close();
});

test('email without SMTP or SES fails with a message that says what to set', async () => {
  const agent = createGuardedAgent({});
  const senders = { webhook: new WebhookSender(agent), email: new UnconfiguredEmailSender() };
  const accountId = await seedAccount(db.pool);
  const id = await queue(accountId, 'email', 'ops@example.com');
  await deliverDueNotifications({ pool: db.pool, logger, senders, maxAttempts: 5 });
  expect(await row(id)).toMatchObject({ status: 'failed', last_error: expect.stringMatching(/SMTP_URL or SES_REGION/) });
  await agent.close();
});
