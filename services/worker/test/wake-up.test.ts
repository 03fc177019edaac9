import { startBeacon, parseBeaconConfig } from '@pingdummy/beacon';
import { createLogger, type RunningHttpService } from '@pingdummy/shared';
import { createTestDatabase, type TestDatabase } from '@pingdummy/shared/testing';
import { parseWorkerConfig, startWorker, type RunningWorker } from '../src/index.js';
import { startSlotMs } from '../src/probe-round.js';
import { BEACON_TOKEN, insertCheck, seedAccount, sleep, startServer, waitFor, type TestServer } from './helpers.js';

// The worker sleeps while nothing is due: with an idle poll of a minute, anything these tests see
// within seconds was woken by LISTEN, by its own recorded rounds, or by the in-flight cap freeing up.
const IDLE_POLL_MS = 60_000;
const quiet = createLogger('test', process.env.TEST_LOG_LEVEL ?? 'silent');
const inAnHour = () => new Date(Date.now() + 3_600_000);

let db: TestDatabase;
let beacon: RunningHttpService;
let target: TestServer;
let accountId: string;
const running: RunningWorker[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  target = await startServer((_req, res) => {
    res.end('ok');
  });
  beacon = await startBeacon(
    parseBeaconConfig({ BEACON_TOKEN, PORT: '0', PGDUMMY_REGION: 'local', BEACON_ALLOW_CIDRS: '127.0.0.1/32' }),
    { handleSignals: false, logger: quiet },
  );
  accountId = await seedAccount(db.pool);
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((worker) => worker.stop()));
  // Each test starts from a quiet database.
  await db.pool.query(`UPDATE checks SET paused = true`);
});

afterAll(async () => {
  await beacon.stop();
  await target.close();
  await db.drop();
});

async function startTestWorker(env: Record<string, string> = {}): Promise<RunningWorker> {
  const worker = await startWorker(
    parseWorkerConfig({
      DATABASE_URL: db.url,
      BEACON_URLS: `local=${beacon.url}`,
      BEACON_TOKEN,
      PORT: '0',
      WORKER_IDLE_POLL_MS: String(IDLE_POLL_MS),
      LOG_LEVEL: 'silent',
      ...env,
    }),
    { handleSignals: false, logger: quiet },
  );
  running.push(worker);
  return worker;
}

/** The results of a check: due time and how late the probe started, in ms. */
async function resultsOf(id: string): Promise<{ dueAt: Date; lagMs: number }[]> {
  const { rows } = await db.pool.query(
    `SELECT scheduled_at, extract(epoch FROM started_at - scheduled_at) * 1000 AS lag_ms
       FROM results WHERE check_id = $1 ORDER BY scheduled_at`,
    [id],
  );
  return rows.map((row) => ({ dueAt: row.scheduled_at, lagMs: Number(row.lag_ms) }));
}

const probedWithin = (id: string, ms: number, what: string) =>
  waitFor(async () => ((await resultsOf(id)).length > 0 ? resultsOf(id) : null), ms, what);

test('a worker with nothing due sleeps instead of claiming every second', async () => {
  await insertCheck(db.pool, accountId, { url: `${target.url}/later`, nextDueAt: inAnHour() });
  const worker = await startTestWorker();
  await sleep(4_000);
  // One claim at start (nothing due, the next due time is an hour away); a 1 s tick would have made four.
  expect(worker.scheduler.stats.claims).toBeLessThanOrEqual(2);
});

test('an overdue-looking heartbeat check neither keeps the worker claiming every second nor is woken for by its pings', async () => {
  // Nobody probes a heartbeat check, so its due time stays in the past; the sleep must not count it as due.
  const heartbeat = await db.pool.query(
    `INSERT INTO checks (account_id, kind, name, url, next_due_at) VALUES ($1, 'heartbeat', 'cron job', '', now() - interval '1 hour') RETURNING id`,
    [accountId],
  );
  const id: string = heartbeat.rows[0].id;
  await db.pool.query(`INSERT INTO heartbeats (check_id, period_seconds, grace_seconds, late_at) VALUES ($1, 3600, 300, now() + interval '1 hour')`, [id]);
  await insertCheck(db.pool, accountId, { url: `${target.url}/later`, nextDueAt: inAnHour() });
  const worker = await startTestWorker();
  // Pings as the frontend records them: the check's "last probe" moves, its due time does not.
  for (let ping = 0; ping < 4; ping += 1) {
    await sleep(1_000);
    await db.pool.query(`UPDATE checks SET last_probed_at = now() WHERE id = $1`, [id]);
  }
  expect(worker.scheduler.stats.claims).toBeLessThanOrEqual(2);
});

