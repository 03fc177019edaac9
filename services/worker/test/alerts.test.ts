import { startBeacon, parseBeaconConfig } from '@pingdummy/beacon';
import { buildAlertBody, createLogger, type RunningHttpService } from '@pingdummy/shared';
import { createTestDatabase, type TestDatabase } from '@pingdummy/shared/testing';
import { parseWorkerConfig, startWorker, type RunningWorker } from '../src/index.js';
import { BEACON_TOKEN, checkRow as checkRowOf, insertCheck, probeAgain as probeAgainOf, seedAccount, startServer, waitFor, type TestServer } from './helpers.js';

const quiet = createLogger('test', process.env.TEST_LOG_LEVEL ?? 'silent');
/** Every line the worker logs at info and above, parsed: the worker's real pino output. */
const logLines: Array<Record<string, unknown>> = [];
const capturing = createLogger('worker', 'info', { write: (line: string) => void logLines.push(JSON.parse(line)) });
let db: TestDatabase;
let beacon: RunningHttpService;
let target: TestServer;
let receiver: TestServer;
let worker: RunningWorker;
let targetStatus = 200;

beforeAll(async () => {
  db = await createTestDatabase();
  target = await startServer((_req, res) => {
    res.statusCode = targetStatus;
    res.end(targetStatus === 200 ? 'all good' : 'broken');
  });
  receiver = await startServer((_req, res) => {
    res.end('ok');
  });
  beacon = await startBeacon(
    parseBeaconConfig({ BEACON_TOKEN, PORT: '0', PGDUMMY_REGION: 'local', BEACON_ALLOW_CIDRS: '127.0.0.1/32' }),
    { handleSignals: false, logger: quiet },
  );
  // A second region whose beacon is down: its rounds are infra errors and must never alert.
  worker = await startWorker(
    parseWorkerConfig({
      DATABASE_URL: db.url,
      BEACON_URLS: `local=${beacon.url},gone=http://127.0.0.1:9`,
      BEACON_TOKEN,
      PORT: '0',
      WEBHOOK_ALLOW_CIDRS: '127.0.0.1/32',
      NOTIFIER_POLL_MS: '100',
      LOG_LEVEL: 'silent',
    }),
    { handleSignals: false, logger: capturing },
  );
});

afterAll(async () => {
  await worker.stop();
  await beacon.stop();
  await target.close();
  await receiver.close();
  await db.drop();
});

const checkRow = (id: string) => checkRowOf(db.pool, id);
const probeAgain = (id: string) => probeAgainOf(db.pool, id);

test('down opens an incident and alerts once; recovery resolves it and alerts once', async () => {
  const accountId = await seedAccount(db.pool);
  const id = await insertCheck(db.pool, accountId, { name: 'Shop API', url: `${target.url}/health`, intervalSeconds: 60 });
  const channel = await db.pool.query(
    `INSERT INTO notification_channels (account_id, name, kind, target) VALUES ($1, 'ops', 'webhook', $2) RETURNING id`,
    [accountId, `${receiver.url}/hook`],
  );
  await db.pool.query(`INSERT INTO check_channels (check_id, channel_id) VALUES ($1, $2)`, [id, channel.rows[0].id]);

  const up = await waitFor(async () => ((await checkRow(id)).state === 'up' ? checkRow(id) : null), 15_000, 'up');
  expect(up.consecutive_successes).toBe(1);
  const regions = await db.pool.query(`SELECT region, outcome, error_class FROM results WHERE check_id = $1 ORDER BY region`, [id]);
  expect(regions.rows).toEqual([
    { region: 'gone', outcome: 'infra_error', error_class: 'beacon_unreachable' },
    { region: 'local', outcome: 'up', error_class: null },
  ]);

  targetStatus = 500;
  const down = await probeAgain(id);
  expect(down.state).toBe('down');
  const incident = await db.pool.query(`SELECT * FROM incidents WHERE check_id = $1`, [id]);
  expect(incident.rows).toHaveLength(1);
  expect(incident.rows[0].resolved_at).toBeNull();
  expect(incident.rows[0].cause).toMatch(/^http_status: .*500.*\(local\)$/);

  await probeAgain(id); // still down: no second alert
  targetStatus = 200;
  const recovered = await probeAgain(id);
  expect(recovered.state).toBe('up');

  const deliveredBoth = await waitFor(async () => {
    const hooks = receiver.received.filter((request) => request.path === '/hook');
    return hooks.length >= 2 ? hooks : null;
  }, 10_000, 'two webhooks');
  await new Promise((resolve) => setTimeout(resolve, 500)); // a third one would have arrived by now
  const hooks = receiver.received.filter((request) => request.path === '/hook');
  expect(hooks).toHaveLength(2);
  expect(deliveredBoth).toHaveLength(2);
  const [downHook, upHook] = hooks.map((hook) => ({ ...hook, json: JSON.parse(hook.body) }));
  expect(downHook!.json.event).toBe('down');
  expect(downHook!.json.text).toContain('Shop API is DOWN');
  // The body is the shared builder's, the one the frontend's "send a test" uses too.
  expect(downHook!.json).toEqual(
    buildAlertBody({
      event: 'down',
      occurredAt: down.state_changed_at,
      check: { id, name: 'Shop API', url: `${target.url}/health`, state: 'down' },
      incident: { id: incident.rows[0].id, startedAt: incident.rows[0].started_at, resolvedAt: null, cause: incident.rows[0].cause },
      cause: incident.rows[0].cause,
      publicUrl: 'http://localhost:3000',
    }),
  );
  expect(upHook!.json.event).toBe('up');
  expect(upHook!.json.incident.resolvedAt).not.toBeNull();
  expect(downHook!.headers['idempotency-key']).toBeTruthy();
  expect(downHook!.headers['idempotency-key']).not.toBe(upHook!.headers['idempotency-key']);

  const resolved = await db.pool.query(`SELECT resolved_at FROM incidents WHERE check_id = $1`, [id]);
  expect(resolved.rows[0].resolved_at).not.toBeNull();
  const deliveries = await db.pool.query(`SELECT event, status FROM deliveries WHERE check_id = $1 ORDER BY id`, [id]);
  expect(deliveries.rows).toEqual([
    { event: 'down', status: 'delivered' },
    { event: 'up', status: 'delivered' },
  ]);

  // Each state change and each incident is logged at info, after its transaction committed.
  const incidentId = incident.rows[0].id;
  const logged = (msg: string) =>
    logLines.filter((line) => line.msg === msg && line.checkId === id).map(({ level, from, to, incidentId }) => ({ level, from, to, incidentId }));
  await waitFor(async () => (logged('incident resolved').length > 0 ? true : null), 5_000, 'the incident resolved log line');
  expect(logged('check state changed')).toEqual([
    { level: 30, from: 'pending', to: 'up', incidentId: null },
    { level: 30, from: 'up', to: 'down', incidentId },
    { level: 30, from: 'down', to: 'up', incidentId },
  ]);
  expect(logged('incident opened')).toEqual([{ level: 30, from: 'up', to: 'down', incidentId }]);
  expect(logged('incident resolved')).toEqual([{ level: 30, from: 'down', to: 'up', incidentId }]);
  const rollup = await db.pool.query(
    `SELECT sum(probe_count)::int AS probes, sum(up_count)::int AS ups FROM rollups_hourly WHERE check_id = $1`,
    [id],
  );
  expect(rollup.rows[0]).toEqual({ probes: 4, ups: 2 });
});

