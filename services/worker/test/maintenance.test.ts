import { startBeacon, parseBeaconConfig } from '@pingdummy/beacon';
import { createLogger, type RunningHttpService } from '@pingdummy/shared';
import { createTestDatabase, type TestDatabase } from '@pingdummy/shared/testing';
import { parseWorkerConfig, startWorker, type RunningWorker } from '../src/index.js';
import { BEACON_TOKEN, insertCheck, seedAccount, sleep, startServer, waitFor, type TestServer } from './helpers.js';

const quiet = createLogger('test', process.env.TEST_LOG_LEVEL ?? 'silent');
let db: TestDatabase;
let beacon: RunningHttpService;
let target: TestServer;
let receiver: TestServer;
let worker: RunningWorker;
/** Paths of the target that answer 500; everything else answers 200. */
const failing = new Set<string>();

beforeAll(async () => {
  db = await createTestDatabase();
  target = await startServer((req, res) => {
    res.statusCode = failing.has(req.url ?? '/') ? 500 : 200;
    res.end('target');
  });
  receiver = await startServer((_req, res) => {
    res.end('ok');
  });
  beacon = await startBeacon(
    parseBeaconConfig({ BEACON_TOKEN, PORT: '0', PGDUMMY_REGION: 'local', BEACON_ALLOW_CIDRS: '127.0.0.1/32' }),
    { handleSignals: false, logger: quiet },
  );
  worker = await startWorker(
    parseWorkerConfig({
      DATABASE_URL: db.url,
      BEACON_URLS: `local=${beacon.url}`,
      BEACON_TOKEN,
      PORT: '0',
      WEBHOOK_ALLOW_CIDRS: '127.0.0.1/32',
      NOTIFIER_POLL_MS: '100',
      LOG_LEVEL: 'silent',
    }),
    { handleSignals: false, logger: quiet },
  );
});

afterAll(async () => {
  await worker.stop();
  await beacon.stop();
  await target.close();
  await receiver.close();
  await db.drop();
});

async function checkRow(id: string) {
  const { rows } = await db.pool.query(`SELECT * FROM checks WHERE id = $1`, [id]);
  return rows[0];
}

/** Makes the check due now once its current round is recorded, and waits for that next round. */
async function probeAgain(id: string) {
  await waitFor(async () => ((await checkRow(id)).lease_owner === null ? true : null), 15_000, 'the lease to be released');
  const forced = await db.pool.query(`UPDATE checks SET next_due_at = now() WHERE id = $1 RETURNING next_due_at`, [id]);
  const dueAt: Date = forced.rows[0].next_due_at;
  return waitFor(async () => {
    const row = await checkRow(id);
    return row.lease_owner === null && row.next_due_at.getTime() > dueAt.getTime() ? row : null;
  }, 15_000, 'the next round');
}

/** A check of the account with a webhook channel at /<path>-hook of the receiver, probed at /<path>; waits until it is up. */
async function upCheckWithChannel(accountId: string, path: string): Promise<string> {
  const id = await insertCheck(db.pool, accountId, { url: `${target.url}/${path}`, intervalSeconds: 60, regions: ['local'] });
  const channel = await db.pool.query(
    `INSERT INTO notification_channels (account_id, name, kind, target) VALUES ($1, 'ops', 'webhook', $2) RETURNING id`,
    [accountId, `${receiver.url}/${path}-hook`],
  );
  await db.pool.query(`INSERT INTO check_channels (check_id, channel_id) VALUES ($1, $2)`, [id, channel.rows[0].id]);
  await waitFor(async () => ((await checkRow(id)).state === 'up' ? true : null), 15_000, 'up');
  return id;
}

/** A one-off window from an hour ago to an hour from now, for the given checks (or all of the account). */
async function openWindow(accountId: string, checkIds: string[] | 'all'): Promise<string> {
  const { rows } = await db.pool.query(
    `INSERT INTO maintenance_windows (account_id, title, all_checks, recurrence, starts_at, ends_at)
     VALUES ($1, 'database upgrade', $2, 'once', now() - interval '1 hour', now() + interval '1 hour') RETURNING id`,
    [accountId, checkIds === 'all'],
  );
  if (checkIds !== 'all') {
    await db.pool.query(`INSERT INTO maintenance_window_checks (window_id, check_id) SELECT $1, unnest($2::uuid[])`, [rows[0].id, checkIds]);
  }
  return rows[0].id;
}

const count = async (sql: string, id: string) => (await db.pool.query(sql, [id])).rows[0].n as number;
const incidentsOf = (id: string) => count(`SELECT count(*)::int AS n FROM incidents WHERE check_id = $1`, id);
const deliveriesOf = (id: string) => count(`SELECT count(*)::int AS n FROM deliveries WHERE check_id = $1`, id);
const hooksAt = (path: string) => receiver.received.filter((request) => request.path === `/${path}-hook`);

