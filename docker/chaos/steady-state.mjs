// The steady-state hypothesis of every chaos experiment: all five containers running and ready, and
// every check probed "up" within the last two intervals.

const SERVICES = ['beacon', 'worker-1', 'worker-2', 'frontend'];

/** /readyz of a service, asked from inside its own container (only the frontend is published). */
export async function ready(stack, service) {
  const port = { beacon: 3001, 'worker-1': 3002, 'worker-2': 3002, frontend: 3000 }[service];
  const script = `fetch('http://127.0.0.1:${port}/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))`;
  return stack.podman('exec', stack.container(service), 'node', '-e', script).then(
    () => true,
    () => false,
  );
}

export async function running(stack, service) {
  return (await stack.podman('inspect', stack.container(service), '--format', '{{.State.Running}}').catch(() => 'false')) === 'true';
}

/** @returns {Promise<{ holds: boolean, notReady: string[], checksNotUp: number }>} */
export async function steadyState({ stack, checkIds, intervalSeconds }) {
  const notReady = [];
  for (const service of SERVICES) if (!(await ready(stack, service))) notReady.push(service);
  let checksNotUp = checkIds.length;
  try {
    const { rows } = await stack.db.query(
      `SELECT count(*)::int AS up FROM checks c
        WHERE c.id = ANY($1) AND c.state = 'up'
          AND EXISTS (SELECT 1 FROM results r WHERE r.check_id = c.id AND r.outcome = 'up' AND r.started_at > now() - make_interval(secs => $2))`,
      [checkIds, intervalSeconds * 2],
    );
    checksNotUp = checkIds.length - rows[0].up;
  } catch {
    // The database is down: not the steady state.
  }
  return { holds: notReady.length === 0 && checksNotUp === 0, notReady, checksNotUp };
}