test('a check created while the worker sleeps is probed at its due time, not at the next idle poll', async () => {
  await startTestWorker();
  await sleep(500);
  const dueAt = new Date(Date.now() + 2_000);
  const id = await insertCheck(db.pool, accountId, { url: `${target.url}/new`, nextDueAt: dueAt });
  const [result] = await probedWithin(id, 8_000, 'the new check to be probed');
  expect(result!.dueAt.getTime()).toBe(dueAt.getTime());
  expect(result!.lagMs).toBeGreaterThanOrEqual(0); // never early
});

test("an edited check's earlier due time wakes the sleeping worker", async () => {
  const id = await insertCheck(db.pool, accountId, { url: `${target.url}/edited`, nextDueAt: inAnHour() });
  const worker = await startTestWorker();
  await sleep(1_000);
  const claimsWhileAsleep = worker.scheduler.stats.claims;
  const edited = await db.pool.query(`UPDATE checks SET next_due_at = now() + interval '2 seconds' WHERE id = $1 RETURNING next_due_at`, [id]);
  const [result] = await probedWithin(id, 8_000, 'the edited check to be probed');
  expect(result!.dueAt.getTime()).toBe(edited.rows[0].next_due_at.getTime());
  expect(result!.lagMs).toBeGreaterThanOrEqual(0);
  expect(worker.scheduler.stats.claims).toBeGreaterThan(claimsWhileAsleep);
});

test('a resumed check is probed at once', async () => {
  const id = await insertCheck(db.pool, accountId, { url: `${target.url}/resumed`, nextDueAt: inAnHour() });
  await db.pool.query(`UPDATE checks SET paused = true WHERE id = $1`, [id]);
  await startTestWorker();
  await sleep(1_000);
  // As the frontend does on resume: unpause and reschedule to now.
  await db.pool.query(`UPDATE checks SET paused = false, next_due_at = now() WHERE id = $1`, [id]);
  await probedWithin(id, 5_000, 'the resumed check to be probed');
});

test('a sleeping worker probes its own check again one interval later', async () => {
  const id = await insertCheck(db.pool, accountId, { url: `${target.url}/again`, intervalSeconds: 10, nextDueAt: new Date(Date.now() + 1_000) });
  await startTestWorker();
  const results = await waitFor(async () => {
    const found = await resultsOf(id);
    return found.length >= 2 ? found : null;
  }, 16_000, 'two rounds of the check');
  expect(results[1]!.dueAt.getTime() - results[0]!.dueAt.getTime()).toBe(10_000);
  expect(results[1]!.lagMs).toBeLessThan(1_500);
});

test('checks coming due within the lookahead go to the beacon in one request, each started at its due time, and are recorded together', async () => {
  const first = Date.now() + 2_000;
  // Ten checks in ten different 100 ms slots: a claim takes those within the lookahead (1.5 s) in one round.
  const ids = await Promise.all(
    Array.from({ length: 10 }, (_, i) => insertCheck(db.pool, accountId, { url: `${target.url}/slot/${i}`, nextDueAt: new Date(first + i * 100) })),
  );
  const worker = await startTestWorker();
  await waitFor(async () => {
    const { rows } = await db.pool.query(`SELECT count(DISTINCT check_id)::int AS n FROM results WHERE check_id = ANY($1)`, [ids]);
    return rows[0].n === ids.length;
  }, 10_000, 'the ten checks to be recorded');
  // One beacon request per claim (at most one claim a second here), not one per 100 ms slot.
  expect(worker.scheduler.stats.rounds).toBeLessThanOrEqual(3);
  expect(worker.scheduler.stats.recordTransactions).toBeLessThanOrEqual(3);
  // The beacon waited for each: never started before its due time, and not much after the end of its start slot
  // (a round of ten gets the longest slot, WORKER_MAX_START_DELAY_MS, 500 ms by default).
  const slotMs = startSlotMs(ids.length, 500);
  expect(slotMs).toBe(500);
  for (const id of ids) {
    const lagMs = (await resultsOf(id))[0]!.lagMs;
    expect(lagMs).toBeGreaterThanOrEqual(0);
    expect(lagMs).toBeLessThan(slotMs + 500);
  }
});
