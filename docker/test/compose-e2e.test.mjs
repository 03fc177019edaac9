// End to end through the containers: the three images built from their Dockerfiles, docker/compose.yml
// brought up with podman-compose (plus docker/test/compose.e2e.yml: a fixture container that is
// both the probe target and the webhook receiver). Sign up, make an API token, create checks on the
// target, see probes flow through both worker replicas with no duplicate, make the target fail, see
// the incident and the webhook, then `down` leaves nothing running. Traffic stays between this
// run's containers (on the network it creates) and loopback.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { containerEngineProblem } from './podman.mjs';
import { signUpWithApiToken, startComposeStack, waitFor } from './compose-stack.mjs';

const problem = containerEngineProblem();
// In CI a missing tool is a failure naming it, never a silent skip.
const describeWithPodman = problem && !process.env.CI ? describe.skip : describe;
if (problem) console.log(`compose end-to-end skipped: ${problem}`);

describeWithPodman('docker compose end to end (podman-compose)', () => {
  let stack;
  let account;
  const checkIds = [];

  beforeAll(async () => {
    if (problem) throw new Error(problem);
    stack = await startComposeStack({ project: `pingdummy-e2e-${process.pid}`, subnet: '172.31.252.0/24' });
  }, 40 * 60_000);

  afterAll(async () => {
    await stack?.stop();
  }, 5 * 60_000);

  it('signs up and gets an API token through the pages', async () => {
    account = await signUpWithApiToken(stack, 'e2e@example.com');
    expect(account.token).toMatch(/^pd_/);
  });

  it('probes checks on the target through both worker replicas, each due time once', async () => {
    for (let i = 0; i < 12; i++) {
      const response = await account.api('/checks', {
        method: 'POST',
        body: JSON.stringify({ name: `target ${i}`, url: `http://fixtures:8080/target/${i}`, intervalSeconds: 10, failuresBeforeDown: 1, regions: ['local'] }),
      });
      expect(response.status).toBe(201);
      checkIds.push((await response.json()).id);
    }
    // Enough rounds that both replicas have claimed some (each tick claims what is due).
    await waitFor('results from 4 rounds of every check', async () => {
      const { rows } = await stack.db.query('SELECT min(n)::int AS fewest FROM (SELECT count(*) AS n FROM results WHERE check_id = ANY($1) GROUP BY check_id) per_check', [checkIds]);
      return rows[0].fewest >= 4;
    }, { seconds: 180 });
    const rounds = {};
    for (const worker of ['worker-1', 'worker-2']) {
      const logs = await stack.podman('logs', stack.container(worker));
      rounds[worker] = logs.split('\n').filter((line) => line.includes('"round recorded"')).length;
    }
    expect(rounds['worker-1']).toBeGreaterThan(0);
    expect(rounds['worker-2']).toBeGreaterThan(0);
    const outcomes = await stack.db.query(`SELECT outcome, error_class, count(*)::int AS n FROM results WHERE check_id = ANY($1) GROUP BY 1, 2`, [checkIds]);
    expect(outcomes.rows).toEqual([{ outcome: 'up', error_class: null, n: expect.any(Number) }]);
    // Every probe the target saw is exactly one stored result, and no due time is stored twice.
    const hits = (await (await stack.fixture('/control/state')).json()).hits;
    const { rows } = await stack.db.query(
      `SELECT c.url, count(*)::int AS results, count(DISTINCT r.scheduled_at)::int AS due_times
         FROM results r JOIN checks c ON c.id = r.check_id WHERE r.check_id = ANY($1) GROUP BY c.url`,
      [checkIds],
    );
    for (const row of rows) {
      expect(row.results).toBe(row.due_times);
      const hitCount = hits[new URL(row.url).pathname];
      // A probe may be in flight between the target's count and the insert: at most one ahead.
      expect(hitCount - row.results).toBeGreaterThanOrEqual(0);
      expect(hitCount - row.results).toBeLessThanOrEqual(1);
    }
  }, 5 * 60_000);

  it('opens an incident and delivers a webhook to the receiver container when the target fails', async () => {
    const created = await account.browser.submit('/channels', '/channels/new', { name: 'receiver', kind: 'webhook', target: 'http://fixtures:8080/webhook' });
    expect(created.status).toBe(303);
    const channelId = (await stack.db.query(`SELECT id FROM notification_channels WHERE name = 'receiver'`)).rows[0].id;
    for (const id of checkIds) {
      expect((await account.api(`/checks/${id}`, { method: 'PATCH', body: JSON.stringify({ channelIds: [channelId] }) })).status).toBe(200);
    }
    expect((await stack.fixture('/control/fail', 'POST')).status).toBe(204);
    const incident = await waitFor('an open incident', async () => (await stack.db.query(`SELECT id FROM incidents WHERE resolved_at IS NULL AND check_id = ANY($1) LIMIT 1`, [checkIds])).rows[0], { seconds: 120 });
    expect(incident.id).toBeTruthy();
    const webhook = await waitFor('a webhook at the receiver', async () => (await (await stack.fixture('/control/state')).json()).webhooks.find((w) => w.body.event === 'down'), { seconds: 120 });
    expect(webhook.body.text).toMatch(/down/i);
    expect(webhook.headers['idempotency-key']).toBeTruthy();
  }, 5 * 60_000);

  it('down leaves nothing of the project running', async () => {
    await stack.stop();
    const containers = await stack.podman('ps', '-a', '--filter', `label=io.podman.compose.project=${stack.project}`, '--format', '{{.Names}}');
    expect(containers).toBe('');
    const volumes = await stack.podman('volume', 'ls', '--filter', `label=io.podman.compose.project=${stack.project}`, '--format', '{{.Name}}');
    expect(volumes).toBe('');
    const networks = await stack.podman('network', 'ls', '--filter', `name=${stack.network}`, '--format', '{{.Name}}');
    expect(networks).toBe('');
    stack = undefined;
  }, 5 * 60_000);
});
