/**
 * Uptime and latency figures for pages and the API, read from rollups_hourly / rollups_daily only (never
 * from raw results), with one query per page section however many checks the account has.
 *
 * Uptime = up_count / probe_count. The worker counts a degraded probe in up_count too (the target answered,
 * slowly) and additionally in degraded_count; infra errors are in neither count.
 */
import { LATENCY_BUCKET_COUNT, percentileFromHistogram, type Pool } from '@pingdummy/shared';
import { isUuid } from './ids.js';

export interface CheckSummary {
  /** Share of probes that were up, 0..1; null without probes in the window. */
  uptime24h: number | null;
  uptime7d: number | null;
  uptime30d: number | null;
  /** Latency percentiles over the last 24 hours, estimated from the rollup histograms. */
  p50Ms24h: number | null;
  p95Ms24h: number | null;
  lastProbedAt: string | null;
}

export type SeriesRange = '24h' | '7d' | '30d';
export const SERIES_RANGES: readonly SeriesRange[] = ['24h', '7d', '30d'];

export interface LatencyPoint {
  /** Start of the bucket, ISO 8601. */
  t: string;
  region: string;
  avgMs: number | null;
  p95Ms: number | null;
}

export interface LatencySeries {
  regions: string[];
  /** One point per bucket and region (nulls where no probe ran), ordered by t then region. */
  points: LatencyPoint[];
}

