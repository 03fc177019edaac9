import { withTransaction, type Pool, type PoolClient } from '@pingdummy/shared';
import type { ClaimedCheck } from './claim-due-checks.js';
import { decideState, type StateAfter } from './decide-state.js';
import type { RoundResult } from './probe-round.js';
import { addToRollups } from './rollups.js';
import { checksInMaintenance } from './maintenance.js';
import { openIncidentAfterMaintenance, recordStateChange, type StateChange } from './state-changes.js';

export interface RecordSummary {
  /** Result rows written (rows already present from an earlier attempt are not counted). */
  inserted: number;
  /** Checks advanced to their next due time by this worker. */
  advanced: number;
  /** Checks whose lease had passed to another worker: their results are kept, their state is not ours to change. */
  fenced: number;
  stateChanges: number;
  /** The earliest next due time among the checks advanced, null when none was. */
  nextDueAt: Date | null;
  /** Each state change and the incident it opened or resolved (or opened after a maintenance window), to be logged after the commit. */
  changes: StateChange[];
}

/**
 * The next due time: one interval after the one just probed. A worker further behind than `backlogMs` (or one
 * interval, when longer) skips to the next due time in the future instead of probing a backlog in a burst.
 * `backlogMs` is the check's lease: the time a crashed worker's checks wait before another worker re-claims
 * them, so a crash misses no due time (the chaos run's worker-killed experiment), while a worker behind by
 * more (overloaded, or everything stopped for a while) does not burst.
 */
export function nextDueAt(scheduledAt: Date, intervalSeconds: number, now: Date, backlogMs = 0): Date {
  const interval = intervalSeconds * 1000;
  let next = scheduledAt.getTime() + interval;
  if (next < now.getTime() - Math.max(interval, backlogMs)) next += Math.ceil((now.getTime() - next) / interval) * interval;
  return new Date(next);
}

/**
 * Writes a probed round in one transaction:
 * 1. Results in bulk; the key (check, due time, region) makes a retry a no-op.
 * 2. Rollups from the rows that were really inserted, so nothing is counted twice.
 * 3. Each check's new state, counters and next due time, only where this worker still holds the lease
 *    (owner and attempt match): a stale worker cannot move a check that another re-claimed.
 * 4. Incidents and outbox deliveries for the checks whose state changed, none for rounds inside a maintenance
 *    window; a check still down at its first round after a window gets its incident then.
 * The statements that run every round are prepared (they have a name): each connection plans them once and
 * reuses that generic plan. Planned afresh with the round's arrays, the checks update joined by reading every
 * check (a hash join: 1,000 rows for a round of 130); the generic plan looks each check up by its key. The
 * maintenance test no longer costs 0.7 ms of planning a round either. test/prepared-statements.test.ts checks
 * that the generic plans stay index plans.
 */