test('a check whose address the beacon policy refuses is "blocked", not down: no incident, no alert', async () => {
  const accountId = await seedAccount(db.pool);
  const channel = await db.pool.query(
    `INSERT INTO notification_channels (account_id, name, kind, target) VALUES ($1, 'ops', 'webhook', $2) RETURNING id`,
    [accountId, `${receiver.url}/blocked-hook`],
  );
  // 127.0.0.2 is loopback outside the beacon's allow-list (127.0.0.1/32): refused before any packet is sent.
  const id = await insertCheck(db.pool, accountId, { url: `http://127.0.0.2:${new URL(target.url).port}/`, regions: ['local'], intervalSeconds: 60 });
  await db.pool.query(`INSERT INTO check_channels (check_id, channel_id) VALUES ($1, $2)`, [id, channel.rows[0].id]);
  await probeAgain(id);
  const row = await probeAgain(id);
  expect(row).toMatchObject({ state: 'pending', consecutive_failures: 0, last_probed_at: null });
  const results = await db.pool.query(`SELECT DISTINCT outcome, error_class, latency_ms FROM results WHERE check_id = $1`, [id]);
  expect(results.rows).toEqual([{ outcome: 'infra_error', error_class: 'blocked_address', latency_ms: null }]);
  const incidents = await db.pool.query(`SELECT count(*)::int AS n FROM incidents WHERE check_id = $1`, [id]);
  expect(incidents.rows[0].n).toBe(0);
  const deliveries = await db.pool.query(`SELECT count(*)::int AS n FROM deliveries WHERE check_id = $1`, [id]);
  expect(deliveries.rows[0].n).toBe(0);
  expect(receiver.received.filter((request) => request.path === '/blocked-hook')).toEqual([]);
});

test('a check probed only from a region without a reachable beacon never alerts', async () => {
  const accountId = await seedAccount(db.pool);
  targetStatus = 500;
  const id = await insertCheck(db.pool, accountId, { url: `${target.url}/gone-only`, regions: ['gone'], intervalSeconds: 60 });
  await probeAgain(id);
  const row = await probeAgain(id);
  expect(row.state).toBe('pending');
  expect(row.consecutive_failures).toBe(0);
  const incidents = await db.pool.query(`SELECT count(*)::int AS n FROM incidents WHERE check_id = $1`, [id]);
  expect(incidents.rows[0].n).toBe(0);
  const results = await db.pool.query(`SELECT DISTINCT outcome FROM results WHERE check_id = $1`, [id]);
  expect(results.rows).toEqual([{ outcome: 'infra_error' }]);
  targetStatus = 200;
});
