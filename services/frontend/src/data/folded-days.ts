// Which days' rollups come from rollups_daily and which from rollups_hourly: the worker folds a day's
// hourly rows into daily ones once the day is over (services/worker/src/fold-daily-rollups.ts).

/**
 * SQL: 00:00 UTC of the first day the worker has not folded into rollups_daily yet (today, or yesterday in the
 * minutes after midnight before the fold). Daily rows before it are complete; from it on, read the hourly rows.
 */
export const UNFOLDED_FROM_SQL = `(SELECT (folded_through + 1)::timestamp AT TIME ZONE 'UTC' FROM rollup_fold)`;

/**
 * Daily rollup rows from `firstDay` on, as a FROM item: rows of rollups_daily of the folded days and rows of
 * rollups_hourly, with their bucket_start truncated to the day, for the days after (UNFOLDED_FROM_SQL). Group by
 * check_id and bucket_start to get one row per check and day. Columns: check_id, bucket_start, region and the
 * counts (probe_count, up_count, maintenance_probe_count, maintenance_up_count).
 */
export function dailyRollupsSql(checkFilter: string, firstDay: string): string {
  const counts = 'probe_count, up_count, maintenance_probe_count, maintenance_up_count';
  return `(SELECT check_id, bucket_start, region, ${counts} FROM rollups_daily
            WHERE ${checkFilter} AND bucket_start >= ${firstDay} AND bucket_start < ${UNFOLDED_FROM_SQL}
           UNION ALL
           SELECT check_id, date_trunc('day', bucket_start, 'UTC'), region, ${counts} FROM rollups_hourly
            WHERE ${checkFilter} AND bucket_start >= greatest(${firstDay}, ${UNFOLDED_FROM_SQL}))`;
}
