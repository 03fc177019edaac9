import { histogramSumSql, withTransaction, type Pool } from '@pingdummy/shared';

/** A day is folded once it has been over this long: its last rounds (probes due before midnight) are recorded by then. */
export const FOLD_AFTER_DAY_END = '15 minutes';

export interface FoldSummary {
  /** The last UTC day whose daily rollups are complete (YYYY-MM-DD), after this run. */
  foldedThrough: string;
  /** Daily rollup rows written by this run (0 when there was nothing to fold or another worker was folding). */
  rows: number;
}

/**
 * Folds the hourly rollups of every UTC day that ended more than FOLD_AFTER_DAY_END ago and is not folded yet
 * into rollups_daily, one row per check, day and region, replacing what a row held (so a fold run twice, or after
 * workers that still wrote daily rows with each round, gives the same rows). Readers take the days up to folded_through
 * from rollups_daily and later ones from rollups_hourly (services/frontend/src/data/summaries.ts), so they read
 * today's hourly rows only, except in the minutes after midnight before yesterday is folded.
 * The row lock on rollup_fold makes one worker fold at a time (others skip) and orders a fold against a round
 * that records a result of an older day (rollups.ts): either the fold sees that result in the hourly rows, or the
 * round sees the day folded and adds the result to its daily row as well.
 */
export async function foldDailyRollups(pool: Pool): Promise<FoldSummary | null> {
  return withTransaction(pool, async (client) => {
    const fold = await client.query(
      `SELECT folded_through::text, (folded_through + 1)::text AS first_day,
              (date_trunc('day', now() - interval '${FOLD_AFTER_DAY_END}', 'UTC') AT TIME ZONE 'UTC')::date::text AS end_day
         FROM rollup_fold FOR UPDATE SKIP LOCKED`,
    );
    if (fold.rows.length === 0) return null; // another worker is folding
    const { folded_through: foldedThrough, first_day: firstDay, end_day: endDay } = fold.rows[0] as { folded_through: string; first_day: string; end_day: string };
    if (firstDay >= endDay) return { foldedThrough, rows: 0 };
    const written = await client.query(
      `INSERT INTO rollups_daily AS d (check_id, bucket_start, region, probe_count, up_count, degraded_count, latency_min,
                                      latency_max, latency_sum, latency_hist, maintenance_probe_count, maintenance_up_count)
       SELECT check_id, date_trunc('day', bucket_start, 'UTC'), region, sum(probe_count), sum(up_count), sum(degraded_count),
              min(latency_min), max(latency_max), sum(latency_sum), ${histogramSumSql('latency_hist')},
              sum(maintenance_probe_count), sum(maintenance_up_count)
         FROM rollups_hourly
        WHERE bucket_start >= $1::timestamp AT TIME ZONE 'UTC' AND bucket_start < $2::timestamp AT TIME ZONE 'UTC'
        GROUP BY check_id, date_trunc('day', bucket_start, 'UTC'), region
       ON CONFLICT (check_id, bucket_start, region) DO UPDATE SET
         probe_count = excluded.probe_count, up_count = excluded.up_count, degraded_count = excluded.degraded_count,
         latency_min = excluded.latency_min, latency_max = excluded.latency_max, latency_sum = excluded.latency_sum,
         latency_hist = excluded.latency_hist, maintenance_probe_count = excluded.maintenance_probe_count,
         maintenance_up_count = excluded.maintenance_up_count`,
      [firstDay, endDay],
    );
    const folded = await client.query(`UPDATE rollup_fold SET folded_through = $1::date - 1 RETURNING folded_through::text`, [endDay]);
    return { foldedThrough: (folded.rows[0] as { folded_through: string }).folded_through, rows: written.rowCount ?? 0 };
  });
}
