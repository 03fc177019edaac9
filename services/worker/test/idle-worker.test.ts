import { createLogger } from '@pingdummy/shared';
import { createTestDatabase, type TestDatabase } from '@pingdummy/shared/testing';
import { parseWorkerConfig, startWorker, type RunningWorker } from '../src/index.js';
import { BEACON_TOKEN, checkRow, seedAccount, sleep, startServer, waitFor, type TestServer } from './helpers.js';

// An idle worker runs no periodic queries: with every idle poll at a minute, whatever these tests see
// within seconds was woken by migration 015's NOTIFY or scheduled from a known deadline.
const IDLE_POLL_MS = '60000';
const quiet = createLogger('test', process.env.TEST_LOG_LEVEL ?? 'silent');

let db: TestDatabase;
let receiver: TestServer;
let worker: RunningWorker;
let accountId: string;

beforeAll(async () => {
  db = await createTestDatabase();
  accountId = await seedAccount(db.pool);
  receiver = await startServer((_req, res) => {
    res.end('ok');
  });
  worker = await startWorker(
    parseWorkerConfig({
      DATABASE_URL: db.url,
      // Nothing here is probed: no beacon needs to listen.
      BEACON_URLS: 'local=http://127.0.0.1:9',
      BEACON_TOKEN,
      PORT: '0',
      WEBHOOK_ALLOW_CIDRS: '127.0.0.1/32',
      WORKER_IDLE_POLL_MS: IDLE_POLL_MS,
      NOTIFIER_POLL_MS: IDLE_POLL_MS,
      LOG_LEVEL: 'silent',
    }),
    { handleSignals: false, logger: quiet },
  );
});

afterAll(async () => {
  await worker.stop();
  await receiver.close();
  await db.drop();
});

async function status(): Promise<{ claims: number; notifierPasses: number; heartbeatPasses: number }> {
  return (await fetch(`${worker.http.url}/v1/status`)).json() as never;
}

test('an idle worker does not poll: one claim, one notifier pass and one heartbeat pass in 3 s', async () => {
  await sleep(3_000);
  // The old worker evaluated heartbeats every second and polled the outbox every 500 ms.
  expect(await status()).toEqual(expect.objectContaining({ claims: 1, notifierPasses: 1, heartbeatPasses: 1 }));
});

test('a delivery queued by another process (the frontend\'s "send a test") is sent at once', async () => {
  const channel = await db.pool.query(
    `INSERT INTO notification_channels (account_id, name, kind, target) VALUES ($1, 'hook', 'webhook', $2) RETURNING id`,
    [accountId, `${receiver.url}/hook`],
  );
  const queuedAt = Date.now();
  const delivery = await db.pool.query(
    `INSERT INTO deliveries (account_id, channel_id, event, payload, idempotency_key)
     VALUES ($1, $2, 'test', '{"text":"wake up"}', gen_random_uuid()::text) RETURNING id`,
    [accountId, channel.rows[0].id],
  );
  const statusOf = async () => (await db.pool.query(`SELECT status FROM deliveries WHERE id = $1`, [delivery.rows[0].id])).rows[0].status;
  await waitFor(async () => (await statusOf()) !== 'pending' || null, 5_000, 'the delivery');
  expect(Date.now() - queuedAt).toBeLessThan(2_000);
  expect(await statusOf()).toBe('delivered');
  expect(receiver.received.map((request) => JSON.parse(request.body).text)).toEqual(['wake up']);
});

test('a heartbeat goes down at its deadline and up on a ping, with a pass for each, not one per second', async () => {
  const passesBefore = (await status()).heartbeatPasses;
  const check = await db.pool.query(
    `INSERT INTO checks (account_id, kind, name, url, state, next_due_at) VALUES ($1, 'heartbeat', 'nightly', '', 'up', now()) RETURNING id`,
    [accountId],
  );
  const id: string = check.rows[0].id;
  const { rows } = await db.pool.query(
    `INSERT INTO heartbeats (check_id, period_seconds, grace_seconds, late_at, last_success_at)
     VALUES ($1, 3600, 60, now() + interval '2 seconds', now()) RETURNING late_at`,
    [id],
  );
  const lateAt = (rows[0].late_at as Date).getTime();

  const down = await waitFor(async () => ((await checkRow(db.pool, id)).state === 'down' ? checkRow(db.pool, id) : null), 10_000, 'down');
  expect(down.state_changed_at.getTime()).toBe(lateAt);
  // Noticed within a second and a half of the deadline (the poll of this test adds up to 200 ms).
  expect(Date.now() - lateAt).toBeLessThan(1_500);

  const pingedAt = Date.now();
  await db.pool.query(`UPDATE heartbeats SET last_success_at = now(), late_at = now() + interval '1 hour' WHERE check_id = $1`, [id]);
  await waitFor(async () => (await checkRow(db.pool, id)).state === 'up' || null, 10_000, 'up');
  expect(Date.now() - pingedAt).toBeLessThan(1_500);
  // The insert, the deadline and the ping: a pass each (and at most one more if two fell within a second).
  const passes = (await status()).heartbeatPasses - passesBefore;
  expect(passes).toBeGreaterThanOrEqual(3);
  expect(passes).toBeLessThanOrEqual(4);
});
