import { checkDefinitionColumns, checkDefinitionFromRow, withTransaction, type Pool } from '@pingdummy/shared';
import type { PoolClient } from '@pingdummy/shared';
import type { ClaimedCheck } from '../claim-due-checks.js';
import { checksInMaintenance } from '../maintenance.js';
import type { RoundResult } from '../probe-round.js';
import { openIncidentAfterMaintenance, recordStateChange, type StateChange } from '../state-changes.js';
import { unmeasuredResult } from '../unmeasured-result.js';

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
  return unmeasuredResult({
    checkId,
    scheduledAt: at,
    region: 'heartbeat',
    startedAt: at,
    outcome: verdict === 'ok' ? 'up' : 'down',
    errorClass: verdict === 'ok' ? null : verdict === 'late' ? 'late' : 'fail_ping',
    errorMessage: verdict === 'ok' ? null : message,
  });
}

/** A heartbeat check's row as the round the state-change code expects, due at `at`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a pg row, read as checkDefinitionFromRow reads it
function heartbeatAsRound(row: any, at: Date): ClaimedCheck {
  return {
    ...checkDefinitionFromRow(row),
    state: row.state,
    consecutiveFailures: row.consecutive_failures,
    consecutiveSuccesses: row.consecutive_successes,
    scheduledAt: at,
    leaseAttempt: '0',
  };
}

/**
 * Moves heartbeat checks to the state their pings call for, with the same incident and outbox code as a
 * probed round (recordStateChange):
 * 1. In one transaction, locks up to `limit` unpaused heartbeat checks whose verdict disagrees with their
 *    state (late or failed but not down; ok but not up), skipping rows another worker holds (SKIP LOCKED).
 *    NO KEY UPDATE: the frontend's ping writes (whose foreign key takes KEY SHARE) never wait for this.
 * 2. Each becomes down or up as of the moment that decided it (the deadline, the /fail or the success
 *    ping), which also keys the alert's idempotency, so a repeated evaluation cannot alert twice. A moment
 *    inside a maintenance window opens no incident and alerts no one, as for a probed round.
 * 3. Opens the incident of heartbeat checks that went down inside a window and are still down now that it is
 *    over (openIncidentsAfterMaintenance).
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
    const momentOf = (row: (typeof rows)[number]): Date =>
      row.verdict === 'late' ? row.late_at : row.verdict === 'failed' ? row.last_fail_at : row.last_success_at;
    const inMaintenance = await checksInMaintenance(
      client,
      rows.map((row) => ({ id: row.id, accountId: row.account_id, scheduledAt: momentOf(row) })),
    );
    const changes: StateChange[] = [];
    for (const row of rows) {
      const verdict = row.verdict as Verdict;
      const at = momentOf(row);
      const after = verdict === 'ok' ? 'up' : 'down';
      const check = heartbeatAsRound(row, at);
      await client.query(
        `UPDATE checks SET state = $2, state_changed_at = $3, consecutive_failures = $4, consecutive_successes = $5
          WHERE id = $1`,
        [check.id, after, at, after === 'down' ? 1 : 0, after === 'up' ? 1 : 0],
      );
      const results = [verdictResult(check.id, verdict, at)];
      changes.push(await recordStateChange(client, check, after, results, publicUrl, inMaintenance.has(check.id)));
    }
    changes.push(...(await openIncidentsAfterMaintenance(client, publicUrl, limit)));
    return changes;
  });
}

/**
 * The heartbeat checks that went down inside a maintenance window (so without an incident) and are still late
 * or failed now that no window covers them: opens each one's incident as of now and sends the "down" alert, as
 * a probed check gets at its first round after the window. Returns the incidents opened.
 */
async function openIncidentsAfterMaintenance(client: PoolClient, publicUrl: string, limit: number): Promise<StateChange[]> {
  const { rows } = await client.query(
    `SELECT ${checkDefinitionColumns('c')}, c.state, c.consecutive_failures, c.consecutive_successes, v.verdict, now() AS now,
            h.late_at
       FROM checks c
       JOIN heartbeats h ON h.check_id = c.id
       CROSS JOIN LATERAL (SELECT ${VERDICT_SQL} AS verdict) v
      WHERE c.kind = 'heartbeat' AND NOT c.paused AND c.state = 'down' AND v.verdict IN ('late', 'failed')
        AND NOT EXISTS (SELECT 1 FROM incidents i WHERE i.check_id = c.id AND i.resolved_at IS NULL)
      ORDER BY c.id
      LIMIT $1
      FOR NO KEY UPDATE OF c SKIP LOCKED`,
    [limit],
  );
  const inMaintenance = await checksInMaintenance(
    client,
    rows.map((row) => ({ id: row.id, accountId: row.account_id, scheduledAt: row.now })),
  );
  const changes: StateChange[] = [];
  for (const row of rows) {
    if (inMaintenance.has(row.id)) continue;
    const verdict = row.verdict as Verdict;
    const check = heartbeatAsRound(row, row.now);
    const opened = await openIncidentAfterMaintenance(client, check, [verdictResult(check.id, verdict, verdict === 'late' ? row.late_at : row.now)], publicUrl);
    if (opened) changes.push(opened);
  }
  return changes;
}
