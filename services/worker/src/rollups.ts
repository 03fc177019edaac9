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

/**
 * A result older than this may belong to a day already folded into rollups_daily (fold-daily-rollups.ts folds a
 * day 15 minutes after it ended); ten minutes less, so a worker clock behind the database's by that much is safe.
 */
const MAY_BE_FOLDED_AFTER_MS = 5 * 60_000;

/**
 * Adds results to the hourly rollups, in one upsert statement. Daily rollups are folded from the hourly ones once
 * a day is over; a result of a day already folded (recorded late: a worker far behind) is added to its daily row
 * as well. Call inside the transaction that writes the results: the share lock on rollup_fold, taken only for
 * such old results, holds until it commits, so a concurrent fold either sees them or is seen.
 */
export async function addToRollups(client: PoolClient, rows: RollupInput[]): Promise<void> {
  await upsertBuckets(client, 'rollups_hourly', foldIntoBuckets(rows, 'hour'));
  const oldBefore = Date.now() - MAY_BE_FOLDED_AFTER_MS;
  const old = rows.filter((row) => row.scheduledAt.getTime() < oldBefore);
  if (old.length === 0) return;
  const fold = await client.query(`SELECT folded_through::text AS day FROM rollup_fold FOR SHARE`);
  const foldedThrough: string = fold.rows[0].day;
  const folded = old.filter((row) => row.scheduledAt.toISOString().slice(0, 10) <= foldedThrough);
  await upsertBuckets(client, 'rollups_daily', foldIntoBuckets(folded, 'day'));
}

/** Adds buckets to their rows of `table` (hourly or daily rollups), creating the rows that do not exist yet. */
async function upsertBuckets(client: PoolClient, table: 'rollups_hourly' | 'rollups_daily', buckets: Bucket[]): Promise<void> {
  if (buckets.length === 0) return;
  await client.query({
    name: `upsert-${table}`,
    text: `INSERT INTO ${table} AS r (check_id, bucket_start, region, probe_count, up_count, degraded_count,
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
    values: [
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
  });
}
