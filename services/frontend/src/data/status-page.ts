import type { Pool } from '@pingdummy/shared';
import type { CheckState } from './checks.js';
import { loadPublicIncidentUpdates, type PublicIncident } from './incident-updates.js';
import { publicMaintenanceOf, type PublicMaintenance } from './public-maintenance.js';
import { heartbeatScheduleSql } from '../heartbeats/schedule-text.js';
import { checkTargetText } from './tcp-check.js';
import { loadDailyUptimeBars, uptimeOfBars, type DailyUptimeBar } from './summaries.js';

export interface StatusPageCheck {
  name: string;
  state: CheckState;
  /** Only when the check's owner chose to show it. */
  url?: string;
  /** 90 daily bars, oldest first. */
  bars: DailyUptimeBar[];
  /** Uptime over those 90 days; null without probes. */
  uptime90d: number | null;
  openIncident: { startedAt: string; cause: string } | null;
  /** Maintenance going on now and planned for the next days. */
  maintenance: PublicMaintenance;
  /** Open or recent incidents with the owner's updates, newest first. */
  incidents: PublicIncident[];
}

export interface StatusPage {
  title: string;
  checks: StatusPageCheck[];
}

export const STATUS_PAGE_DAYS = 90;

/** The public status page of an account; null unless it exists and its status page is enabled. Public checks only. */
export async function getStatusPage(db: Pool, slug: string): Promise<StatusPage | null> {
  if (typeof slug !== 'string' || !/^[a-z0-9][a-z0-9-]{1,62}$/.test(slug)) return null;
  const account = await db.query(
    `SELECT id, coalesce(status_page_title, name) AS title FROM accounts WHERE slug = $1 AND status_page_enabled`,
    [slug],
  );
  if (!account.rows[0]) return null;
  const { rows } = await db.query(
    `SELECT c.id, c.name, c.state, c.url, ${heartbeatScheduleSql('c')} AS heartbeat, c.show_url_publicly, i.started_at AS incident_started_at, i.cause AS incident_cause
     FROM checks c LEFT JOIN incidents i ON i.check_id = c.id AND i.resolved_at IS NULL
     WHERE c.account_id = $1 AND c.is_public
     ORDER BY c.name, c.id`,
    [account.rows[0].id],
  );
  const checkIds = rows.map((row) => row.id as string);
  const [bars, maintenance, incidents] = await Promise.all([
    loadDailyUptimeBars(db, checkIds, STATUS_PAGE_DAYS),
    publicMaintenanceOf(db, account.rows[0].id, checkIds),
    loadPublicIncidentUpdates(db, checkIds),
  ]);
  return {
    title: account.rows[0].title,
    checks: rows.map((row) => ({
      name: row.name,
      state: row.state,
      ...(row.show_url_publicly ? { url: checkTargetText(row.url, row.heartbeat) } : {}),
      bars: bars.get(row.id) ?? [],
      uptime90d: uptimeOfBars(bars.get(row.id) ?? []),
      openIncident: row.incident_started_at
        ? { startedAt: row.incident_started_at.toISOString(), cause: row.incident_cause }
        : null,
      maintenance: maintenance.get(row.id)!,
      incidents: incidents.get(row.id) ?? [],
    })),
  };
}
