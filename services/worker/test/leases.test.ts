import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startBeacon, parseBeaconConfig } from '@pingdummy/beacon';
import { createLogger, type RunningHttpService } from '@pingdummy/shared';
import { createTestDatabase, type TestDatabase } from '@pingdummy/shared/testing';
import { parseWorkerConfig, startWorker, type RunningWorker } from '../src/index.js';
import { BEACON_TOKEN, insertCheck, seedAccount, sleep, startServer, waitFor, type TestServer } from './helpers.js';

const CHECKS = 24;
const INTERVAL_SECONDS = 10;
const RUN_MS = 26_000;
const quiet = createLogger('test', process.env.TEST_LOG_LEVEL ?? 'silent');

let db: TestDatabase;
let beacon: RunningHttpService;
let target: TestServer;

beforeAll(async () => {
  db = await createTestDatabase();
  // Every probe takes 1.5 s, so a worker killed right after claiming is killed mid-lease.
  target = await startServer((_req, res) => {
    setTimeout(() => res.end('ok'), 1500);
  });
  beacon = await startBeacon(
    parseBeaconConfig({ BEACON_TOKEN, PORT: '0', PGDUMMY_REGION: 'local', BEACON_ALLOW_CIDRS: '127.0.0.1/32' }),
    { handleSignals: false, logger: quiet },
  );
});

afterAll(async () => {
  await beacon.stop();
  await target.close();
  await db.drop();
});

function workerEnv(id: string): Record<string, string> {
  return {
    DATABASE_URL: db.url,
    BEACON_URLS: `local=${beacon.url}`,
    BEACON_TOKEN,
    WORKER_ID: id,
    PORT: '0',
    WORKER_BATCH_SIZE: '5',
    WORKER_LEASE_MARGIN_SECONDS: '1',
    LOG_LEVEL: 'silent',
  };
}

test('three workers, one killed mid-lease: every due time probed, none twice', async () => {
  const accountId = await seedAccount(db.pool);
  const start = new Date(Math.ceil(Date.now() / 1000) * 1000 + 1000);
  const ids: string[] = [];
  for (let i = 0; i < CHECKS; i++) {
    ids.push(await insertCheck(db.pool, accountId, { url: `${target.url}/c/${i}`, nextDueAt: start, timeoutMs: 3000 }));
  }

  // Worker A is a real process; it claims checks, then dies without a word (SIGKILL).
  const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));
  const doomed = spawn(process.execPath, [main], { env: { ...process.env, ...workerEnv('doomed') }, stdio: 'ignore' });
  const heldByDoomed: string[] = await waitFor(
    async () => {
      const { rows } = await db.pool.query(`SELECT id FROM checks WHERE lease_owner = 'doomed'`);
      return rows.length > 0 ? rows.map((row) => row.id as string) : null;
    },
    15_000,
    'the doomed worker to claim checks',
  );
  doomed.kill('SIGKILL');
  await new Promise((resolve) => doomed.once('exit', resolve));

  const workers: RunningWorker[] = await Promise.all(
    ['b', 'c'].map((id) => startWorker(parseWorkerConfig(workerEnv(id)), { handleSignals: false, logger: quiet })),
  );
  await sleep(RUN_MS);
  await Promise.all(workers.map((worker) => worker.stop()));
  const end = Date.now();

  const { rows } = await db.pool.query(
    `SELECT check_id, array_agg(extract(epoch FROM scheduled_at)::bigint ORDER BY scheduled_at) AS due
       FROM results WHERE outcome <> 'infra_error' GROUP BY check_id`,
  );
  const dueTimes = new Map(rows.map((row) => [row.check_id as string, (row.due as string[]).map(Number)]));
  const first = start.getTime() / 1000;
  // Due times whose probe certainly finished before the workers stopped (timeout 3 s + lease 1 s of slack).
  const expected: number[] = [];
  for (let t = first; (t + 5) * 1000 < end; t += INTERVAL_SECONDS) expected.push(t);
  expect(expected.length).toBeGreaterThanOrEqual(2);

  for (const [index, id] of ids.entries()) {
    const due = dueTimes.get(id) ?? [];
    // No miss: every expected due time has a result, in order, one interval apart.
    expect(due.slice(0, expected.length)).toEqual(expected);
    // No duplicate at the target: one request per due time, plus at most the one the killed worker sent.
    const hits = target.hits.get(`/c/${index}`) ?? 0;
    const extra = heldByDoomed.includes(id) ? 1 : 0;
    expect(hits).toBeGreaterThanOrEqual(due.length);
    expect(hits).toBeLessThanOrEqual(due.length + extra);
  }
  // Both surviving workers did share the work.
  expect(workers.every((worker) => worker.scheduler.stats.checksProbed > 0)).toBe(true);
  const leases = await db.pool.query(`SELECT count(*)::int AS n FROM checks WHERE lease_owner IS NOT NULL`);
  expect(leases.rows[0].n).toBe(0);
}, 90_000);
