import { checkDefinitionColumns, checkDefinitionFromRow, withTransaction, type Pool } from '@pingdummy/shared';
import type { ClaimedCheck } from '../claim-due-checks.js';
import type { RoundResult } from '../probe-round.js';
import { recordStateChange, type StateChange } from '../state-changes.js';

/** What a heartbeat check's pings say: late (past its deadline), failed (a /fail ping after the last success), ok. */
type Verdict = 'late' | 'failed' | 'ok';

/** The verdict in SQL; 'new' (never pinged, not yet late) changes nothing. */
const VERDICT_SQL = `CASE
  WHEN h.late_at <= now() THEN 'late'
  WHEN h.last_fail_at IS NOT NULL AND (h.last_success_at IS NULL OR h.last_fail_at > h.last_success_at) THEN 'failed'
  WHEN h.last_success_at IS NOT NULL THEN 'ok'
  ELSE 'new' END`;

/** The round result that stands for a heartbeat verdict, so incidents and alerts read like a probe's ("late: ..."). */
function verdictResult(checkId: string, verdict: Verdict, at: Date): RoundResult {
  const message =
    verdict === 'late' ? `no ping by ${at.toISOString()} (schedule plus grace)` : verdict === 'failed' ? 'the job sent a /fail ping' : 'ping received';
  return {
    checkId,
    scheduledAt: at,
    region: 'heartbeat',
    startedAt: at,
    outcome: verdict === 'ok' ? 'up' : 'down',
    statusCode: null,
    latencyMs: null,
    dnsMs: null,
    connectMs: null,
    tlsMs: null,
    ttfbMs: null,
    errorClass: verdict === 'ok' ? null : verdict === 'late' ? 'late' : 'fail_ping',
    errorMessage: verdict === 'ok' ? null : message,
    tlsExpiresAt: null,
  };
}

/**
 * Moves heartbeat checks to the state their pings call for, with the same incident and outbox code as a
 * probed round (recordStateChange):
 * 1. In one transaction, locks up to `limit` unpaused heartbeat checks whose verdict disagrees with their
 *    state (late or failed but not down; ok but not up), skipping rows another worker holds (SKIP LOCKED).
 *    NO KEY UPDATE: the frontend's ping writes (whose foreign key takes KEY SHARE) never wait for this.
 * 2. Each becomes down or up as of the moment that decided it (the deadline, the /fail or the success
 *    ping), which also keys the alert's idempotency, so a repeated evaluation cannot alert twice.
 * Returns the state changes, to be logged after the commit; an empty list means nothing changed.
 */
export async function evaluateHeartbeats(pool: Pool, publicUrl: string, limit = 500): Promise<StateChange[]> {
  return withTransaction(pool, async (client) => {
    const { rows } = await client.query(
      `SELECT ${checkDefinitionColumns('c')}, c.state, c.consecutive_failures, c.consecutive_successes,
              v.verdict, h.late_at, h.last_fail_at, h.last_success_at
         FROM checks c
         JOIN heartbeats h ON h.check_id = c.id
         CROSS JOIN LATERAL (SELECT ${VERDICT_SQL} AS verdict) v
        WHERE c.kind = 'heartbeat' AND NOT c.paused
          AND ((v.verdict IN ('late', 'failed') AND c.state <> 'down') OR (v.verdict = 'ok' AND c.state <> 'up'))
        ORDER BY c.id
        LIMIT $1
        FOR NO KEY UPDATE OF c SKIP LOCKED`,
      [limit],
    );
    const changes: StateChange[] = [];
    for (const row of rows) {
      const verdict = row.verdict as Verdict;
      const at: Date = verdict === 'late' ? row.late_at : verdict === 'failed' ? row.last_fail_at : row.last_success_at;
      const after = verdict === 'ok' ? 'up' : 'down';
      const check: ClaimedCheck = {
        ...checkDefinitionFromRow(row),
        state: row.state,
        consecutiveFailures: row.consecutive_failures,
        consecutiveSuccesses: row.consecutive_successes,
        scheduledAt: at,
        leaseAttempt: '0',
      };
      await client.query(
        `UPDATE checks SET state = $2, state_changed_at = $3, consecutive_failures = $4, consecutive_successes = $5
          WHERE id = $1`,
        [check.id, after, at, after === 'down' ? 1 : 0, after === 'up' ? 1 : 0],
      );
      changes.push(await recordStateChange(client, check, after, [verdictResult(check.id, verdict, at)], publicUrl));
    }
    return changes;
  });
}
