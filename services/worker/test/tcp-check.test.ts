import { once } from 'node:events';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { startBeacon, parseBeaconConfig } from '@pingdummy/beacon';
import { createLogger, formatTcpTarget, type RunningHttpService } from '@pingdummy/shared';
import { createTestDatabase, type TestDatabase } from '@pingdummy/shared/testing';
import { parseWorkerConfig, startWorker, type RunningWorker } from '../src/index.js';
import { BEACON_TOKEN, seedAccount, waitFor } from './helpers.js';

const quiet = createLogger('test', process.env.TEST_LOG_LEVEL ?? 'silent');
let db: TestDatabase;
let beacon: RunningHttpService;
let worker: RunningWorker;
let server: Server;
let port: number;
const sockets = new Set<Socket>();

/** A real TCP service on loopback: it accepts connections while listening, refuses them once closed. */
async function listen(): Promise<void> {
  server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.listen(port ?? 0, '127.0.0.1');
  await once(server, 'listening');
  port = (server.address() as AddressInfo).port;
}

async function stopListening(): Promise<void> {
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

beforeAll(async () => {
  db = await createTestDatabase();
  await listen();
  beacon = await startBeacon(
    parseBeaconConfig({ BEACON_TOKEN, PORT: '0', PGDUMMY_REGION: 'local', BEACON_ALLOW_CIDRS: '127.0.0.1/32' }),
    { handleSignals: false, logger: quiet },
  );
  worker = await startWorker(
    parseWorkerConfig({ DATABASE_URL: db.url, BEACON_URLS: `local=${beacon.url}`, BEACON_TOKEN, PORT: '0', LOG_LEVEL: 'silent' }),
    { handleSignals: false, logger: quiet },
  );
});

afterAll(async () => {
  await worker.stop();
  await beacon.stop();
  if (server.listening) await stopListening();
  await db.drop();
});

async function checkRow(id: string) {
  const { rows } = await db.pool.query(`SELECT * FROM checks WHERE id = $1`, [id]);
  return rows[0];
}

test('a TCP check is probed through the beacon: up while the port listens, down with an incident once it refuses', async () => {
  const accountId = await seedAccount(db.pool);
  const inserted = await db.pool.query(
    `INSERT INTO checks (account_id, name, kind, url, interval_seconds, timeout_ms, failures_before_down)
     VALUES ($1, 'Postgres', 'tcp', $2, 60, 2000, 1) RETURNING id`,
    [accountId, formatTcpTarget({ host: '127.0.0.1', port, tls: false })],
  );
  const id: string = inserted.rows[0].id;

  await waitFor(async () => ((await checkRow(id)).state === 'up' ? true : null), 15_000, 'up');
  const first = await db.pool.query(`SELECT outcome, status_code, connect_ms, tls_ms, ttfb_ms, error_class FROM results WHERE check_id = $1`, [id]);
  expect(first.rows).toEqual([{ outcome: 'up', status_code: null, connect_ms: expect.any(Number), tls_ms: null, ttfb_ms: null, error_class: null }]);

  await stopListening();
  await waitFor(async () => ((await checkRow(id)).lease_owner === null ? true : null), 15_000, 'the lease to be released');
  await db.pool.query(`UPDATE checks SET next_due_at = now() WHERE id = $1`, [id]);
  await waitFor(async () => ((await checkRow(id)).state === 'down' ? true : null), 15_000, 'down');

  const incidents = await db.pool.query(`SELECT cause, resolved_at FROM incidents WHERE check_id = $1`, [id]);
  expect(incidents.rows).toEqual([{ cause: `refused: connection refused by 127.0.0.1:${port} (ECONNREFUSED) (local)`, resolved_at: null }]);
  const latest = await db.pool.query(
    `SELECT outcome, error_class FROM results WHERE check_id = $1 ORDER BY scheduled_at DESC LIMIT 1`,
    [id],
  );
  expect(latest.rows[0]).toEqual({ outcome: 'down', error_class: 'refused' });
});
