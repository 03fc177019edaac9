// End to end through the containers: the three images built from their Dockerfiles, docker/compose.yml
// brought up with podman-compose (plus docker/test/compose.e2e.yml: a fixture container that is
// both the probe target and the webhook receiver). Sign up, make an API token, create checks on the
// target, see probes flow through both worker replicas with no duplicate, make the target fail, see
// the incident and the webhook, then `down` leaves nothing running. Traffic stays between this
// run's containers (on the network the compose file creates) and loopback.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { containerEngineProblem, podmanEnvironment } from './podman.mjs';
import { freePort } from '../../scripts/free-port.mjs';

const exec = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const project = `pingdummy-e2e-${process.pid}`;
const network = `${project}-net`;
const SUBNET = '172.31.252.0/24';
const problem = containerEngineProblem();
const describeWithPodman = problem ? describe.skip : describe;
if (problem) console.log(`compose end-to-end skipped: ${problem}`);

async function waitFor(what, probe, { seconds = 120, every = 1000 } = {}) {
  const deadline = Date.now() + seconds * 1000;
  let last;
  while (Date.now() < deadline) {
    try {
      last = await probe();
      if (last) return last;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, every));
  }
  throw new Error(`timed out after ${seconds} s waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
}

/** A browser-like client: keeps cookies, reads the CSRF token from the last page. */
class Browser {
  cookies = new Map();
  constructor(base) {
    this.base = base;
  }
  async request(pathname, init = {}) {
    const response = await fetch(new URL(pathname, this.base), {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers ?? {}), cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const at = pair.indexOf('=');
      this.cookies.set(pair.slice(0, at), pair.slice(at + 1));
    }
    return response;
  }
  async page(pathname) {
    const response = await this.request(pathname);
    const html = await response.text();
    return { status: response.status, html, csrf: /name="_csrf" value="([^"]+)"/.exec(html)?.[1] };
  }
  async submit(pathname, formPath, fields) {
    const { csrf } = await this.page(formPath);
    return this.request(pathname, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf, ...fields }).toString(),
    });
  }
}

describeWithPodman('docker compose end to end (podman-compose)', () => {
  const env = podmanEnvironment();
  let ports;
  let compose;
  let db;
  let api;
  let browser;
  const checkIds = [];
  const fixture = (pathname, method = 'GET') => fetch(`http://127.0.0.1:${ports.fixture}${pathname}`, { method });

  beforeAll(async () => {
    ports = { frontend: await freePort(), fixture: await freePort(), postgres: await freePort() };
    const composeEnv = {
      ...env,
      FRONTEND_PORT: String(ports.frontend),
      FIXTURE_PORT: String(ports.fixture),
      POSTGRES_PORT: String(ports.postgres),
      IMAGE_TAG: 'e2e',
      // A network and subnet of its own, so a developer's `compose up` on the default one is not disturbed.
      PINGDUMMY_SUBNET: SUBNET,
      E2E_NETWORK: network,
    };
    compose = (args) => exec('podman-compose', ['-p', project, '-f', 'docker/compose.yml', '-f', 'docker/test/compose.e2e.yml', ...args], { cwd: root, env: composeEnv, maxBuffer: 64 * 1024 * 1024 });
    await exec('bash', ['docker/build-images.sh'], { cwd: root, env: { ...env, IMAGE_TAG: 'e2e', CONTAINER_ENGINE: 'podman' }, maxBuffer: 64 * 1024 * 1024 });
    await exec('podman', ['build', '--quiet', '-t', 'pingdummy/e2e-fixtures:latest', '-f', 'docker/test/fixture.Containerfile', 'docker/test'], { cwd: root, env });
    await exec('podman', ['network', 'create', '--subnet', SUBNET, network], { env });
    await compose(['up', '-d']);
    await waitFor('the frontend', async () => (await fetch(`http://127.0.0.1:${ports.frontend}/readyz`)).ok, { seconds: 180 });
    db = new pg.Client({ connectionString: `postgres://pingdummy:pingdummy-local-only@127.0.0.1:${ports.postgres}/pingdummy` });
    // `down` ends the server under this connection: that is expected, not a test failure.
    db.on('error', () => {});
    await db.connect();
  }, 40 * 60_000);

  afterAll(async () => {
    await db?.end().catch(() => {});
    if (compose) await compose(['down', '-v']).catch(() => {});
    await exec('podman', ['network', 'rm', '-f', network], { env }).catch(() => {});
  }, 5 * 60_000);

  it('signs up and gets an API token through the pages', async () => {
    browser = new Browser(`http://127.0.0.1:${ports.frontend}`);
    const signup = await browser.submit('/signup', '/signup', { email: 'e2e@example.com', password: 'correct horse battery' });
    expect(signup.status).toBe(303);
    const created = await browser.submit('/settings/tokens', '/settings', { name: 'e2e' });
    expect(created.status).toBe(303);
    const token = /id="new-token"[^>]*value="([^"]+)"/.exec((await browser.page('/settings')).html)?.[1];
    expect(token).toBeTruthy();
    api = (pathname, init = {}) =>
      fetch(`http://127.0.0.1:${ports.frontend}/api/v1${pathname}`, {
        ...init,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(init.headers ?? {}) },
      });
  });

  it('probes checks on the target through both worker replicas, each due time once', async () => {
    for (let i = 0; i < 12; i++) {
      const response = await api('/checks', {
        method: 'POST',
        body: JSON.stringify({ name: `target ${i}`, url: `http://fixtures:8080/target/${i}`, intervalSeconds: 10, failuresBeforeDown: 1, regions: ['local'] }),
      });
      expect(response.status).toBe(201);
      checkIds.push((await response.json()).id);
    }
    // Enough rounds that both replicas have claimed some (each tick claims what is due).
    await waitFor('results from 4 rounds of every check', async () => {
      const { rows } = await db.query('SELECT min(n)::int AS fewest FROM (SELECT count(*) AS n FROM results WHERE check_id = ANY($1) GROUP BY check_id) per_check', [checkIds]);
      return rows[0].fewest >= 4;
    }, { seconds: 180 });
    const rounds = {};
    for (const worker of ['worker-1', 'worker-2']) {
      const { stdout, stderr } = await exec('podman', ['logs', `${project}_${worker}_1`], { env, maxBuffer: 64 * 1024 * 1024 });
      rounds[worker] = `${stdout}${stderr}`.split('\n').filter((line) => line.includes('"round recorded"')).length;
    }
    expect(rounds['worker-1']).toBeGreaterThan(0);
    expect(rounds['worker-2']).toBeGreaterThan(0);
    // Every probe the target saw is exactly one stored result, and no due time is stored twice.
    const { rows } = await db.query(
      `SELECT c.url, count(*)::int AS results, count(DISTINCT r.scheduled_at)::int AS due_times
         FROM results r JOIN checks c ON c.id = r.check_id WHERE r.check_id = ANY($1) GROUP BY c.url`,
      [checkIds],
    );
    const outcomes = await db.query(`SELECT outcome, error_class, count(*)::int AS n FROM results WHERE check_id = ANY($1) GROUP BY 1, 2`, [checkIds]);
    expect(outcomes.rows).toEqual([{ outcome: 'up', error_class: null, n: expect.any(Number) }]);
    const hits = (await (await fixture('/control/state')).json()).hits;
    for (const row of rows) {
      expect(row.results).toBe(row.due_times);
      const hitCount = hits[new URL(row.url).pathname];
      // A probe may be in flight between the target's count and the insert: at most one ahead.
      expect(hitCount - row.results).toBeGreaterThanOrEqual(0);
      expect(hitCount - row.results).toBeLessThanOrEqual(1);
    }
  }, 5 * 60_000);

  it('opens an incident and delivers a webhook to the receiver container when the target fails', async () => {
    const created = await browser.submit('/channels', '/channels/new', { name: 'receiver', kind: 'webhook', target: 'http://fixtures:8080/webhook' });
    expect(created.status).toBe(303);
    const channelId = (await db.query(`SELECT id FROM notification_channels WHERE name = 'receiver'`)).rows[0].id;
    for (const id of checkIds) {
      expect((await api(`/checks/${id}`, { method: 'PATCH', body: JSON.stringify({ channelIds: [channelId] }) })).status).toBe(200);
    }
    expect((await fixture('/control/fail', 'POST')).status).toBe(204);
    const incident = await waitFor('an open incident', async () => (await db.query(`SELECT id FROM incidents WHERE resolved_at IS NULL AND check_id = ANY($1) LIMIT 1`, [checkIds])).rows[0], { seconds: 120 });
    expect(incident.id).toBeTruthy();
    const webhook = await waitFor('a webhook at the receiver', async () => (await (await fixture('/control/state')).json()).webhooks.find((w) => w.body.event === 'down'), { seconds: 120 });
    expect(webhook.body.text).toMatch(/down/i);
    expect(webhook.headers['idempotency-key']).toBeTruthy();
  }, 5 * 60_000);

  it('down leaves nothing of the project running', async () => {
    await db.end();
    db = undefined;
    await compose(['down', '-v']);
    const { stdout } = await exec('podman', ['ps', '-a', '--filter', `label=io.podman.compose.project=${project}`, '--format', '{{.Names}}'], { env });
    expect(stdout.trim()).toBe('');
    const volumes = await exec('podman', ['volume', 'ls', '--filter', `label=io.podman.compose.project=${project}`, '--format', '{{.Name}}'], { env });
    expect(volumes.stdout.trim()).toBe('');
    compose = undefined;
  }, 5 * 60_000);
});
