import { buildAlertBody, type AlertEvent, type Logger, type PoolClient } from '@pingdummy/shared';
import type { ClaimedCheck } from './claim-due-checks.js';
import type { CheckState } from './decide-state.js';
import type { RoundResult } from './probe-round.js';

/** Which alert a state change raises; null when it raises none (e.g. pending -> up). */
export function alertFor(before: CheckState, after: CheckState): AlertEvent | null {
  if (before === after) return null;
  if (after === 'down') return 'down';
  if (after === 'degraded') return 'degraded';
  if (after === 'up' && (before === 'down' || before === 'degraded')) return 'up';
  return null;
}

/** A short cause for an incident, from the failing regions of the round. */
export function describeCause(results: RoundResult[]): string {
  const failing = results.filter((result) => result.outcome === 'down');
  if (failing.length === 0) return 'unknown';
  const first = failing[0]!;
  const regions = failing.map((result) => result.region).join(', ');
  return `${first.errorClass ?? 'failure'}: ${first.errorMessage ?? 'probe failed'} (${regions})`.slice(0, 500);
}

/** What recordStateChange did, for the log once the transaction has committed. */
export interface StateChange {
  checkId: string;
  from: CheckState;
  to: CheckState;
  /** The alert put in the outbox; null when the change alerts no one (e.g. pending -> up). */
  event: AlertEvent | null;
  /** The incident this change opened or resolved; null when it did neither. */
  incident: { id: string; action: 'opened' | 'resolved' } | null;
}

/**
 * Records a state change in the same transaction as the results.
 * 1. down: opens an incident (at most one open per check: the unique index makes a repeat a no-op).
 * 2. up after down: resolves the open incident.
 * 3. Puts one delivery per channel of the check in the outbox, with an idempotency key made of the
 *    event, check, due time and channel, so a retried round cannot alert twice.
 * Returns what changed; an incident that was already open (a retried round) is not reported again.
 */
export async function recordStateChange(
  client: PoolClient,
  check: ClaimedCheck,
  after: CheckState,
  results: RoundResult[],
  publicUrl: string,
): Promise<StateChange> {
  const event = alertFor(check.state, after);
  const at = check.scheduledAt;
  let incident: { id: string; started_at: Date; resolved_at: Date | null; cause: string } | undefined;
  if (after === 'down') {
    const opened = await client.query(
      `INSERT INTO incidents (account_id, check_id, started_at, cause) VALUES ($1, $2, $3, $4)
       ON CONFLICT (check_id) WHERE resolved_at IS NULL DO NOTHING
       RETURNING id, started_at, resolved_at, cause`,
      [check.accountId, check.id, at, describeCause(results)],
    );
    incident = opened.rows[0];
  } else if (check.state === 'down') {
    const resolved = await client.query(
      `UPDATE incidents SET resolved_at = greatest($2::timestamptz, started_at)
       WHERE check_id = $1 AND resolved_at IS NULL
       RETURNING id, started_at, resolved_at, cause`,
      [check.id, at],
    );
    incident = resolved.rows[0];
  }
  const change: StateChange = {
    checkId: check.id,
    from: check.state,
    to: after,
    event,
    incident: incident ? { id: incident.id, action: after === 'down' ? 'opened' : 'resolved' } : null,
  };
  if (!event) return change;
  const payload = buildAlertBody({
    event,
    occurredAt: at,
    check: { id: check.id, name: check.name, url: check.url, state: after },
    incident: incident
      ? { id: incident.id, startedAt: incident.started_at, resolvedAt: incident.resolved_at, cause: incident.cause }
      : null,
    cause: event === 'down' ? describeCause(results) : 'slower than its threshold',
    publicUrl,
  });
  await client.query(
    `INSERT INTO deliveries (account_id, channel_id, check_id, incident_id, event, payload, idempotency_key)
     SELECT $1::uuid, cc.channel_id, $2::uuid, $3::uuid, $4::text, $5::jsonb,
            concat_ws(':', $4::text, $2::text, $6::text, cc.channel_id::text)
     FROM check_channels cc WHERE cc.check_id = $2::uuid
     ON CONFLICT (idempotency_key) DO NOTHING`,
    [check.accountId, check.id, incident?.id ?? null, event, JSON.stringify(payload), at.toISOString()],
  );
  return change;
}

/**
 * Logs a committed state change at info, and the incident it opened or resolved as a line of its
 * own, so an operator can follow a check from the logs alone (`checkId`, `from`, `to`, `incidentId`).
 */
export function logStateChange(logger: Logger, change: StateChange): void {
  const fields = { checkId: change.checkId, from: change.from, to: change.to, incidentId: change.incident?.id ?? null };
  logger.info({ ...fields, alert: change.event }, 'check state changed');
  if (change.incident) logger.info(fields, `incident ${change.incident.action}`);
}
