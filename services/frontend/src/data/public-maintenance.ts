import type { Pool } from '@pingdummy/shared';
import { listMaintenanceOccurrences, occurrencesOfCheck, UPCOMING_MAINTENANCE_DAYS } from './maintenance-windows.js';

/** Maintenance of one check as pages show it: titles and times only (no ids of windows or checks). */
export interface PublicMaintenance {
  /** Going on now, with its end. */
  current: { title: string; startsAt: string; endsAt: string }[];
  /** Starting within UPCOMING_MAINTENANCE_DAYS, soonest first. */
  upcoming: { title: string; startsAt: string; endsAt: string }[];
}

/** Current and upcoming maintenance of each of the account's `checkIds`, keyed by check id (every id gets an entry). */
export async function publicMaintenanceOf(db: Pool, accountId: string, checkIds: readonly string[], now = new Date()): Promise<Map<string, PublicMaintenance>> {
  const occurrences = await listMaintenanceOccurrences(db, accountId, {
    from: now,
    to: new Date(now.getTime() + UPCOMING_MAINTENANCE_DAYS * 86_400_000),
    checkIds,
  });
  const byCheck = new Map<string, PublicMaintenance>();
  for (const checkId of checkIds) {
    const mine = occurrencesOfCheck(occurrences, checkId).map(({ title, startsAt, endsAt }) => ({ title, startsAt, endsAt }));
    byCheck.set(checkId, {
      current: mine.filter((occurrence) => Date.parse(occurrence.startsAt) <= now.getTime()),
      upcoming: mine.filter((occurrence) => Date.parse(occurrence.startsAt) > now.getTime()),
    });
  }
  return byCheck;
}
