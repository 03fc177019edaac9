import { parseWorkerConfig, startWorker, type RunningWorker } from '@pingdummy/worker';
import { HeartbeatCheckSchema } from '../../src/api/heartbeat-schemas.js';
import { createApiToken } from '../../src/data/tokens.js';
import { PING_BODY_LIMIT_BYTES } from '../../src/heartbeats/ping-intake.js';
import { insertAccount, type TestAccount } from '../data/fixtures.js';
import { startTestFrontend, type TestFrontend } from '../web/harness.js';

/**
 * Heartbeat checks end to end on a real frontend (API and /ping), real Postgres and a real worker:
 * pings go through the write-behind buffer, the worker turns lateness and /fail pings into incidents
 * and outbox deliveries with the same code as probed checks.
 */

let frontend: TestFrontend;
let worker: RunningWorker;
let account: TestAccount;
let token: string;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function api(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const response = await fetch(`${frontend.url}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : undefined };
}

function ping(path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${frontend.url}${path}`, init);
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function pingCount(checkId: string): Promise<number> {
  const { rows } = await frontend.db.pool.query(`SELECT count(*)::int AS n FROM pings WHERE check_id = $1`, [checkId]);
  return rows[0].n;
}

async function createHeartbeat(body: Record<string, unknown> = {}) {
  const created = await api('POST', '/heartbeat-checks', { name: 'nightly backup', ...body });
  expect(created.status).toBe(201);
  return HeartbeatCheckSchema.parse(created.json);
}

beforeAll(async () => {
  frontend = await startTestFrontend();
  account = await insertAccount(frontend.db.pool);
  token = (await createApiToken(frontend.db.pool, account.accountId, account.userId, 'ci')).token;
  worker = await startWorker(
    parseWorkerConfig({
      DATABASE_URL: frontend.db.url,
      BEACON_URLS: 'local=http://127.0.0.1:9',
      BEACON_TOKEN: 'heartbeat-test-token-0123456789',
      PORT: '0',
      LOG_LEVEL: 'silent',
      MIGRATE_ON_START: 'false',
      PUBLIC_URL: frontend.url,
    }),
    { handleSignals: false },
  );
}, 60_000);

afterAll(async () => {
  await worker?.stop();
  await frontend?.stop();
});

describe('the heartbeat-check API', () => {
  test('creates, reads and updates a heartbeat check with a period or a cron schedule', async () => {
    const check = await createHeartbeat({ periodSeconds: 3600, graceSeconds: 300 });
    expect(check).toMatchObject({ kind: 'heartbeat', periodSeconds: 3600, graceSeconds: 300, cron: null, state: 'pending' });
    expect(check.pingKey).not.toBe(check.id);
    expect(check.pingPath).toBe(`/ping/${check.pingKey}`);
    // Due one period plus grace after creation.
    expect(new Date(check.lateAt).getTime() - new Date(check.createdAt).getTime()).toBe(3900 * 1000);

    const read = await api('GET', `/heartbeat-checks/${check.id}`);
    expect(read).toMatchObject({ status: 200, json: { id: check.id, pingKey: check.pingKey } });
    // It is a check like the others: listed, and deleted or paused through /checks.
    const listed = await api('GET', '/checks');
    expect(listed.json.checks.map((c: { id: string }) => c.id)).toContain(check.id);

    const patched = await api('PATCH', `/heartbeat-checks/${check.id}`, { cron: '0 2 * * *', timezone: 'Europe/Paris' });
    expect(patched.status).toBe(200);
    expect(patched.json).toMatchObject({ cron: '0 2 * * *', timezone: 'Europe/Paris', periodSeconds: null, graceSeconds: 300 });
    // 02:00 in Paris is 00:00 or 01:00 UTC; the deadline adds the 5 minutes of grace.
    expect(new Date(patched.json.lateAt).getUTCMinutes()).toBe(5);

    const back = await api('PATCH', `/heartbeat-checks/${check.id}`, { periodSeconds: 600 });
    expect(back.json).toMatchObject({ periodSeconds: 600, cron: null, timezone: null });
  });

  test('a bad cron expression, time zone or schedule is a 400 naming the field', async () => {
    const badCron = await api('POST', '/heartbeat-checks', { name: 'x', cron: '61 * * * *' });
    expect(badCron.status).toBe(400);
    expect(Object.keys(badCron.json.fields)).toEqual(['cron']);
    expect(badCron.json.fields.cron).toMatch(/^cron is not a valid cron expression/);

    const sixFields = await api('POST', '/heartbeat-checks', { name: 'x', cron: '0 0 2 * * *' });
    expect(Object.keys(sixFields.json.fields)).toEqual(['cron']);
    const never = await api('POST', '/heartbeat-checks', { name: 'x', cron: '0 0 30 2 *' });
    expect(never.json.fields).toEqual({ cron: 'cron never fires' });
    const both = await api('POST', '/heartbeat-checks', { name: 'x', cron: '0 2 * * *', periodSeconds: 3600 });
    expect(Object.keys(both.json.fields)).toEqual(['cron']);
    const zone = await api('POST', '/heartbeat-checks', { name: 'x', cron: '0 2 * * *', timezone: 'Mars/Olympus' });
    expect(Object.keys(zone.json.fields)).toEqual(['timezone']);
    const short = await api('POST', '/heartbeat-checks', { name: 'x', periodSeconds: 5 });
    expect(short.json.fields).toEqual({ periodSeconds: 'periodSeconds must be at least 60' });
    const unknown = await api('POST', '/heartbeat-checks', { name: 'x', url: 'https://example.com' });
    expect(Object.keys(unknown.json.fields)).toEqual(['url']);

    const check = await createHeartbeat();
    const patched = await api('PATCH', `/heartbeat-checks/${check.id}`, { cron: 'every day' });
    expect(patched.status).toBe(400);
    expect(Object.keys(patched.json.fields)).toEqual(['cron']);
    expect((await api('GET', '/heartbeat-checks/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });
});

describe('heartbeat checks in the /checks API', () => {
  test('they are listed and read with kind "heartbeat"; a patch with a probe-only field is a 400 naming it', async () => {
    const check = await createHeartbeat({ periodSeconds: 3600 });
    const listed = (await api('GET', '/checks')).json.checks.find((row: { id: string }) => row.id === check.id);
    expect(listed).toMatchObject({ kind: 'heartbeat', host: null, port: null, tls: null });
    expect((await api('GET', `/checks/${check.id}`)).json.kind).toBe('heartbeat');

    const refused: [Record<string, unknown>, string][] = [
      [{ url: 'https://example.com/' }, 'url'],
      [{ method: 'POST' }, 'method'],
      [{ headers: { 'x-job': 'nightly' } }, 'headers'],
      [{ keyword: 'ok', keywordMode: 'present' }, 'keyword'],
      [{ host: 'db.example.com' }, 'host'],
      [{ port: 5432 }, 'port'],
      [{ tls: true }, 'tls'],
      [{ intervalSeconds: 300 }, 'intervalSeconds'],
      [{ regions: ['local'] }, 'regions'],
      [{ kind: 'http' }, 'kind'],
    ];
    for (const [patch, field] of refused) {
      const response = await api('PATCH', `/checks/${check.id}`, patch);
      expect([patch, response.status, response.json.fields?.[field]]).toEqual([patch, 400, expect.stringMatching(new RegExp(`^${field} `))]);
    }
    const stored = await frontend.db.pool.query(`SELECT url, method, interval_seconds FROM checks WHERE id = $1`, [check.id]);
    expect(stored.rows[0]).toMatchObject({ url: '', method: 'GET' });

    // The fields every kind shares still apply.
    const renamed = await api('PATCH', `/checks/${check.id}`, { name: 'nightly backup (db)', isPublic: true });
    expect(renamed.status).toBe(200);
    expect(renamed.json).toMatchObject({ kind: 'heartbeat', name: 'nightly backup (db)', isPublic: true, url: '' });
  });
});

describe('the ping endpoint', () => {
  test('GET, POST and HEAD, with /start and /fail, are recorded with their run time', async () => {
    const check = await createHeartbeat();
    for (const [path, method] of [
      ['/start', 'GET'],
      ['', 'POST'],
      ['/fail', 'GET'],
      ['', 'HEAD'],
    ] as const) {
      const response = await ping(`${check.pingPath}${path}`, { method, ...(method === 'POST' ? { body: 'backup done: 42 files' } : {}) });
      expect([path, method, response.status]).toEqual([path, method, 200]);
      if (method !== 'HEAD') expect(await response.text()).toBe('OK\n');
    }
    await waitFor('4 pings written', async () => (await pingCount(check.id)) === 4);
    const pings = await api('GET', `/heartbeat-checks/${check.id}/pings`);
    expect(pings.json.pings.map((p: { kind: string; method: string }) => `${p.kind} ${p.method}`)).toEqual([
      'success HEAD',
      'fail GET',
      'success POST',
      'start GET',
    ]);
    const success = pings.json.pings[2];
    expect(success.body).toBe('backup done: 42 files');
    expect(success.durationMs).toBeGreaterThanOrEqual(0);
    const read = await api('GET', `/heartbeat-checks/${check.id}`);
    expect(read.json.lastDurationMs).toBe(success.durationMs);
    expect(read.json.runningSince).toBeNull();
    expect(read.json.lastPingAt).toBe(pings.json.pings[0].receivedAt);
    // Like any check's last probe, on the dashboard and in /checks.
    expect((await api('GET', `/checks/${check.id}`)).json.lastProbedAt).toBe(read.json.lastPingAt);
  });

  test('a body over the limit is truncated and flagged, not refused', async () => {
    const check = await createHeartbeat();
    const body = 'é'.repeat(PING_BODY_LIMIT_BYTES); // twice the limit in bytes
    const response = await ping(check.pingPath, { method: 'POST', body });
    expect(response.status).toBe(200);
    expect(await response.text()).toMatch(/truncated/);
    await waitFor('the ping written', async () => (await pingCount(check.id)) === 1);
    const { rows } = await frontend.db.pool.query(`SELECT body, body_truncated FROM pings WHERE check_id = $1`, [check.id]);
    expect(rows[0].body_truncated).toBe(true);
    expect(Buffer.byteLength(rows[0].body)).toBeLessThanOrEqual(PING_BODY_LIMIT_BYTES);
    expect(rows[0].body).toBe('é'.repeat(PING_BODY_LIMIT_BYTES / 2));
  });

  test('unknown keys, unknown signals and other methods are refused', async () => {
    const check = await createHeartbeat();
    expect((await ping('/ping/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await ping('/ping/not-a-uuid')).status).toBe(404);
    // The check id is not a ping key.
    expect((await ping(`/ping/${check.id}`)).status).toBe(404);
    expect((await ping(`${check.pingPath}/finish`)).status).toBe(404);
    const put = await ping(check.pingPath, { method: 'PUT' });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('GET, POST, HEAD');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await pingCount(check.id)).toBe(0);
  });
});

describe('up and down through the worker', () => {
  async function channelFor(checkId: string): Promise<void> {
    const channel = await frontend.db.pool.query(
      `INSERT INTO notification_channels (account_id, name, kind, target) VALUES ($1, 'ops', 'email', 'ops@example.com') RETURNING id`,
      [account.accountId],
    );
    await frontend.db.pool.query(`INSERT INTO check_channels (check_id, channel_id) VALUES ($1, $2)`, [checkId, channel.rows[0].id]);
  }

  async function stateOf(checkId: string): Promise<string> {
    const { rows } = await frontend.db.pool.query(`SELECT state FROM checks WHERE id = $1`, [checkId]);
    return rows[0].state;
  }

  async function events(checkId: string): Promise<string[]> {
    const { rows } = await frontend.db.pool.query(`SELECT event FROM deliveries WHERE check_id = $1 ORDER BY id`, [checkId]);
    return rows.map((row) => row.event);
  }

  test('a late ping opens an incident and queues a down alert; the next ping resolves it', async () => {
    const check = await createHeartbeat({ periodSeconds: 3600, graceSeconds: 60 });
    await channelFor(check.id);
    expect((await ping(check.pingPath)).status).toBe(200);
    await waitFor('the check up', async () => (await stateOf(check.id)) === 'up');

    // An hour and a minute pass without a ping.
    await frontend.db.pool.query(`UPDATE heartbeats SET late_at = now() - interval '1 second' WHERE check_id = $1`, [check.id]);
    await waitFor('the check down', async () => (await stateOf(check.id)) === 'down');
    const incident = await frontend.db.pool.query(`SELECT cause, resolved_at FROM incidents WHERE check_id = $1`, [check.id]);
    expect(incident.rows).toHaveLength(1);
    expect(incident.rows[0].cause).toMatch(/^late: no ping by /);
    expect(await events(check.id)).toEqual(['down']);
    const incidents = await api('GET', `/incidents?checkId=${check.id}`);
    expect(incidents.json.incidents).toHaveLength(1);

    expect((await ping(check.pingPath)).status).toBe(200);
    await waitFor('the check up again', async () => (await stateOf(check.id)) === 'up');
    const resolved = await frontend.db.pool.query(`SELECT resolved_at FROM incidents WHERE check_id = $1`, [check.id]);
    expect(resolved.rows[0].resolved_at).not.toBeNull();
    expect(await events(check.id)).toEqual(['down', 'up']);
  });

  test('a resumed check counts its schedule from the resume: a long pause does not end in a late alert', async () => {
    const check = await createHeartbeat({ periodSeconds: 3600, graceSeconds: 60 });
    await channelFor(check.id);
    await ping(check.pingPath);
    await waitFor('the check up', async () => (await stateOf(check.id)) === 'up');
    expect((await api('POST', `/checks/${check.id}/pause`)).status).toBe(200);
    // Paused for a day: the old deadline has long passed.
    await frontend.db.pool.query(`UPDATE heartbeats SET late_at = now() - interval '1 day' WHERE check_id = $1`, [check.id]);
    const resumedAt = Date.now();
    expect((await api('POST', `/checks/${check.id}/resume`)).status).toBe(200);
    const read = await api('GET', `/heartbeat-checks/${check.id}`);
    expect(new Date(read.json.lateAt).getTime()).toBeGreaterThanOrEqual(resumedAt + 3660 * 1000 - 1000);
    await new Promise((resolve) => setTimeout(resolve, 2_500)); // two worker ticks
    expect(await stateOf(check.id)).toBe('up');
    expect(await events(check.id)).toEqual([]);
  });

  test('a /fail ping is down at once; a job that hangs after /start is late after its grace', async () => {
    const check = await createHeartbeat({ periodSeconds: 3600, graceSeconds: 60 });
    await channelFor(check.id);
    await ping(check.pingPath);
    await waitFor('the check up', async () => (await stateOf(check.id)) === 'up');
    await ping(`${check.pingPath}/fail`, { method: 'POST', body: 'disk full' });
    await waitFor('the check down', async () => (await stateOf(check.id)) === 'down');
    const incident = await frontend.db.pool.query(`SELECT cause FROM incidents WHERE check_id = $1`, [check.id]);
    expect(incident.rows[0].cause).toMatch(/^fail_ping: the job sent a \/fail ping/);
    await ping(check.pingPath);
    await waitFor('the check up', async () => (await stateOf(check.id)) === 'up');

    await ping(`${check.pingPath}/start`);
    await waitFor('the run written', async () => {
      const read = await api('GET', `/heartbeat-checks/${check.id}`);
      return read.json.runningSince !== null && read.json;
    }).then((read) => expect(new Date(read.lateAt).getTime() - new Date(read.runningSince).getTime()).toBe(60_000));
    expect(await events(check.id)).toEqual(['down', 'up']);
  });
});