test('down inside a window: state tracked, no incident, no delivery; still down when it ends: the incident opens then', async () => {
  const accountId = await seedAccount(db.pool);
  const inWindow = await upCheckWithChannel(accountId, 'in-window');
  const outside = await upCheckWithChannel(accountId, 'outside');
  const windowId = await openWindow(accountId, [inWindow]); // names one check only

  failing.add('/in-window').add('/outside');
  const down = await probeAgain(inWindow);
  expect(down).toMatchObject({ state: 'down', consecutive_failures: 1 });
  await probeAgain(inWindow); // still down, still inside
  expect(await incidentsOf(inWindow)).toBe(0);
  expect(await deliveriesOf(inWindow)).toBe(0);

  // The same outage outside any window (the window does not name this check) opens an incident and alerts.
  expect((await probeAgain(outside)).state).toBe('down');
  expect(await incidentsOf(outside)).toBe(1);
  expect(await deliveriesOf(outside)).toBe(1);
  await waitFor(async () => (hooksAt('outside').length === 1 ? true : null), 10_000, 'the webhook of the check outside');

  // Rounds inside the window are counted, and counted apart so uptime can leave them out.
  const rollup = await db.pool.query(
    `SELECT sum(probe_count)::int AS probes, sum(up_count)::int AS ups,
            sum(maintenance_probe_count)::int AS maintenance_probes, sum(maintenance_up_count)::int AS maintenance_ups
     FROM rollups_hourly WHERE check_id = $1`,
    [inWindow],
  );
  expect(rollup.rows[0]).toEqual({ probes: 3, ups: 1, maintenance_probes: 2, maintenance_ups: 0 });
  expect(hooksAt('in-window')).toEqual([]);

  // The window ends with the check still down: its next round opens the incident and sends one "down" alert.
  await db.pool.query(`UPDATE maintenance_windows SET ends_at = now() - interval '1 second' WHERE id = $1`, [windowId]);
  const after = await probeAgain(inWindow);
  expect(after.state).toBe('down');
  const incidents = await db.pool.query(`SELECT started_at, resolved_at, cause FROM incidents WHERE check_id = $1`, [inWindow]);
  expect(incidents.rows).toHaveLength(1);
  expect(incidents.rows[0].resolved_at).toBeNull();
  expect(incidents.rows[0].cause).toMatch(/^still down after maintenance: http_status: .*\(local\)$/);
  expect(incidents.rows[0].started_at.getTime()).toBeGreaterThan(down.state_changed_at.getTime());
  const hooks = await waitFor(async () => (hooksAt('in-window').length >= 1 ? hooksAt('in-window') : null), 10_000, 'the down alert');
  expect(JSON.parse(hooks[0]!.body)).toMatchObject({ event: 'down', check: { id: inWindow } });

  await probeAgain(inWindow); // down again: the incident is open, nothing new
  expect(await incidentsOf(inWindow)).toBe(1);
  expect(await deliveriesOf(inWindow)).toBe(1);

  // Recovery outside the window resolves it and alerts "up" as usual.
  failing.delete('/in-window');
  expect((await probeAgain(inWindow)).state).toBe('up');
  const resolved = await db.pool.query(`SELECT resolved_at FROM incidents WHERE check_id = $1`, [inWindow]);
  expect(resolved.rows[0].resolved_at).not.toBeNull();
  const events = await db.pool.query(`SELECT event FROM deliveries WHERE check_id = $1 ORDER BY id`, [inWindow]);
  expect(events.rows.map((row) => row.event)).toEqual(['down', 'up']);
  failing.delete('/outside');
});

test('an outage that begins and ends inside a window (all checks of the account) alerts no one, not even "up"', async () => {
  const accountId = await seedAccount(db.pool);
  const id = await upCheckWithChannel(accountId, 'all-checks');
  await openWindow(accountId, 'all');
  failing.add('/all-checks');
  expect((await probeAgain(id)).state).toBe('down');
  failing.delete('/all-checks');
  expect((await probeAgain(id)).state).toBe('up');
  expect(await incidentsOf(id)).toBe(0);
  expect(await deliveriesOf(id)).toBe(0);
  await sleep(300); // a delivery would have been sent by now
  expect(hooksAt('all-checks')).toEqual([]);
});

test("another account's window does not cover a check", async () => {
  const owner = await seedAccount(db.pool);
  const stranger = await seedAccount(db.pool);
  const id = await upCheckWithChannel(owner, 'stranger');
  await openWindow(stranger, 'all');
  failing.add('/stranger');
  expect((await probeAgain(id)).state).toBe('down');
  expect(await incidentsOf(id)).toBe(1);
  expect(await deliveriesOf(id)).toBe(1);
  failing.delete('/stranger');
});
