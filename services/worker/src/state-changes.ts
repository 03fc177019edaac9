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
  /** The alert put in the outbox; null when the change alerts no one (e.g. pending -> up, or inside maintenance). */
  event: AlertEvent | null;
  /** The incident this change opened or resolved; null when it did neither. */
  incident: { id: string; action: 'opened' | 'resolved' } | null;
  /** The round fell inside a maintenance window: no incident was opened and no alert sent. */
  maintenance: boolean;
}

interface IncidentRow {
  id: string;
  started_at: Date;
  resolved_at: Date | null;
  cause: string;
}

/** Opens the check's incident at `at`; undefined when one is already open (the unique index makes a repeat a no-op). */
async function openIncident(client: PoolClient, check: ClaimedCheck, cause: string): Promise<IncidentRow | undefined> {
  const opened = await client.query(
    `INSERT INTO incidents (account_id, check_id, started_at, cause) VALUES ($1, $2, $3, $4)
     ON CONFLICT (check_id) WHERE resolved_at IS NULL DO NOTHING
     RETURNING id, started_at, resolved_at, cause`,
    [check.accountId, check.id, check.scheduledAt, cause],
  );
  return opened.rows[0];
}

/**
 * Puts one delivery per channel of the check in the outbox, with an idempotency key made of the event, check,
 * due time and channel, so a retried round cannot alert twice.
 */
async function queueAlert(
  client: PoolClient,
  check: ClaimedCheck,
  event: AlertEvent,
  after: CheckState,
  incident: IncidentRow | undefined,
  cause: string,
  publicUrl: string,
): Promise<void> {
  const at = check.scheduledAt;
  const payload = buildAlertBody({
    event,
    occurredAt: at,
    check: { id: check.id, name: check.name, url: check.url, state: after },
    incident: incident
      ? { id: incident.id, startedAt: incident.started_at, resolvedAt: incident.resolved_at, cause: incident.cause }
      : null,
    cause,
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
}

/**
 * Records a state change in the same transaction as the results: the one place where incidents are opened
 * and alerts queued.
 * 1. down: opens an incident (at most one open per check: the unique index makes a repeat a no-op), unless
 *    the round is inside a maintenance window.
 * 2. up after down: resolves the open incident (inside a window too: the check did recover).
 * 3. Outside maintenance, queues the alert (queueAlert). Inside, none; nor an "up" for an outage that was
 *    never announced (it began inside a window and had no incident).
 * Returns what changed; an incident that was already open (a retried round) is not reported again.
 */
export async function recordStateChange(
  client: PoolClient,
  check: ClaimedCheck,
  after: CheckState,
  results: RoundResult[],
  publicUrl: string,
  inMaintenance = false,
): Promise<StateChange> {
  let incident: IncidentRow | undefined;
  if (after === 'down') {
    if (!inMaintenance) incident = await openIncident(client, check, describeCause(results));
  } else if (check.state === 'down') {
    const resolved = await client.query(
      `UPDATE incidents SET resolved_at = greatest($2::timestamptz, started_at)
       WHERE check_id = $1 AND resolved_at IS NULL
       RETURNING id, started_at, resolved_at, cause`,
      [check.id, check.scheduledAt],
    );
    incident = resolved.rows[0];
  }
  const unannouncedRecovery = check.state === 'down' && after !== 'down' && !incident;
  const event = inMaintenance || unannouncedRecovery ? null : alertFor(check.state, after);
  const change: StateChange = {
    checkId: check.id,
    from: check.state,
    to: after,
    event,
    incident: incident ? { id: incident.id, action: after === 'down' ? 'opened' : 'resolved' } : null,
    maintenance: inMaintenance,
  };
  if (!event) return change;
  await queueAlert(client, check, event, after, incident, event === 'down' ? describeCause(results) : 'slower than its threshold', publicUrl);
  return change;
}

/**
 * A check that went down inside a maintenance window and is still down at its first round outside one: opens
 * the incident now (started at this round's due time) and sends the "down" alert, as if it had just gone down.
 * The caller passes only checks that stayed down and are outside maintenance; one without an open incident is
 * exactly one whose outage began inside a window (otherwise going down opened one).
 */
export async function openIncidentAfterMaintenance(
  client: PoolClient,
  check: ClaimedCheck,
  results: RoundResult[],
  publicUrl: string,
): Promise<StateChange | null> {
  const cause = `still down after maintenance: ${describeCause(results)}`.slice(0, 500);
  const incident = await openIncident(client, check, cause);
  if (!incident) return null;
  await queueAlert(client, check, 'down', 'down', incident, cause, publicUrl);
  return { checkId: check.id, from: 'down', to: 'down', event: 'down', incident: { id: incident.id, action: 'opened' }, maintenance: false };
}

/**
 * Logs a committed state change at info, and the incident it opened or resolved as a line of its
 * own, so an operator can follow a check from the logs alone (`checkId`, `from`, `to`, `incidentId`).
 */
export function logStateChange(logger: Logger, change: StateChange): void {
  const fields = { checkId: change.checkId, from: change.from, to: change.to, incidentId: change.incident?.id ?? null };
  // An incident opened after a maintenance window changes no state: only the incident line is logged.
  if (change.from !== change.to) logger.info({ ...fields, alert: change.event, maintenance: change.maintenance }, 'check state changed');
  if (change.incident) logger.info(fields, `incident ${change.incident.action}`);
}
