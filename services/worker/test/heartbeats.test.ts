import { createTestDatabase, type TestDatabase } from '@pingdummy/shared/testing';
import { claimDueChecks } from '../src/claim-due-checks.js';
import { evaluateHeartbeats } from '../src/heartbeats/evaluate-heartbeats.js';
import { recordHeartbeatSamples } from '../src/heartbeats/heartbeat-samples.js';
import { countOverdueChecks } from '../src/overdue-metric.js';
import { seedAccount } from './helpers.js';

/** Heartbeat checks in the worker: decided by their pings, never claimed for probing, sampled for uptime. */

let db: TestDatabase;
let accountId: string;

async function insertHeartbeat(lateAt: string, fields: { lastSuccessAt?: string; lastFailAt?: string } = {}): Promise<string> {
  const check = await db.pool.query(
    `INSERT INTO checks (account_id, kind, name, url, next_due_at) VALUES ($1, 'heartbeat', 'cron job', '', now() - interval '1 hour') RETURNING id`,
    [accountId],
  );
  const id: string = check.rows[0].id;
  await db.pool.query(
    `INSERT INTO heartbeats (check_id, period_seconds, grace_seconds, late_at, last_success_at, last_fail_at)
     VALUES ($1, 3600, 300, now() + $2::interval, now() + $3::interval, now() + $4::interval)`,
    [id, lateAt, fields.lastSuccessAt ?? null, fields.lastFailAt ?? null],
  );
  const channel = await db.pool.query(
    `INSERT INTO notification_channels (account_id, name, kind, target) VALUES ($1, 'ops', 'email', 'ops@example.com') RETURNING id`,
    [accountId],
  );
  await db.pool.query(`INSERT INTO check_channels (check_id, channel_id) VALUES ($1, $2)`, [id, channel.rows[0].id]);
  return id;
}

beforeAll(async () => {
  db = await createTestDatabase();
  accountId = await seedAccount(db.pool);
});
afterAll(async () => {
  await db.drop();
});

test('a late heartbeat check goes down once, with one incident and one alert per channel, then up on a ping', async () => {
  const id = await insertHeartbeat('-1 second', { lastSuccessAt: '-1 hour' });
  await db.pool.query(`UPDATE checks SET state = 'up' WHERE id = $1`, [id]);

  const changes = await evaluateHeartbeats(db.pool, 'http://localhost:3000');
  expect(changes).toEqual([expect.objectContaining({ checkId: id, from: 'up', to: 'down', event: 'down', incident: expect.objectContaining({ action: 'opened' }) })]);
  // A second evaluation (another replica, the next tick) changes nothing.
  expect(await evaluateHeartbeats(db.pool, 'http://localhost:3000')).toEqual([]);
  const deliveries = await db.pool.query(`SELECT event, payload FROM deliveries WHERE check_id = $1`, [id]);
  expect(deliveries.rows.map((row) => row.event)).toEqual(['down']);
  expect(deliveries.rows[0].payload.text).toMatch(/cron job/);

  // The frontend records a success ping: a new deadline, a success after the last fail.
  await db.pool.query(`UPDATE heartbeats SET last_success_at = now(), late_at = now() + interval '1 hour' WHERE check_id = $1`, [id]);
  const recovered = await evaluateHeartbeats(db.pool, 'http://localhost:3000');
  expect(recovered).toEqual([expect.objectContaining({ to: 'up', event: 'up', incident: expect.objectContaining({ action: 'resolved' }) })]);
  const incidents = await db.pool.query(`SELECT resolved_at FROM incidents WHERE check_id = $1`, [id]);
  expect(incidents.rows).toHaveLength(1);
  expect(incidents.rows[0].resolved_at).not.toBeNull();
});

test('a fail ping after the last success is down; a new check that is not late yet stays pending', async () => {
  const failed = await insertHeartbeat('1 hour', { lastSuccessAt: '-10 minutes', lastFailAt: '-1 minute' });
  const fresh = await insertHeartbeat('1 hour');
  const changes = await evaluateHeartbeats(db.pool, 'http://localhost:3000');
  expect(changes.map((change) => [change.checkId, change.to])).toEqual([[failed, 'down']]);
  const states = await db.pool.query(`SELECT id, state FROM checks WHERE id = ANY($1)`, [[failed, fresh]]);
  expect(Object.fromEntries(states.rows.map((row) => [row.id, row.state]))).toEqual({ [failed]: 'down', [fresh]: 'pending' });
});

