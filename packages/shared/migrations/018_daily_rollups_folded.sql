-- Up Migration

-- Daily rollups are no longer upserted with every worker round (that was half of the probe engine's rollup writes):
-- once a UTC day has been over for 15 minutes, the worker folds its hourly rollups into rollups_daily in one
-- statement (services/worker/src/fold-daily-rollups.ts).
-- folded_through: the last day whose daily rows are complete. Readers take the days up to it from rollups_daily
-- and later days (today; yesterday too until it is folded) from rollups_hourly. A result of a folded day recorded later (a worker far
-- behind) is added to its daily row too, by the round that records it.
CREATE TABLE rollup_fold (
  singleton      boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  folded_through date NOT NULL
);
-- Until now every round wrote its daily rows: the days before today are complete.
INSERT INTO rollup_fold (folded_through) VALUES ((now() AT TIME ZONE 'UTC')::date - 1);

-- Down Migration
-- The previous workers write a day's daily rows with every round and never fold: fold the days not folded yet
-- (today included), so their daily rows are complete before those workers add to them.
CREATE AGGREGATE histogram_sum_before_018(integer[]) (SFUNC = histogram_add, STYPE = integer[], INITCOND = '{}');
INSERT INTO rollups_daily AS d (check_id, bucket_start, region, probe_count, up_count, degraded_count, latency_min,
                                latency_max, latency_sum, latency_hist, maintenance_probe_count, maintenance_up_count)
SELECT check_id, date_trunc('day', bucket_start, 'UTC'), region, sum(probe_count), sum(up_count), sum(degraded_count),
       min(latency_min), max(latency_max), sum(latency_sum), histogram_sum_before_018(latency_hist),
       sum(maintenance_probe_count), sum(maintenance_up_count)
FROM rollups_hourly
WHERE bucket_start >= (SELECT folded_through + 1 FROM rollup_fold)::timestamp AT TIME ZONE 'UTC'
GROUP BY check_id, date_trunc('day', bucket_start, 'UTC'), region
ON CONFLICT (check_id, bucket_start, region) DO UPDATE SET
  probe_count = excluded.probe_count, up_count = excluded.up_count, degraded_count = excluded.degraded_count,
  latency_min = excluded.latency_min, latency_max = excluded.latency_max, latency_sum = excluded.latency_sum,
  latency_hist = excluded.latency_hist, maintenance_probe_count = excluded.maintenance_probe_count,
  maintenance_up_count = excluded.maintenance_up_count;
DROP AGGREGATE histogram_sum_before_018(integer[]);
DROP TABLE rollup_fold;
