import type { Pool } from '@pingdummy/shared';
import { isoOrNull, isUuid } from './ids.js';

export interface Incident {
  id: string;
  checkId: string;
  checkName: string;
  startedAt: string;
  /** Null while the incident is open. */
  resolvedAt: string | null;
  /** Until resolution, or until now while open. */
  durationSeconds: number;
  cause: string;
}

export const MAX_INCIDENTS_LIMIT = 500;

const INCIDENT_SELECT = `
  SELECT i.id, i.check_id, c.name AS check_name, i.started_at, i.resolved_at, i.cause,
         floor(extract(epoch FROM coalesce(i.resolved_at, now()) - i.started_at))::int AS duration_seconds
  FROM incidents i JOIN checks c ON c.id = i.check_id`;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function toIncident(row: any): Incident {
  return {
    id: row.id,
    checkId: row.check_id,
    checkName: row.check_name,
    startedAt: row.started_at.toISOString(),
    resolvedAt: isoOrNull(row.resolved_at),
    durationSeconds: Math.max(row.duration_seconds, 0),
    cause: row.cause,
  };
}

/** Incidents of the account (or of one of its checks), newest first. Another account's checkId gives []. */
export async function listIncidents(
  db: Pool,
  accountId: string,
  options: { checkId?: string; limit?: number } = {},
): Promise<Incident[]> {
  if (!isUuid(accountId)) return [];
  if (options.checkId !== undefined && !isUuid(options.checkId)) return [];
  const limit = Math.min(Math.max(Math.trunc(options.limit ?? 50), 1), MAX_INCIDENTS_LIMIT);
  const { rows } = options.checkId
    ? await db.query(
        `${INCIDENT_SELECT} WHERE i.check_id = $1 AND i.account_id = $2 ORDER BY i.started_at DESC, i.id LIMIT $3`,
        [options.checkId, accountId, limit],
      )
    : await db.query(`${INCIDENT_SELECT} WHERE i.account_id = $1 ORDER BY i.started_at DESC, i.id LIMIT $2`, [
        accountId,
        limit,
      ]);
  return rows.map(toIncident);
}

/** One incident; null when it is not in this account. */
export async function getIncident(db: Pool, accountId: string, id: string): Promise<Incident | null> {
  if (!isUuid(accountId) || !isUuid(id)) return null;
  const { rows } = await db.query(`${INCIDENT_SELECT} WHERE i.id = $1 AND i.account_id = $2`, [id, accountId]);
  return rows[0] ? toIncident(rows[0]) : null;
}