test('heartbeat checks are never claimed for probing nor counted as overdue', async () => {
  await insertHeartbeat('1 hour');
  expect(await claimDueChecks(db.pool, 'w1', 100, 5)).toEqual([]);
  expect(await countOverdueChecks(db.pool)).toBe(0);
});

test('each minute a heartbeat check that is up or down is sampled into results and rollups, once', async () => {
  const at = new Date();
  const written = await recordHeartbeatSamples(db.pool, at);
  expect(written).toBeGreaterThan(0);
  expect(await recordHeartbeatSamples(db.pool, at)).toBe(0);
  const { rows } = await db.pool.query(
    `SELECT c.state, r.outcome, h.probe_count, h.up_count FROM checks c
       JOIN results r ON r.check_id = c.id AND r.region = 'heartbeat'
       JOIN rollups_hourly h ON h.check_id = c.id AND h.region = 'heartbeat'
      WHERE c.kind = 'heartbeat'`,
  );
  expect(rows.length).toBe(written);
  for (const row of rows) expect([row.outcome, row.probe_count, row.up_count]).toEqual([row.state, 1, row.state === 'up' ? 1 : 0]);
});

test('a heartbeat late inside a maintenance window opens no incident and alerts no one; still late after it, the incident opens then', async () => {
  const id = await insertHeartbeat('-1 second', { lastSuccessAt: '-1 hour' });
  await db.pool.query(`UPDATE checks SET state = 'up' WHERE id = $1`, [id]);
  const window = await db.pool.query(
    `INSERT INTO maintenance_windows (account_id, title, all_checks, recurrence, starts_at, ends_at)
     VALUES ($1, 'backup host move', false, 'once', now() - interval '1 hour', now() + interval '1 hour') RETURNING id`,
    [accountId],
  );
  await db.pool.query(`INSERT INTO maintenance_window_checks (window_id, check_id) VALUES ($1, $2)`, [window.rows[0].id, id]);

  const changes = await evaluateHeartbeats(db.pool, 'http://localhost:3000');
  expect(changes).toEqual([expect.objectContaining({ checkId: id, from: 'up', to: 'down', event: null, incident: null, maintenance: true })]);
  expect(await evaluateHeartbeats(db.pool, 'http://localhost:3000')).toEqual([]); // still inside: nothing more
  const count = async (table: string) => (await db.pool.query(`SELECT count(*)::int AS n FROM ${table} WHERE check_id = $1`, [id])).rows[0].n;
  expect([await count('incidents'), await count('deliveries')]).toEqual([0, 0]);

  // Sampled inside the window: counted apart, so uptime leaves it out.
  await recordHeartbeatSamples(db.pool);
  const rollup = await db.pool.query(`SELECT probe_count, maintenance_probe_count FROM rollups_hourly WHERE check_id = $1`, [id]);
  expect(rollup.rows).toEqual([{ probe_count: 1, maintenance_probe_count: 1 }]);

  // The window ends and no ping came: the incident opens now, with one "down" alert.
  await db.pool.query(`UPDATE maintenance_windows SET ends_at = now() - interval '1 second' WHERE id = $1`, [window.rows[0].id]);
  const after = await evaluateHeartbeats(db.pool, 'http://localhost:3000');
  expect(after).toEqual([expect.objectContaining({ checkId: id, from: 'down', to: 'down', event: 'down', incident: expect.objectContaining({ action: 'opened' }) })]);
  expect(await evaluateHeartbeats(db.pool, 'http://localhost:3000')).toEqual([]);
  const incidents = await db.pool.query(`SELECT cause FROM incidents WHERE check_id = $1`, [id]);
  expect(incidents.rows).toEqual([{ cause: expect.stringMatching(/^still down after maintenance: late: no ping by /) }]);
  const deliveries = await db.pool.query(`SELECT event FROM deliveries WHERE check_id = $1`, [id]);
  expect(deliveries.rows).toEqual([{ event: 'down' }]);
});
