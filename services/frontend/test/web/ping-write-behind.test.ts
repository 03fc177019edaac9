import type { PoolClient } from '@pingdummy/shared';
import { createHeartbeatCheck, type HeartbeatCheck } from '../../src/data/heartbeats.js';
import { insertAccount } from '../data/fixtures.js';
import { startTestFrontend, type TestFrontend } from './harness.js';

/**
 * The ping endpoint's write-behind buffer against a real Postgres that stalls or fails: every ping answered
 * 200 ends up as a row, the bound answers 503 instead of growing without limit, and a stop writes what is held.
 */

const MAX_HELD = 400;
let frontend: TestFrontend;

async function newCheck(target: TestFrontend): Promise<HeartbeatCheck> {
  const account = await insertAccount(target.db.pool);
  return createHeartbeatCheck(target.db.pool, account.accountId, { name: 'job' }, { checkLimit: 50 });
}

async function pingCount(target: TestFrontend, checkId: string): Promise<number> {
  const { rows } = await target.db.pool.query(`SELECT count(*)::int AS n FROM pings WHERE check_id = $1`, [checkId]);
  return rows[0].n;
}

async function waitForCount(target: TestFrontend, checkId: string, expected: number, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let count = -1;
  while (Date.now() < deadline) {
    count = await pingCount(target, checkId);
    if (count === expected) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`expected ${expected} pings written, found ${count}`);
}

/** Sends `count` pings at once; resolves to the status codes. */
async function burst(target: TestFrontend, check: HeartbeatCheck, count: number): Promise<number[]> {
  return Promise.all(
    Array.from({ length: count }, (_, index) => fetch(`${target.url}${check.pingPath}`, { method: 'POST', body: `run ${index}` }).then((r) => r.status)),
  );
}

/** Holds an exclusive lock on `pings` (every flush waits) until release() is called. */
async function stallPingWrites(target: TestFrontend): Promise<{ release(): Promise<void> }> {
  const client: PoolClient = await target.db.pool.connect();
  await client.query('BEGIN');
  await client.query('LOCK TABLE pings IN ACCESS EXCLUSIVE MODE');
  return {
    release: async () => {
      await client.query('ROLLBACK');
      client.release();
    },
  };
}

beforeAll(async () => {
  frontend = await startTestFrontend({}, { pingBuffer: { maxItems: MAX_HELD, flushIntervalMs: 20, batchSize: 100, retryMaxMs: 200 } });
}, 60_000);
afterAll(async () => {
  await frontend?.stop();
});

test('pings are answered at once while Postgres is stalled, and all are written once it resumes', async () => {
  const check = await newCheck(frontend);
  const stall = await stallPingWrites(frontend);
  try {
    // Answered from memory while every write waits for the lock.
    const statuses = await burst(frontend, check, 300);
    expect(statuses.filter((status) => status === 200)).toHaveLength(300);
    await new Promise((resolve) => setTimeout(resolve, 300));
  } finally {
    await stall.release();
  }
  await waitForCount(frontend, check.id, 300);
});

test('failed writes are retried until Postgres takes them; none is lost or written twice', async () => {
  const check = await newCheck(frontend);
  // Every flush fails (the table is gone) until it is back.
  await frontend.db.pool.query(`ALTER TABLE pings RENAME TO pings_away`);
  let statuses: number[];
  try {
    statuses = await burst(frontend, check, 200);
    await new Promise((resolve) => setTimeout(resolve, 600)); // several failed attempts
  } finally {
    await frontend.db.pool.query(`ALTER TABLE pings_away RENAME TO pings`);
  }
  expect(statuses.filter((status) => status === 200)).toHaveLength(200);
  await waitForCount(frontend, check.id, 200);
  const bodies = await frontend.db.pool.query(`SELECT count(DISTINCT body)::int AS n FROM pings WHERE check_id = $1`, [check.id]);
  expect(bodies.rows[0].n).toBe(200);
});

test('past its bound the buffer refuses with 503 and Retry-After; what it accepted is written', async () => {
  const check = await newCheck(frontend);
  const stall = await stallPingWrites(frontend);
  let statuses: number[];
  let retryAfter: string | null;
  try {
    statuses = await burst(frontend, check, MAX_HELD + 50);
    const refused = await fetch(`${frontend.url}${check.pingPath}`);
    expect(refused.status).toBe(503);
    retryAfter = refused.headers.get('retry-after');
  } finally {
    await stall.release();
  }
  expect(retryAfter).toBe('1');
  const accepted = statuses.filter((status) => status === 200).length;
  expect(accepted).toBe(MAX_HELD);
  expect(statuses.filter((status) => status === 503)).toHaveLength(50);
  await waitForCount(frontend, check.id, accepted);
});

test('a stop (SIGTERM) writes every accepted ping before the process ends', async () => {
  // Nothing is flushed on its own for a minute: only the stop can write these pings.
  const stopping = await startTestFrontend({}, { pingBuffer: { flushIntervalMs: 60_000, batchSize: 100_000 } });
  try {
    const check = await newCheck(stopping);
    const statuses = await burst(stopping, check, 50);
    expect(statuses.filter((status) => status === 200)).toHaveLength(50);
    expect(await pingCount(stopping, check.id)).toBe(0);
    await stopping.service.stop();
    expect(await pingCount(stopping, check.id)).toBe(50);
  } finally {
    await stopping.db.drop();
  }
});