export async function recordRound(
  pool: Pool,
  owner: string,
  checks: ClaimedCheck[],
  results: RoundResult[],
  publicUrl: string,
  /** WORKER_LEASE_MARGIN_SECONDS: with a check's timeout, how long its lease lasts (see nextDueAt). */
  leaseMarginSeconds: number,
): Promise<RecordSummary> {
  return withTransaction(pool, async (client) => {
    const inserted = await client.query({
      name: 'insert-results',
      text: `INSERT INTO results (check_id, scheduled_at, region, started_at, outcome, status_code, latency_ms, dns_ms,
                            connect_ms, tls_ms, ttfb_ms, error_class, error_message, tls_expires_at)
       SELECT * FROM unnest($1::uuid[], $2::timestamptz[], $3::text[], $4::timestamptz[], $5::text[], $6::int[],
                            $7::int[], $8::int[], $9::int[], $10::int[], $11::int[], $12::text[], $13::text[],
                            $14::timestamptz[])
       ON CONFLICT DO NOTHING
       RETURNING check_id, scheduled_at, region, outcome, latency_ms`,
      values: [
        results.map((r) => r.checkId),
        results.map((r) => r.scheduledAt),
        results.map((r) => r.region),
        results.map((r) => r.startedAt),
        results.map((r) => r.outcome),
        results.map((r) => r.statusCode),
        results.map((r) => r.latencyMs),
        results.map((r) => r.dnsMs),
        results.map((r) => r.connectMs),
        results.map((r) => r.tlsMs),
        results.map((r) => r.ttfbMs),
        results.map((r) => r.errorClass),
        results.map((r) => r.errorMessage),
        results.map((r) => r.tlsExpiresAt),
      ],
    });
    const inMaintenance = await checksInMaintenance(client, checks);
    await addToRollups(
      client,
      inserted.rows.map((row) => ({
        checkId: row.check_id,
        scheduledAt: row.scheduled_at,
        region: row.region,
        outcome: row.outcome,
        latencyMs: row.latency_ms,
        inMaintenance: inMaintenance.has(row.check_id),
      })),
    );

    const resultsByCheck = new Map<string, RoundResult[]>();
    for (const result of results) {
      const list = resultsByCheck.get(result.checkId) ?? [];
      list.push(result);
      resultsByCheck.set(result.checkId, list);
    }
    const now = new Date();
    const decisions = new Map<string, StateAfter>();
    const ordered = [...checks].sort((a, b) => (a.id < b.id ? -1 : 1));
    for (const check of ordered) {
      decisions.set(check.id, decideState(check, (resultsByCheck.get(check.id) ?? []).map((r) => r.outcome)));
    }
    const latencyOf = (check: ClaimedCheck) => {
      const answered = (resultsByCheck.get(check.id) ?? []).filter((r) => r.latencyMs !== null && r.outcome !== 'down');
      return answered.length ? Math.round(answered.reduce((sum, r) => sum + r.latencyMs!, 0) / answered.length) : null;
    };
    const nextDueTimes = ordered.map((check) =>
      nextDueAt(check.scheduledAt, check.intervalSeconds, now, check.timeoutMs + leaseMarginSeconds * 1000),
    );
    const advanced = await client.query({
      name: 'advance-checks',
      text: `UPDATE checks c
          SET state = u.state,
              consecutive_failures = u.failures,
              consecutive_successes = u.successes,
              state_changed_at = CASE WHEN u.state <> c.state THEN u.scheduled_at ELSE c.state_changed_at END,
              last_probed_at = CASE WHEN u.counted THEN now() ELSE c.last_probed_at END,
              last_latency_ms = CASE WHEN u.counted THEN u.latency ELSE c.last_latency_ms END,
              next_due_at = u.next_due_at,
              lease_owner = NULL,
              lease_expires_at = NULL
         FROM unnest($2::uuid[], $3::bigint[], $4::text[], $5::int[], $6::int[], $7::boolean[], $8::int[],
                     $9::timestamptz[], $10::timestamptz[])
           AS u(id, attempt, state, failures, successes, counted, latency, scheduled_at, next_due_at)
        WHERE c.id = u.id AND c.lease_attempt = u.attempt AND c.lease_owner = $1
        RETURNING c.id`,
      values: [
        owner,
        ordered.map((check) => check.id),
        ordered.map((check) => check.leaseAttempt),
        ordered.map((check) => decisions.get(check.id)!.state),
        ordered.map((check) => decisions.get(check.id)!.consecutiveFailures),
        ordered.map((check) => decisions.get(check.id)!.consecutiveSuccesses),
        ordered.map((check) => decisions.get(check.id)!.counted),
        ordered.map(latencyOf),
        ordered.map((check) => check.scheduledAt),
        nextDueTimes,
      ],
    });
    const ours = new Set(advanced.rows.map((row) => row.id as string));
    const earliestNextDue = Math.min(...nextDueTimes.filter((_, index) => ours.has(ordered[index]!.id)).map((date) => date.getTime()));
    const changes: StateChange[] = [];
    const stillDown: ClaimedCheck[] = [];
    for (const check of ordered) {
      const after = decisions.get(check.id)!;
      if (!ours.has(check.id)) continue;
      const results = resultsByCheck.get(check.id) ?? [];
      if (after.state !== check.state) {
        changes.push(await recordStateChange(client, check, after.state, results, publicUrl, inMaintenance.has(check.id)));
      } else if (after.state === 'down' && !inMaintenance.has(check.id)) {
        stillDown.push(check);
      }
    }
    const stateChanges = changes.length;
    for (const check of await withoutOpenIncident(client, stillDown)) {
      const opened = await openIncidentAfterMaintenance(client, check, resultsByCheck.get(check.id) ?? [], publicUrl);
      if (opened) changes.push(opened);
    }
    return {
      inserted: inserted.rowCount ?? 0,
      advanced: ours.size,
      fenced: checks.length - ours.size,
      stateChanges,
      nextDueAt: Number.isFinite(earliestNextDue) ? new Date(earliestNextDue) : null,
      changes,
    };
  });
}

/** The down checks that have no open incident: their outage began inside a maintenance window. */
async function withoutOpenIncident(client: PoolClient, downChecks: ClaimedCheck[]): Promise<ClaimedCheck[]> {
  if (downChecks.length === 0) return [];
  const { rows } = await client.query(
    `SELECT u.id::text AS id FROM unnest($1::uuid[]) AS u(id)
     WHERE NOT EXISTS (SELECT 1 FROM incidents i WHERE i.check_id = u.id AND i.resolved_at IS NULL)`,
    [downChecks.map((check) => check.id)],
  );
  const ids = new Set(rows.map((row) => row.id as string));
  return downChecks.filter((check) => ids.has(check.id));
}
