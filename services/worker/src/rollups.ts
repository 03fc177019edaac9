import { addToHistogram, emptyHistogram, type PoolClient } from '@pingdummy/shared';

/** A freshly inserted result, as needed for rollups. */
export interface RollupInput {
  checkId: string;
  scheduledAt: Date;
  region: string;
  outcome: string;
  latencyMs: number | null;
  /** Probed inside a maintenance window: counted as usual and also in the maintenance counts, which uptime leaves out. */
  inMaintenance?: boolean;
}

interface Bucket {
  checkId: string;
  bucketStart: Date;
  region: string;
  probeCount: number;
  upCount: number;
  degradedCount: number;
  maintenanceProbeCount: number;
  maintenanceUpCount: number;
  latencyMin: number | null;
  latencyMax: number | null;
  latencySum: number;
  histogram: number[];
}

function truncate(date: Date, grain: 'hour' | 'day'): Date {
  const copy = new Date(date);
  if (grain === 'day') copy.setUTCHours(0, 0, 0, 0);
  else copy.setUTCMinutes(0, 0, 0);
  return copy;
}

/**
 * Folds results into per-(check, bucket, region) sums. Infra errors say nothing about the target and
 * are left out; latency is counted for answered probes (up or degraded) only, so timeouts do not skew it.
 */
export function foldIntoBuckets(rows: RollupInput[], grain: 'hour' | 'day'): Bucket[] {
  const buckets = new Map<string, Bucket>();
  for (const row of rows) {
    if (row.outcome === 'infra_error') continue;
    const bucketStart = truncate(row.scheduledAt, grain);
    const key = `${row.checkId}|${bucketStart.toISOString()}|${row.region}`;
    let bucket = buckets.get(key);
    if (!bucket) {
      bucket = {
        checkId: row.checkId,
        bucketStart,
        region: row.region,
        probeCount: 0,
        upCount: 0,
        degradedCount: 0,
        maintenanceProbeCount: 0,
        maintenanceUpCount: 0,
        latencyMin: null,
        latencyMax: null,
        latencySum: 0,
        histogram: emptyHistogram(),
      };
      buckets.set(key, bucket);
    }
    bucket.probeCount += 1;
    if (row.inMaintenance) bucket.maintenanceProbeCount += 1;
    if (row.outcome === 'down') continue;
    bucket.upCount += 1;
    if (row.inMaintenance) bucket.maintenanceUpCount += 1;
    if (row.outcome === 'degraded') bucket.degradedCount += 1;
    if (row.latencyMs !== null) {
      bucket.latencyMin = bucket.latencyMin === null ? row.latencyMs : Math.min(bucket.latencyMin, row.latencyMs);
      bucket.latencyMax = bucket.latencyMax === null ? row.latencyMs : Math.max(bucket.latencyMax, row.latencyMs);
      bucket.latencySum += row.latencyMs;
      addToHistogram(bucket.histogram, row.latencyMs);
    }
  }
  // A stable order keeps concurrent upserts from deadlocking on the same rows.
  return [...buckets.values()].sort((a, b) =>
    a.checkId === b.checkId ? a.bucketStart.getTime() - b.bucketStart.getTime() : a.checkId < b.checkId ? -1 : 1,
  );
}

/** Adds results to the hourly and daily rollups (one upsert statement per table). */
export async function addToRollups(client: PoolClient, rows: RollupInput[]): Promise<void> {
  for (const [table, grain] of [
    ['rollups_hourly', 'hour'],
    ['rollups_daily', 'day'],
  ] as const) {
    const buckets = foldIntoBuckets(rows, grain);
    if (buckets.length === 0) continue;
    await client.query(
      `INSERT INTO ${table} AS r (check_id, bucket_start, region, probe_count, up_count, degraded_count,
                                  latency_min, latency_max, latency_sum, latency_hist,
                                  maintenance_probe_count, maintenance_up_count)
       SELECT check_id, bucket_start, region, probe_count, up_count, degraded_count,
              latency_min, latency_max, latency_sum, hist::integer[], maintenance_probes, maintenance_ups
       FROM unnest($1::uuid[], $2::timestamptz[], $3::text[], $4::int[], $5::int[], $6::int[], $7::int[], $8::int[],
                   $9::bigint[], $10::text[], $11::int[], $12::int[])
         AS t(check_id, bucket_start, region, probe_count, up_count, degraded_count, latency_min, latency_max,
              latency_sum, hist, maintenance_probes, maintenance_ups)
       ON CONFLICT (check_id, bucket_start, region) DO UPDATE SET
         probe_count = r.probe_count + excluded.probe_count,
         up_count = r.up_count + excluded.up_count,
         degraded_count = r.degraded_count + excluded.degraded_count,
         maintenance_probe_count = r.maintenance_probe_count + excluded.maintenance_probe_count,
         maintenance_up_count = r.maintenance_up_count + excluded.maintenance_up_count,
         latency_min = LEAST(r.latency_min, excluded.latency_min),
         latency_max = GREATEST(r.latency_max, excluded.latency_max),
         latency_sum = r.latency_sum + excluded.latency_sum,
         latency_hist = histogram_add(r.latency_hist, excluded.latency_hist)`,
      [
        buckets.map((bucket) => bucket.checkId),
        buckets.map((bucket) => bucket.bucketStart),
        buckets.map((bucket) => bucket.region),
        buckets.map((bucket) => bucket.probeCount),
        buckets.map((bucket) => bucket.upCount),
        buckets.map((bucket) => bucket.degradedCount),
        buckets.map((bucket) => bucket.latencyMin),
        buckets.map((bucket) => bucket.latencyMax),
        buckets.map((bucket) => bucket.latencySum),
        buckets.map((bucket) => `{${bucket.histogram.join(',')}}`),
        buckets.map((bucket) => bucket.maintenanceProbeCount),
        buckets.map((bucket) => bucket.maintenanceUpCount),
      ],
    );
  }
}
