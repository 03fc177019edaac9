/**
 * The check page's response-time chart: average and p95 latency per bucket and region over 24 h, 7 d or 30 d,
 * plus the incidents (down periods) in that range.
 *
 * Bucket sizes suit the range: 24 h uses 5-minute buckets of raw results (kept for at least a day), 7 d hourly and
 * 30 d 3-hourly buckets of rollups_hourly (240 points still show the daily rhythm, at a third of the hourly
 * payload). A bucket is never shorter than the check's interval, otherwise most buckets would be empty and the
 * lines would break into dots.
 */
import { histogramSumSql, percentileFromHistogram, type Pool } from '@pingdummy/shared';
import { isUuid } from './ids.js';

export type SeriesRange = '24h' | '7d' | '30d';
export const SERIES_RANGES: readonly SeriesRange[] = ['24h', '7d', '30d'];

export interface LatencyPoint {
  /** Start of the bucket, ISO 8601. */
  t: string;
  region: string;
  avgMs: number | null;
  p95Ms: number | null;
}

export interface DownPeriod {
  /** Clipped to the range. */
  from: string;
  /** Clipped to the range; the end of the range while the incident is open. */
  to: string;
}

export interface LatencySeries {
  range: SeriesRange;
  bucketSeconds: number;
  /** Start of the first bucket and end of the last one, ISO 8601: the chart's x axis. */
  from: string;
  to: string;
  regions: string[];
  /** One point per bucket and region (nulls where no probe answered), ordered by t then region. */
  points: LatencyPoint[];
  /** Incidents that overlap the range, oldest first. */
  downPeriods: DownPeriod[];
}

const MINUTE_S = 60;
const HOUR_S = 3600;
const DAY_S = 86_400;
const RANGE_SECONDS: Record<SeriesRange, number> = { '24h': DAY_S, '7d': 7 * DAY_S, '30d': 30 * DAY_S };
const SHORTEST_BUCKET: Record<SeriesRange, number> = { '24h': 5 * MINUTE_S, '7d': HOUR_S, '30d': 3 * HOUR_S };
/** Every size divides a day, so buckets line up with UTC days and hours. */
const BUCKET_SIZES = [5, 10, 15, 30, 60, 120, 180, 360, 720, 1440].map((minutes) => minutes * MINUTE_S);

/** The bucket size of a range for a check probed every `intervalSeconds`. */
export function bucketSecondsFor(range: SeriesRange, intervalSeconds: number): number {
  const shortest = Math.max(SHORTEST_BUCKET[range], intervalSeconds);
  return BUCKET_SIZES.find((size) => size >= shortest) ?? DAY_S;
}

interface BucketValues {
  avgMs: number | null;
  p95Ms: number | null;
}

/** 5-minute (or longer) buckets straight from raw results: exact averages and percentiles. */
async function bucketsFromResults(db: Pool, checkId: string, from: Date, bucketSeconds: number) {
  const { rows } = await db.query(
    `SELECT date_bin(make_interval(secs => $3), scheduled_at, 'epoch'::timestamptz) AS bucket, region,
            round(avg(latency_ms))::int AS avg_ms,
            round(percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms))::int AS p95_ms
     FROM results
     WHERE check_id = $1 AND scheduled_at >= $2 AND outcome IN ('up', 'degraded') AND latency_ms IS NOT NULL
     GROUP BY 1, 2`,
    [checkId, from, bucketSeconds],
  );
  return rows.map((row) => ({ bucket: row.bucket as Date, region: row.region as string, values: { avgMs: row.avg_ms, p95Ms: row.p95_ms } }));
}

/** Hourly or longer buckets from rollups_hourly; p95 is estimated from the merged histograms. */
async function bucketsFromRollups(db: Pool, checkId: string, from: Date, bucketSeconds: number) {
  const { rows } = await db.query(
    `SELECT date_bin(make_interval(secs => $3), bucket_start, 'epoch'::timestamptz) AS bucket, region,
            sum(latency_sum) AS latency_sum, ${histogramSumSql('latency_hist')} AS hist
     FROM rollups_hourly
     WHERE check_id = $1 AND bucket_start >= $2
     GROUP BY 1, 2`,
    [checkId, from, bucketSeconds],
  );
  return rows.map((row) => {
    const histogram: number[] = row.hist;
    const samples = histogram.reduce((sum, count) => sum + count, 0);
    const values: BucketValues = {
      avgMs: samples > 0 ? Math.round(Number(row.latency_sum) / samples) : null,
      p95Ms: percentileFromHistogram(histogram, 0.95),
    };
    return { bucket: row.bucket as Date, region: row.region as string, values };
  });
}

/** The check's response-time series over `range`; null when the check is not in this account. */
export async function getLatencySeries(
  db: Pool,
  accountId: string,
  checkId: string,
  range: SeriesRange,
  now = Date.now(),
): Promise<LatencySeries | null> {
  if (!isUuid(accountId) || !isUuid(checkId) || !SERIES_RANGES.includes(range)) return null;
  const check = await db.query(`SELECT interval_seconds FROM checks WHERE id = $1 AND account_id = $2`, [checkId, accountId]);
  if (!check.rows[0]) return null;

  const bucketSeconds = bucketSecondsFor(range, check.rows[0].interval_seconds);
  const bucketMs = bucketSeconds * 1000;
  const bucketCount = Math.ceil(RANGE_SECONDS[range] / bucketSeconds);
  const firstBucket = Math.floor(now / bucketMs) * bucketMs - (bucketCount - 1) * bucketMs;
  const from = new Date(firstBucket);
  const to = new Date(firstBucket + bucketCount * bucketMs);

  const [buckets, incidents] = await Promise.all([
    range === '24h' ? bucketsFromResults(db, checkId, from, bucketSeconds) : bucketsFromRollups(db, checkId, from, bucketSeconds),
    db.query(
      `SELECT greatest(started_at, $2) AS from_at, least(coalesce(resolved_at, $4), $3) AS to_at
       FROM incidents
       WHERE check_id = $1 AND started_at < $3 AND (resolved_at IS NULL OR resolved_at > $2)
       ORDER BY started_at`,
      [checkId, from, to, new Date(now)],
    ),
  ]);

  const byKey = new Map<string, BucketValues>();
  const regions = new Set<string>();
  for (const { bucket, region, values } of buckets) {
    regions.add(region);
    byKey.set(`${bucket.getTime()}|${region}`, values);
  }
  const sortedRegions = [...regions].sort();
  const points: LatencyPoint[] = [];
  for (let index = 0; index < bucketCount; index++) {
    const start = firstBucket + index * bucketMs;
    const t = new Date(start).toISOString();
    for (const region of sortedRegions) {
      points.push({ t, region, ...(byKey.get(`${start}|${region}`) ?? { avgMs: null, p95Ms: null }) });
    }
  }
  return {
    range,
    bucketSeconds,
    from: from.toISOString(),
    to: to.toISOString(),
    regions: sortedRegions,
    points,
    downPeriods: incidents.rows.map((row) => ({ from: row.from_at.toISOString(), to: row.to_at.toISOString() })),
  };
}
