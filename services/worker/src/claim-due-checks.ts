import { checkDefinitionColumns, checkDefinitionFromRow, type CheckDefinition, type Pool } from '@pingdummy/shared';

/** A check leased by this worker for one due time. */
export interface ClaimedCheck extends CheckDefinition {
  state: 'pending' | 'up' | 'down' | 'degraded';
  consecutiveFailures: number;
  consecutiveSuccesses: number;
  /** The due time being probed; with the region it is the idempotency key of a result. */
  scheduledAt: Date;
  /** Fencing token: only the holder of this attempt may advance the check. */
  leaseAttempt: string;
}

/**
 * The checks the probe engine claims: unpaused, and not heartbeat checks (nobody probes them, their pings
 * come to the frontend). claimDueChecks and nextClaimableAt share it, so a sleeping scheduler never waits
 * for a check it would not claim (a heartbeat check's due time never moves, so it would look due forever).
 */
const PROBED_CHECKS = `NOT paused AND kind <> 'heartbeat'`;

/**
 * Claims up to `limit` checks due within `lookaheadMs` for `owner`.
 * 1. Picks unpaused checks whose due time comes within the lookahead and whose lease is free or
 *    expired, oldest first, skipping rows another replica is claiming right now (SKIP LOCKED).
 *    Heartbeat checks are never claimed: nobody probes them, their pings come to the frontend.
 * 2. Writes the lease (owner, expiry = due time + timeout + margin, attempt + 1) in the same statement,
 *    so the row lock ends with the statement: no lock is held while probing.
 * The lookahead lets a tick that runs once a second start each probe at its due time, not up to a
 * second late.
 * Returns the claimed checks; an empty list means nothing is due (or others took it), not an error.
 */
export async function claimDueChecks(
  pool: Pool,
  owner: string,
  limit: number,
  leaseMarginSeconds: number,
  lookaheadMs = 0,
): Promise<ClaimedCheck[]> {
  // Prepared (named), so each connection plans it once. The update reaches the claimed rows by key
  // (`id = ANY(ARRAY(...))`): joined to the CTE instead, Postgres hashed it and read every check to find them
  // (a seq scan of 32,000 rows per claim at 32,000 checks), and a generic plan did so at any limit.
  const { rows } = await pool.query({
    name: 'claim-due-checks',
    text: `WITH due AS (
       SELECT id FROM checks
       WHERE ${PROBED_CHECKS} AND next_due_at <= now() + make_interval(secs => $4 / 1000.0)
         AND (lease_expires_at IS NULL OR lease_expires_at < now())
       ORDER BY next_due_at
       LIMIT $2
       FOR UPDATE SKIP LOCKED
     )
     UPDATE checks c
        SET lease_owner = $1,
            lease_expires_at = greatest(now(), c.next_due_at) + make_interval(secs => c.timeout_ms / 1000.0 + $3),
            lease_attempt = c.lease_attempt + 1
      WHERE c.id = ANY(ARRAY(SELECT id FROM due))
     RETURNING ${checkDefinitionColumns('c')}, c.state, c.consecutive_failures, c.consecutive_successes,
               c.next_due_at, c.lease_attempt`,
    values: [owner, limit, leaseMarginSeconds, lookaheadMs],
  });
  return rows.map((row) => ({
    ...checkDefinitionFromRow(row),
    state: row.state,
    consecutiveFailures: row.consecutive_failures,
    consecutiveSuccesses: row.consecutive_successes,
    scheduledAt: row.next_due_at,
    leaseAttempt: row.lease_attempt,
  }));
}

/**
 * When the next check can be claimed: the earliest due time of a probed check (see PROBED_CHECKS), or for
 * a leased one the later of its due time and its lease expiry (a replica that died frees its checks then).
 * Null when there is no such check.
 */
export async function nextClaimableAt(pool: Pool): Promise<Date | null> {
  const { rows } = await pool.query({
    name: 'next-claimable-at',
    text: `SELECT min(greatest(next_due_at, lease_expires_at)) AS at FROM checks WHERE ${PROBED_CHECKS}`,
  });
  return rows[0].at;
}
