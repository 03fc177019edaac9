/**
 * Incident updates: what the owner tells people about an incident (investigating -> identified -> monitoring ->
 * resolved, with a message), kept as a history. They are words for readers: an update "resolved" does not
 * resolve the incident, which ends when the check's probes say it is back up.
 */
import type { Pool } from '@pingdummy/shared';
import { z } from 'zod';
import { isUuid } from './ids.js';
import { parseOrThrow } from './validate-input.js';

export const INCIDENT_UPDATE_STATUSES = ['investigating', 'identified', 'monitoring', 'resolved'] as const;
export type IncidentUpdateStatus = (typeof INCIDENT_UPDATE_STATUSES)[number];
export const INCIDENT_UPDATE_MESSAGE_LIMIT = 5000;

export const IncidentUpdateInput = z.strictObject({
  status: z.enum(INCIDENT_UPDATE_STATUSES).describe('Where the work stands.'),
  message: z
    .string()
    .trim()
    .min(1, 'is required')
    .max(INCIDENT_UPDATE_MESSAGE_LIMIT)
    .describe('What happened and what is being done; plain text, shown on the public status page for public checks.'),
});
export type IncidentUpdateInput = z.input<typeof IncidentUpdateInput>;

export interface IncidentUpdate {
  id: string;
  incidentId: string;
  status: IncidentUpdateStatus;
  message: string;
  createdAt: string;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function toUpdate(row: any): IncidentUpdate {
  return { id: row.id, incidentId: row.incident_id, status: row.status, message: row.message, createdAt: row.created_at.toISOString() };
}

const NEWEST_FIRST = 'ORDER BY u.created_at DESC, u.id';

/** The updates of an incident, newest first; null when the incident is not in this account. */
export async function listIncidentUpdates(db: Pool, accountId: string, incidentId: string): Promise<IncidentUpdate[] | null> {
  if (!isUuid(accountId) || !isUuid(incidentId)) return null;
  const { rows } = await db.query(
    `SELECT i.id AS owned, u.id, u.incident_id, u.status, u.message, u.created_at
     FROM incidents i LEFT JOIN incident_updates u ON u.incident_id = i.id
     WHERE i.id = $1 AND i.account_id = $2 ${NEWEST_FIRST}`,
    [incidentId, accountId],
  );
  if (rows.length === 0) return null;
  return rows.filter((row) => row.id !== null).map(toUpdate);
}

/** Validates (FieldValidationError) and adds an update; null when the incident is not in this account. */
export async function createIncidentUpdate(
  db: Pool,
  accountId: string,
  incidentId: string,
  input: IncidentUpdateInput,
): Promise<IncidentUpdate | null> {
  const update = parseOrThrow(IncidentUpdateInput, input);
  if (!isUuid(accountId) || !isUuid(incidentId)) return null;
  const { rows } = await db.query(
    `INSERT INTO incident_updates (account_id, incident_id, status, message)
     SELECT i.account_id, i.id, $3, $4 FROM incidents i WHERE i.id = $1 AND i.account_id = $2
     RETURNING id, incident_id, status, message, created_at`,
    [incidentId, accountId, update.status, update.message],
  );
  return rows[0] ? toUpdate(rows[0]) : null;
}

/** Deletes one update of an incident; false when it is not in this account. */
export async function deleteIncidentUpdate(db: Pool, accountId: string, incidentId: string, updateId: string): Promise<boolean> {
  if (!isUuid(accountId) || !isUuid(incidentId) || !isUuid(updateId)) return false;
  const { rowCount } = await db.query(`DELETE FROM incident_updates WHERE id = $1 AND incident_id = $2 AND account_id = $3`, [
    updateId,
    incidentId,
    accountId,
  ]);
  return (rowCount ?? 0) > 0;
}

/** An incident as the public status page shows it: times and the owner's updates, never the probe's cause. */
export interface PublicIncident {
  startedAt: string;
  resolvedAt: string | null;
  /** Newest first. */
  updates: { status: IncidentUpdateStatus; message: string; createdAt: string }[];
}

/** How long a resolved incident's updates stay on the status page. */
export const PUBLIC_INCIDENT_DAYS = 7;

/**
 * The incidents with updates of the given checks (callers pass public checks only) that are open or ended less
 * than PUBLIC_INCIDENT_DAYS ago, newest first, keyed by check id.
 */
export async function loadPublicIncidentUpdates(db: Pool, checkIds: readonly string[]): Promise<Map<string, PublicIncident[]>> {
  const byCheck = new Map<string, PublicIncident[]>();
  if (checkIds.length === 0) return byCheck;
  const { rows } = await db.query(
    `SELECT i.id AS incident_id, i.check_id, i.started_at, i.resolved_at, u.status, u.message, u.created_at
     FROM incidents i JOIN incident_updates u ON u.incident_id = i.id
     WHERE i.check_id = ANY($1::uuid[]) AND (i.resolved_at IS NULL OR i.resolved_at > now() - $2::int * interval '1 day')
     ORDER BY i.started_at DESC, i.id, u.created_at DESC, u.id`,
    [checkIds, PUBLIC_INCIDENT_DAYS],
  );
  const incidents = new Map<string, PublicIncident>();
  for (const row of rows) {
    let incident = incidents.get(row.incident_id);
    if (!incident) {
      incident = { startedAt: row.started_at.toISOString(), resolvedAt: row.resolved_at?.toISOString() ?? null, updates: [] };
      incidents.set(row.incident_id, incident);
      byCheck.set(row.check_id, [...(byCheck.get(row.check_id) ?? []), incident]);
    }
    incident.updates.push({ status: row.status, message: row.message, createdAt: row.created_at.toISOString() });
  }
  return byCheck;
}
