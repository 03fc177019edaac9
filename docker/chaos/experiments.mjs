// The chaos experiments, in the order they run. Each `run` injects its fault, observes, ends the
// fault (restarting what it killed, as ECS would replace a stopped task) and returns
// { ok, observations, faultEndedAt, recoveredAt? } (recoveredAt when the experiment saw the recovery
// itself before observing longer). `fis` names the AWS FIS template of infra/constructs/src/chaos.ts
// that plays the same fault in AWS.
import { ready, running } from './steady-state.mjs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const since = (t) => new Date(t).toISOString();

/** Kills a container (SIGKILL), waits, then starts it again unless its restart policy already did. */
async function killAndReplace(stack, service, downMs) {
  await stack.podman('kill', stack.container(service));
  await sleep(downMs);
  if (!(await running(stack, service))) await stack.podman('start', stack.container(service));
  return Date.now();
}

async function incidentsSince(stack, checkIds, t) {
  const { rows } = await stack.db.query(`SELECT count(*)::int AS n FROM incidents WHERE check_id = ANY($1) AND started_at >= $2`, [checkIds, since(t)]);
  return rows[0].n;
}

async function webhooksSince(stack, t) {
  const { webhooks } = await (await stack.fixture('/control/state')).json();
  return webhooks.filter((w) => Date.parse(w.body.occurredAt ?? 0) >= t).length;
}