export interface DailyUptimeBar {
  /** UTC day, YYYY-MM-DD. */
  day: string;
  uptime: number | null;
  probes: number;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** `ARRAY[sum(h[1]), ..., sum(h[n])]`: adds histograms column-wise without unnesting every row. */
function histogramSumSql(column: string): string {
  const sums = Array.from({ length: LATENCY_BUCKET_COUNT }, (_, index) => `coalesce(sum(${column}[${index + 1}]), 0)`);
  return `ARRAY[${sums.join(', ')}]::int[]`;
}

function ratio(part: number | null | undefined, total: number | null | undefined): number | null {
  return total ? Number(part ?? 0) / Number(total) : null;
}

/** Summaries of the account's checks (or of one of them), keyed by check id, in one query. */
async function querySummaries(db: Pool, accountId: string, checkId: string | null): Promise<Map<string, CheckSummary>> {
  const summaries = new Map<string, CheckSummary>();
  const { rows } = await db.query(
    `WITH account_checks AS (
       SELECT id, last_probed_at FROM checks WHERE account_id = $1 AND ($2::uuid IS NULL OR id = $2::uuid)),
     hourly AS (
       SELECT h.check_id, sum(h.probe_count)::bigint AS probes, sum(h.up_count)::bigint AS ups,
              ${histogramSumSql('h.latency_hist')} AS hist
       FROM rollups_hourly h JOIN account_checks c ON c.id = h.check_id
       WHERE h.bucket_start >= date_trunc('hour', now()) - interval '23 hours'
       GROUP BY h.check_id),
     daily AS (
       SELECT d.check_id,
              sum(d.probe_count) FILTER (WHERE d.bucket_start >= date_trunc('day', now(), 'UTC') - interval '6 days') AS probes7,
              sum(d.up_count) FILTER (WHERE d.bucket_start >= date_trunc('day', now(), 'UTC') - interval '6 days') AS ups7,
              sum(d.probe_count) AS probes30, sum(d.up_count) AS ups30
       FROM rollups_daily d JOIN account_checks c ON c.id = d.check_id
       WHERE d.bucket_start >= date_trunc('day', now(), 'UTC') - interval '29 days'
       GROUP BY d.check_id)
     SELECT c.id, c.last_probed_at, h.probes, h.ups, h.hist, d.probes7, d.ups7, d.probes30, d.ups30
     FROM account_checks c LEFT JOIN hourly h ON h.check_id = c.id LEFT JOIN daily d ON d.check_id = c.id`,
    [accountId, checkId],
  );
  for (const row of rows) {
    const histogram: number[] = row.hist ?? [];
    summaries.set(row.id, {
      uptime24h: ratio(row.ups, row.probes),
      uptime7d: ratio(row.ups7, row.probes7),
      uptime30d: ratio(row.ups30, row.probes30),
      p50Ms24h: percentileFromHistogram(histogram, 0.5),
      p95Ms24h: percentileFromHistogram(histogram, 0.95),
      lastProbedAt: row.last_probed_at ? row.last_probed_at.toISOString() : null,
    });
  }
  return summaries;
}

/** Latency summary and uptime of every check in the account, keyed by check id (one query). */
export async function getCheckSummaries(db: Pool, accountId: string): Promise<Map<string, CheckSummary>> {
  if (!isUuid(accountId)) return new Map();
  return querySummaries(db, accountId, null);
}

/** The summary of one check; null when it is not in this account. */
export async function getCheckSummary(db: Pool, accountId: string, checkId: string): Promise<CheckSummary | null> {
  if (!isUuid(accountId) || !isUuid(checkId)) return null;
  return (await querySummaries(db, accountId, checkId)).get(checkId) ?? null;
}

/**
 * Average and p95 latency per bucket and region: hourly buckets for 24h and 7d, daily buckets for 30d.
 * Null when the check is not in this account.
 */
export async function getLatencySeries(
  db: Pool,
  accountId: string,
  checkId: string,
  range: SeriesRange,
): Promise<LatencySeries | null> {
  if (!isUuid(accountId) || !isUuid(checkId) || !SERIES_RANGES.includes(range)) return null;
  const daily = range === '30d';
  const bucketMs = daily ? DAY_MS : HOUR_MS;
  const buckets = range === '24h' ? 24 : range === '7d' ? 168 : 30;
  const table = daily ? 'rollups_daily' : 'rollups_hourly';
  const { rows } = await db.query(
    `WITH bounds AS (SELECT date_trunc($4, now(), 'UTC') - ($3::int - 1) * $5::interval AS first_bucket)
     SELECT c.id, r.bucket_start, r.region, r.latency_sum, r.latency_hist,
            (SELECT first_bucket FROM bounds) AS first_bucket
     FROM checks c
     LEFT JOIN ${table} r ON r.check_id = c.id AND r.bucket_start >= (SELECT first_bucket FROM bounds)
     WHERE c.id = $1 AND c.account_id = $2
     ORDER BY r.bucket_start, r.region`,
    [checkId, accountId, buckets, daily ? 'day' : 'hour', daily ? '1 day' : '1 hour'],
  );
  if (rows.length === 0) return null;
  const firstBucket: number = rows[0].first_bucket.getTime();
  const byKey = new Map<string, { avgMs: number | null; p95Ms: number | null }>();
  const regions = new Set<string>();
  for (const row of rows) {
    if (!row.bucket_start) continue;
    regions.add(row.region);
    const histogram: number[] = row.latency_hist;
    const samples = histogram.reduce((sum, count) => sum + count, 0);
    byKey.set(`${row.bucket_start.getTime()}|${row.region}`, {
      avgMs: samples > 0 ? Math.round(Number(row.latency_sum) / samples) : null,
      p95Ms: percentileFromHistogram(histogram, 0.95),
    });
  }
  const sortedRegions = [...regions].sort();
  const points: LatencyPoint[] = [];
  for (let index = 0; index < buckets; index++) {
    const start = firstBucket + index * bucketMs;
    const t = new Date(start).toISOString();
    for (const region of sortedRegions) {
      const values = byKey.get(`${start}|${region}`) ?? { avgMs: null, p95Ms: null };
      points.push({ t, region, ...values });
    }
  }
  return { regions: sortedRegions, points };
}

/**
 * Daily uptime bars (oldest first, one per UTC day, the last one today) for several checks at once, from
 * rollups_daily. Callers must have scoped checkIds to one account.
 */
export async function loadDailyUptimeBars(
  db: Pool,
  checkIds: string[],
  days: number,
): Promise<Map<string, DailyUptimeBar[]>> {
  const dayCount = Math.min(Math.max(Math.trunc(days), 1), 366);
  const { rows } = await db.query(
    `SELECT check_id, to_char(bucket_start AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day,
            sum(probe_count)::bigint AS probes, sum(up_count)::bigint AS ups
     FROM rollups_daily
     WHERE check_id = ANY($1::uuid[]) AND bucket_start >= date_trunc('day', now(), 'UTC') - ($2::int - 1) * interval '1 day'
     GROUP BY check_id, bucket_start`,
    [checkIds, dayCount],
  );
  const counts = new Map<string, { probes: number; ups: number }>();
  for (const row of rows) counts.set(`${row.check_id}|${row.day}`, { probes: Number(row.probes), ups: Number(row.ups) });
  const today = Math.floor(Date.now() / DAY_MS) * DAY_MS;
  const dayLabels = Array.from({ length: dayCount }, (_, index) =>
    new Date(today - (dayCount - 1 - index) * DAY_MS).toISOString().slice(0, 10),
  );
  const bars = new Map<string, DailyUptimeBar[]>();
  for (const checkId of checkIds) {
    bars.set(
      checkId,
      dayLabels.map((day) => {
        const count = counts.get(`${checkId}|${day}`);
        return { day, probes: count?.probes ?? 0, uptime: ratio(count?.ups, count?.probes) };
      }),
    );
  }
  return bars;
}

/** Daily uptime bars of one check (default 90 days); null when the check is not in this account. */
export async function getDailyUptimeBars(
  db: Pool,
  accountId: string,
  checkId: string,
  days = 90,
): Promise<DailyUptimeBar[] | null> {
  if (!isUuid(accountId) || !isUuid(checkId)) return null;
  const { rows } = await db.query(`SELECT 1 FROM checks WHERE id = $1 AND account_id = $2`, [checkId, accountId]);
  if (rows.length === 0) return null;
  return (await loadDailyUptimeBars(db, [checkId], days)).get(checkId)!;
}
