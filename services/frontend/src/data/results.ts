import type { Pool } from '@pingdummy/shared';
import { isoOrNull, isUuid } from './ids.js';

export type ResultOutcome = 'up' | 'down' | 'degraded' | 'infra_error';

export interface ProbeResultRow {
  scheduledAt: string;
  region: string;
  outcome: ResultOutcome;
  statusCode: number | null;
  latencyMs: number | null;
  /** Phase durations in ms; null where the phase did not happen. */
  phases: { dnsMs: number | null; connectMs: number | null; tlsMs: number | null; ttfbMs: number | null };
  errorClass: string | null;
  errorMessage: string | null;
  tlsExpiresAt: string | null;
}

export const MAX_RESULTS_LIMIT = 500;

/** The newest raw results of a check (newest first); null when the check is not in this account. */
export async function listResults(
  db: Pool,
  accountId: string,
  checkId: string,
  options: { limit?: number } = {},
): Promise<ProbeResultRow[] | null> {
  if (!isUuid(accountId) || !isUuid(checkId)) return null;
  const limit = Math.min(Math.max(Math.trunc(options.limit ?? 100), 1), MAX_RESULTS_LIMIT);
  const owner = await db.query(`SELECT 1 FROM checks WHERE id = $1 AND account_id = $2`, [checkId, accountId]);
  if (owner.rows.length === 0) return null;
  // The primary key (check_id, scheduled_at, region) of every partition serves this as a merge of index scans.
  const { rows } = await db.query(
    `SELECT scheduled_at, region, outcome, status_code, latency_ms, dns_ms, connect_ms, tls_ms, ttfb_ms,
            error_class, error_message, tls_expires_at
     FROM results WHERE check_id = $1
     ORDER BY scheduled_at DESC, region LIMIT $2`,
    [checkId, limit],
  );
  return rows.map((row) => ({
    scheduledAt: row.scheduled_at.toISOString(),
    region: row.region,
    outcome: row.outcome,
    statusCode: row.status_code,
    latencyMs: row.latency_ms,
    phases: { dnsMs: row.dns_ms, connectMs: row.connect_ms, tlsMs: row.tls_ms, ttfbMs: row.ttfb_ms },
    errorClass: row.error_class,
    errorMessage: row.error_message,
    tlsExpiresAt: isoOrNull(row.tls_expires_at),
  }));
}
