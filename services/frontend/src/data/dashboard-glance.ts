/**
 * What a dashboard row shows at a glance: the response time of the last 24 hours (hourly averages) and the
 * uptime of the last 30 days (daily bars), for every check of a page in ONE query on the rollups, so the
 * page costs the same whatever the number of rows (no query per row).
 */
import type { Pool } from '@pingdummy/shared';
import { isUuid } from './ids.js';
import { UNFOLDED_FROM_SQL } from './folded-days.js';
import { COUNTED_PROBES, COUNTED_UPS } from './summaries.js';

export const SPARKLINE_HOURS = 24;
export const GLANCE_DAYS = 30;

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

export interface GlanceDay {
  /** UTC day, YYYY-MM-DD. */
  day: string;
  /** Share of probes that were up, 0..1, probes inside maintenance windows left out; null without such probes that day. */
  uptime: number | null;
  probes: number;
}

export interface CheckGlance {
  /** Average response time per hour, oldest first, SPARKLINE_HOURS entries (the current hour last); null: no sample. */
  hourlyAvgMs: (number | null)[];
  /** Uptime per UTC day, oldest first, GLANCE_DAYS entries (today last). */
  days: GlanceDay[];
}

/** Where the windows start at `now`: the first of the 24 hours and the first of the 30 days (UTC), in ms. */
function windowStarts(now: number): { firstHour: number; firstDay: number } {
  const firstHour = Math.floor(now / HOUR_MS) * HOUR_MS - (SPARKLINE_HOURS - 1) * HOUR_MS;
  const firstDay = Math.floor(now / DAY_MS) * DAY_MS - (GLANCE_DAYS - 1) * DAY_MS;
  return { firstHour, firstDay };
}

/**
 * The one statement behind loadDashboardGlance (exported for the benchmark's EXPLAIN ANALYZE): one row per check
 * with arrays of (slot, value), a slot being the hour (0-23) or day (0-29) within the window. Arrays of numbers
 * instead of a row per bucket: 50 rows for the driver to parse, not 2,700 with a timestamp each.
 */
export function glanceQuery(checkIds: readonly string[], now: number): { text: string; values: unknown[] } {
  const { firstHour, firstDay } = windowStarts(now);
  return {
    // The worker adds the response time of every up (or degraded) probe that measured one, so a bucket with a
    // latency_max has up_count samples (a check kind that measures none, e.g. heartbeat, has no latency_max).
    // Cheaper than adding up the histograms. Daily uptime leaves out probes made inside maintenance windows, as
    // every other uptime figure does (summaries.ts); response times keep them.
    // The bars of the days not folded into rollups_daily yet (today; yesterday too in the minutes after midnight, see
    // UNFOLDED_FROM_SQL) come from the hourly rollups, read in the same scan as the sparkline's hours.
    text: `WITH unfolded AS (SELECT ${UNFOLDED_FROM_SQL} AS since),
           recent AS MATERIALIZED (
             SELECT check_id, bucket_start, probe_count, up_count, maintenance_probe_count, maintenance_up_count, latency_sum, latency_max
             FROM rollups_hourly
             WHERE check_id = ANY($1::uuid[]) AND bucket_start >= least(to_timestamp($2), (SELECT since FROM unfolded))),
           hours AS (
             SELECT check_id, ((extract(epoch FROM bucket_start) - $2) / 3600)::int AS slot,
                    sum(latency_sum) FILTER (WHERE latency_max IS NOT NULL)::float8
                      / nullif(sum(up_count) FILTER (WHERE latency_max IS NOT NULL), 0) AS avg_ms
             FROM recent
             WHERE bucket_start >= to_timestamp($2) AND bucket_start < to_timestamp($2) + interval '${SPARKLINE_HOURS} hours'
             GROUP BY check_id, bucket_start),
           days AS (
             SELECT check_id, ((extract(epoch FROM bucket_start) - $3) / 86400)::int AS slot,
                    sum(${COUNTED_PROBES('d')})::int AS probes, sum(${COUNTED_UPS('d')})::int AS ups
             FROM (SELECT check_id, bucket_start, probe_count, up_count, maintenance_probe_count, maintenance_up_count
                   FROM rollups_daily
                   WHERE check_id = ANY($1::uuid[]) AND bucket_start >= to_timestamp($3) AND bucket_start < (SELECT since FROM unfolded)
                   UNION ALL
                   SELECT check_id, date_trunc('day', bucket_start, 'UTC'), probe_count, up_count, maintenance_probe_count,
                          maintenance_up_count
                   FROM recent WHERE bucket_start >= (SELECT since FROM unfolded)) AS d
             GROUP BY check_id, bucket_start)
           SELECT c.id AS check_id, h.slots AS hour_slots, h.avg_ms, d.slots AS day_slots, d.probes, d.ups
           FROM unnest($1::uuid[]) AS c(id)
           LEFT JOIN (SELECT check_id, array_agg(slot) AS slots, array_agg(avg_ms) AS avg_ms FROM hours GROUP BY check_id) AS h
             ON h.check_id = c.id
           LEFT JOIN (SELECT check_id, array_agg(slot) AS slots, array_agg(probes) AS probes, array_agg(ups) AS ups FROM days GROUP BY check_id) AS d
             ON d.check_id = c.id`,
    values: [checkIds, firstHour / 1000, firstDay / 1000],
  };
}

/**
 * The glance figures of `checkIds` at `now`, from rollups_hourly (the last 24 hourly buckets) and the daily rollups
 * of the last 30 UTC days (those not folded yet from the hourly buckets), in one query. Callers must have scoped checkIds to one account; checks without
 * rollups get empty series.
 */
export async function loadDashboardGlance(db: Pool, checkIds: readonly string[], now = Date.now()): Promise<Map<string, CheckGlance>> {
  const ids = [...new Set(checkIds.filter(isUuid))];
  const { firstDay } = windowStarts(now);
  const dayLabels = Array.from({ length: GLANCE_DAYS }, (_, slot) => new Date(firstDay + slot * DAY_MS).toISOString().slice(0, 10));
  const glances = new Map<string, CheckGlance>();
  const rows = ids.length > 0 ? (await db.query(glanceQuery(ids, now))).rows : [];
  for (const row of rows) {
    const hourlyAvgMs = new Array<number | null>(SPARKLINE_HOURS).fill(null);
    (row.hour_slots ?? []).forEach((slot: number, index: number) => {
      if (slot >= 0 && slot < SPARKLINE_HOURS) hourlyAvgMs[slot] = row.avg_ms[index];
    });
    const days: GlanceDay[] = dayLabels.map((day) => ({ day, probes: 0, uptime: null }));
    (row.day_slots ?? []).forEach((slot: number, index: number) => {
      const probes: number = row.probes[index];
      if (slot >= 0 && slot < GLANCE_DAYS) days[slot] = { day: dayLabels[slot]!, probes, uptime: probes > 0 ? row.ups[index] / probes : null };
    });
    glances.set(row.check_id, { hourlyAvgMs, days });
  }
  return glances;
}
