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

/**
 * `since` (ms since the epoch): only probes started after it count, so recovery after a fault means a fresh
 * good probe of every check, not one from before the fault still inside the window.
 * @returns {Promise<{ holds: boolean, notReady: string[], checksNotUp: number }>}
 */
export async function steadyState({ stack, checkIds, intervalSeconds }, since = 0) {
  const notReady = [];
  for (const service of SERVICES) if (!(await ready(stack, service))) notReady.push(service);
  let checksNotUp = checkIds.length;
  try {
    const { rows } = await stack.db.query(
      `SELECT count(*)::int AS up FROM checks c
        WHERE c.id = ANY($1) AND c.state = 'up'
          AND EXISTS (SELECT 1 FROM results r WHERE r.check_id = c.id AND r.outcome = 'up'
                        AND r.started_at > greatest(now() - make_interval(secs => $2), to_timestamp($3 / 1000.0)))`,
      [checkIds, intervalSeconds * 2, since],
    );
    checksNotUp = checkIds.length - rows[0].up;
  } catch {
    // The database is down: not the steady state.
  }
  return { holds: notReady.length === 0 && checksNotUp === 0, notReady, checksNotUp };
}