export const experiments = [
  {
    name: 'beacon-killed',
    fis: 'stop-task (beacon)',
    hypothesis: 'probes while the beacon is gone are recorded as probe-infrastructure errors, no alert fires, probing resumes when it is back',
    async run({ stack, checkIds, short }) {
      const t0 = Date.now();
      const faultEndedAt = await killAndReplace(stack, 'beacon', short ? 12_000 : 25_000);
      const { rows } = await stack.db.query(
        `SELECT outcome, count(*)::int AS n FROM results WHERE check_id = ANY($1) AND started_at >= $2 GROUP BY outcome`,
        [checkIds, since(t0)],
      );
      const byOutcome = Object.fromEntries(rows.map((r) => [r.outcome, r.n]));
      const observations = { results: byOutcome, incidents: await incidentsSince(stack, checkIds, t0), webhooks: await webhooksSince(stack, t0) };
      return { ok: (byOutcome.infra_error ?? 0) > 0 && !byOutcome.down && observations.incidents === 0 && observations.webhooks === 0, observations, faultEndedAt };
    },
  },
  {
    name: 'worker-killed-mid-round',
    fis: 'stop-task (worker)',
    hypothesis: 'no due time is missed (a killed worker\'s leased checks are re-claimed after one lease) and none is probed twice',
    async run({ stack, checkIds, short }) {
      const t0 = Date.now();
      const faultEndedAt = await killAndReplace(stack, 'worker-1', short ? 10_000 : 20_000);
      while (!(await ready(stack, 'worker-1')) && Date.now() - faultEndedAt < 60_000) await sleep(200);
      const recoveredAt = Date.now();
      // Lease: timeout (5 s) + WORKER_LEASE_MARGIN_SECONDS (15 s); let the re-claims land.
      await sleep(Math.max(0, 25_000 - (Date.now() - faultEndedAt)));
      const { rows } = await stack.db.query(
        `SELECT check_id,
                count(*)::int AS results,
                count(DISTINCT scheduled_at)::int AS due_times,
                max(extract(epoch FROM started_at - scheduled_at))::float AS max_lag_seconds,
                max(gap)::float AS max_gap_seconds
           FROM (SELECT *, extract(epoch FROM scheduled_at - lag(scheduled_at) OVER (PARTITION BY check_id ORDER BY scheduled_at)) AS gap
                   FROM results WHERE check_id = ANY($1) AND scheduled_at >= $2) r
          GROUP BY check_id`,
        [checkIds, since(t0 - 30_000)],
      );
      const duplicates = rows.reduce((n, r) => n + r.results - r.due_times, 0);
      const maxGap = Math.max(...rows.map((r) => r.max_gap_seconds ?? 0));
      const maxLag = Math.max(...rows.map((r) => r.max_lag_seconds ?? 0));
      const observations = { duplicates, maxGapSeconds: maxGap, maxLagSeconds: Math.round(maxLag * 10) / 10 };
      // Due times advance by exactly the interval when none is missed; a late one is at most a lease late.
      return { ok: duplicates === 0 && maxGap <= 10.001 && maxLag <= 5 + 15 + 3, observations, faultEndedAt, recoveredAt };
    },
  },
  {
    name: 'postgres-stopped',
    fis: 'reboot-database (RDS reboot with failover)',
    hypothesis: 'services stay up while Postgres is gone, readiness fails, everything recovers without a restart loop, no accepted result is lost',
    async run({ stack, checkIds, short }) {
      const accepted = (await stack.db.query(`SELECT count(*)::int AS n FROM results WHERE check_id = ANY($1)`, [checkIds])).rows[0].n;
      const restarts = async () => Number(await stack.podman('inspect', stack.container('worker-1'), stack.container('frontend'), '--format', '{{.RestartCount}}').then((out) => out.split('\n').reduce((a, b) => a + Number(b), 0)));
      const restartsBefore = await restarts();
      await stack.podman('stop', '-t', '5', stack.container('postgres'));
      await sleep(5_000);
      const readyWhileDown = { frontend: await ready(stack, 'frontend'), worker: await ready(stack, 'worker-1') };
      const runningWhileDown = (await Promise.all(['beacon', 'worker-1', 'worker-2', 'frontend'].map((s) => running(stack, s)))).every(Boolean);
      await sleep(short ? 5_000 : 15_000);
      await stack.podman('start', stack.container('postgres'));
      const faultEndedAt = Date.now();
      await sleep(2_000);
      const kept = (await stack.db.query(`SELECT count(*)::int AS n FROM results WHERE check_id = ANY($1) AND started_at < $2`, [checkIds, since(faultEndedAt - (short ? 10_000 : 20_000))]).catch(() => ({ rows: [{ n: -1 }] }))).rows[0].n;
      const observations = { readyWhileDown, runningWhileDown, restartsDuringFault: (await restarts()) - restartsBefore, acceptedBefore: accepted, acceptedKept: kept };
      return { ok: !readyWhileDown.frontend && !readyWhileDown.worker && runningWhileDown && observations.restartsDuringFault === 0 && kept >= accepted, observations, faultEndedAt };
    },
  },
  {
    name: 'frontend-killed',
    fis: 'stop-task (frontend)',
    hypothesis: 'probing goes on while the frontend is gone',
    async run({ stack, checkIds, short }) {
      const count = async () => (await stack.db.query(`SELECT count(*)::int AS n FROM results WHERE check_id = ANY($1)`, [checkIds])).rows[0].n;
      const before = await count();
      await stack.podman('kill', stack.container('frontend'));
      await sleep(short ? 12_000 : 25_000);
      const during = (await count()) - before;
      if (!(await running(stack, 'frontend'))) await stack.podman('start', stack.container('frontend'));
      return { ok: during >= checkIds.length, observations: { resultsWhileFrontendDown: during }, faultEndedAt: Date.now() };
    },
  },
  {
    name: 'target-latency-2s',
    fis: 'task-network-latency (aws:ecs:task-network-latency, not yet a template)',
    hypothesis: '2 s of latency at the target makes its checks degraded, not down, and opens no incident',
    async run({ stack, checkIds, short }) {
      const t0 = Date.now();
      await stack.fixture('/control/delay?ms=2000', 'POST');
      const states = async () => Object.fromEntries((await stack.db.query(`SELECT state, count(*)::int AS n FROM checks WHERE id = ANY($1) GROUP BY state`, [checkIds])).rows.map((r) => [r.state, r.n]));
      let seen = {};
      const deadline = Date.now() + (short ? 35_000 : 60_000);
      while (Date.now() < deadline) {
        seen = await states();
        if (seen.degraded === checkIds.length) break;
        await sleep(1_000);
      }
      const down = (await stack.db.query(`SELECT count(*)::int AS n FROM results WHERE check_id = ANY($1) AND started_at >= $2 AND outcome = 'down'`, [checkIds, since(t0)])).rows[0].n;
      await stack.fixture('/control/delay?ms=0', 'POST');
      const observations = { states: seen, downResults: down, incidents: await incidentsSince(stack, checkIds, t0) };
      return { ok: seen.degraded === checkIds.length && down === 0 && observations.incidents === 0, observations, faultEndedAt: Date.now() };
    },
  },
];
