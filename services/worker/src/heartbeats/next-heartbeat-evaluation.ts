import type { Pool } from '@pingdummy/shared';

/**
 * While a heartbeat check is down inside a maintenance window, its incident opens when the window ends
 * (evaluateHeartbeats); evaluation looks again this often until then.
 */
export const MAINTENANCE_RECHECK_MS = 5_000;

/**
 * When heartbeat evaluation next has something to decide on its own: the earliest deadline (`late_at`)
 * of an unpaused heartbeat check that is not down yet, or soon when one is down without an incident
 * (held back by a maintenance window). Pings and schedule edits announce themselves (migration 015's
 * NOTIFY), so they need no polling. Null when no heartbeat check can change by time alone.
 */
export async function nextHeartbeatEvaluationAt(pool: Pool): Promise<Date | null> {
  const { rows } = await pool.query<{ next_deadline: Date | null; down_without_incident: boolean | null }>(
    `SELECT min(h.late_at) FILTER (WHERE c.state <> 'down') AS next_deadline,
            bool_or(c.state = 'down' AND NOT EXISTS (
              SELECT 1 FROM incidents i WHERE i.check_id = c.id AND i.resolved_at IS NULL)) AS down_without_incident
       FROM checks c JOIN heartbeats h ON h.check_id = c.id
      WHERE c.kind = 'heartbeat' AND NOT c.paused`,
  );
  const { next_deadline: deadline, down_without_incident: heldBack } = rows[0]!;
  const recheck = heldBack ? new Date(Date.now() + MAINTENANCE_RECHECK_MS) : null;
  if (deadline && recheck) return deadline < recheck ? deadline : recheck;
  return deadline ?? recheck;
}
