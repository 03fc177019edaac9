/**
 * What a dashboard row shows at a glance: the response time of the last 24 hours (hourly averages) and the
 * uptime of the last 30 days (daily bars), for every check of a page in ONE query on the rollups, so the
 * page costs the same whatever the number of rows (no query per row).
 */
import type { Pool } from '@pingdummy/shared';
import { isUuid } from './ids.js';

export const SPARKLINE_HOURS = 24;
export const GLANCE_DAYS = 30;

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

export interface GlanceDay {
  /** UTC day, YYYY-MM-DD. */
  day: string;
  /** Share of probes that were up, 0..1; null without probes that day. */
  uptime: number | null;
  probes: number;
}

export interface CheckGlance {
  /** Average response time per hour, oldest first, SPARKLINE_HOURS entries (the current hour last); null: no sample. */
  hourlyAvgMs: (number | null)[];
  /** Uptime per UTC day, oldest first, GLANCE_DAYS entries (today last). */
  days: GlanceDay[];
}

/**
 * The one statement behind loadDashboardGlance (exported for the benchmark's EXPLAIN ANALYZE): hourly averages of
 * the last 24 hours and daily counts of the last 30 days of `checkIds`, one row per check and bucket.
 */
export function glanceQuery(checkIds: readonly string[], now: number): { text: string; values: unknown[] } {
  const firstHour = Math.floor(now / HOUR_MS) * HOUR_MS - (SPARKLINE_HOURS - 1) * HOUR_MS;
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  const firstDay = today - (GLANCE_DAYS - 1) * DAY_MS;
  return {
    // The worker adds the response time of every up (or degraded) probe that measured one, so a bucket with a
    // latency_max has up_count samples (a check kind that measures none, e.g. heartbeat, has no latency_max).
    // Cheaper than adding up the histograms, which took most of the query's time.
    text: `SELECT 'hour' AS grain, check_id, bucket_start, sum(probe_count)::bigint AS probes, sum(up_count)::bigint AS ups,
                  sum(latency_sum) FILTER (WHERE latency_max IS NOT NULL)::bigint AS latency_sum,
                  sum(up_count) FILTER (WHERE latency_max IS NOT NULL)::bigint AS samples
           FROM rollups_hourly
           WHERE check_id = ANY($1::uuid[]) AND bucket_start >= $2 AND bucket_start < $3
           GROUP BY check_id, bucket_start
           UNION ALL
           SELECT 'day', check_id, bucket_start, sum(probe_count)::bigint, sum(up_count)::bigint, NULL, NULL
           FROM rollups_daily
           WHERE check_id = ANY($1::uuid[]) AND bucket_start >= $4 AND bucket_start < $5
           GROUP BY check_id, bucket_start`,
    values: [checkIds, new Date(firstHour), new Date(firstHour + SPARKLINE_HOURS * HOUR_MS), new Date(firstDay), new Date(today + DAY_MS)],
  };
}

/**
 * The glance figures of `checkIds` at `now`, from rollups_hourly (the last 24 hourly buckets) and rollups_daily
 * (the last 30 UTC days), in one query. Callers must have scoped checkIds to one account; checks without
 * rollups get empty series.
 */
export async function loadDashboardGlance(db: Pool, checkIds: readonly string[], now = Date.now()): Promise<Map<string, CheckGlance>> {
  const ids = checkIds.filter(isUuid);
  const firstHour = Math.floor(now / HOUR_MS) * HOUR_MS - (SPARKLINE_HOURS - 1) * HOUR_MS;
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  const firstDay = today - (GLANCE_DAYS - 1) * DAY_MS;
  const hourKeys = Array.from({ length: SPARKLINE_HOURS }, (_, index) => firstHour + index * HOUR_MS);
  const dayKeys = Array.from({ length: GLANCE_DAYS }, (_, index) => firstDay + index * DAY_MS);

  const byCheck = new Map<string, { hours: Map<number, number | null>; days: Map<number, { probes: number; ups: number }> }>();
  for (const id of ids) byCheck.set(id, { hours: new Map(), days: new Map() });
  if (ids.length > 0) {
    const { rows } = await db.query(glanceQuery(ids, now));
    for (const row of rows) {
      const entry = byCheck.get(row.check_id);
      if (!entry) continue;
      const bucket = (row.bucket_start as Date).getTime();
      if (row.grain === 'hour') {
        const samples = Number(row.samples);
        entry.hours.set(bucket, samples > 0 ? Number(row.latency_sum) / samples : null);
      } else {
        entry.days.set(bucket, { probes: Number(row.probes), ups: Number(row.ups) });
      }
    }
  }

  const glances = new Map<string, CheckGlance>();
  for (const [id, entry] of byCheck) {
    glances.set(id, {
      hourlyAvgMs: hourKeys.map((hour) => entry.hours.get(hour) ?? null),
      days: dayKeys.map((day) => {
        const counts = entry.days.get(day);
        const probes = counts?.probes ?? 0;
        return { day: new Date(day).toISOString().slice(0, 10), probes, uptime: probes > 0 ? counts!.ups / probes : null };
      }),
    });
  }
  return glances;
}
