/**
 * Uptime and latency figures for pages and the API, read from rollups_hourly / rollups_daily only (never
 * from raw results), with one query per page section however many checks the account has. Windows are in
 * whole buckets: 24h = the current hour and the 23 before it, 7d/30d = today (UTC) and the 6/29 days before.
 * Days the worker has folded (rollup_fold.folded_through: every day before today, from 15 minutes after midnight
 * on; services/worker/src/fold-daily-rollups.ts) come from the daily buckets, later days from the hourly ones.
 *
 * Uptime = up_count / probe_count. The worker counts a degraded probe in up_count too (the target answered,
 * slowly) and additionally in degraded_count; infra errors are in neither count.
 *
 * Maintenance windows are left out: the worker also counts a probe made inside a window in
 * maintenance_probe_count (and maintenance_up_count when it was up), and uptime here is
 * (up_count - maintenance_up_count) / (probe_count - maintenance_probe_count). A probe belongs to the windows that
 * existed when it was made, so the figures are exact at any bucket size; a window added or deleted afterwards does
 * not rewrite history. Latency percentiles keep every answered probe.
 */
import { histogramSumSql, mergeHistograms, percentileFromHistogram, type Pool } from '@pingdummy/shared';
import { dailyRollupsSql, UNFOLDED_FROM_SQL } from './folded-days.js';
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

export interface DailyUptimeBar {
  /** UTC day, YYYY-MM-DD. */
  day: string;
  uptime: number | null;
  probes: number;
  /** Incidents that were open at some time that day. */
  incidents: number;
  /** Probes made inside maintenance windows that day, left out of `probes` and `uptime`; absent when none. */
  maintenanceProbes?: number;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** Rollups of a bucket may still change this long after the bucket ended (results that arrive late). */
const SETTLE_MS = 5 * 60_000;
/** Accounts whose settled totals are kept per pool; the least recently used are dropped first. */
const MAX_CACHED_ACCOUNTS = 500;

function ratio(part: number | null | undefined, total: number | null | undefined): number | null {
  return total ? Number(part ?? 0) / Number(total) : null;
}

/** A rollup row's probes and ups that count for uptime: those made outside maintenance windows. */
export const COUNTED_PROBES = (table: string) => `(${table}.probe_count - ${table}.maintenance_probe_count)`;
export const COUNTED_UPS = (table: string) => `(${table}.up_count - ${table}.maintenance_up_count)`;

const floorTo = (time: number, unit: number) => Math.floor(time / unit) * unit;

/** Rollup counts of one check over the summary windows. */
interface WindowTotals {
  probes24h: number;
  ups24h: number;
  histogram24h: number[];
  /** Hourly buckets of the days not folded yet (today; yesterday too just after midnight): their share of the 7- and 30-day windows. */
  probesUnfolded: number;
  upsUnfolded: number;
  /** Daily buckets of the folded days. */
  probes7dFolded: number;
  ups7dFolded: number;
  probes30dFolded: number;
  ups30dFolded: number;
}

/** Which rollup buckets one query adds up. */
interface BucketRange {
  /** Hourly buckets in [hoursFrom, hoursTo) make the 24-hour figures. */
  hoursFrom: Date;
  hoursTo: Date | 'infinity';
  /**
   * Hourly buckets in [dayHoursFrom, hoursTo) are the day windows' share of the hourly buckets; 'unfolded': from
   * the first day not folded yet (UNFOLDED_FROM_SQL).
   */
  dayHoursFrom: Date | 'unfolded';
  /** Daily buckets in [daysFrom, first day not folded), the last 7 from sevenDaysFrom on; null: no daily buckets. */
  days: { daysFrom: Date; sevenDaysFrom: Date } | null;
}

/**
 * The summary windows at `now`: 24 hourly buckets (the current one included) and 7 / 30 days (today included).
 * The share of the days not folded yet (today) comes from the hourly buckets, which the 24-hour figures read anyway.
 * Buckets that ended more than SETTLE_MS ago are "settled": their totals are reused until the windows move on
 * (the cache key changes every hour), so each request reads only the recent hourly buckets.
 */
function summaryWindows(now: number) {
  const hoursFrom = new Date(floorTo(now, HOUR_MS) - 23 * HOUR_MS);
  const today = floorTo(now, DAY_MS);
  const days = { daysFrom: new Date(today - 29 * DAY_MS), sevenDaysFrom: new Date(today - 6 * DAY_MS) };
  const settledHoursTo = new Date(Math.max(hoursFrom.getTime(), floorTo(now - SETTLE_MS, HOUR_MS)));
  return {
    settled: { hoursFrom, hoursTo: settledHoursTo, dayHoursFrom: 'unfolded', days } satisfies BucketRange,
    recent: { hoursFrom: settledHoursTo, hoursTo: 'infinity', dayHoursFrom: settledHoursTo, days: null } satisfies BucketRange,
    whole: { hoursFrom, hoursTo: 'infinity', dayHoursFrom: 'unfolded', days } satisfies BucketRange,
    cacheKey: `${hoursFrom.getTime()}|${settledHoursTo.getTime()}`,
  };
}

interface TotalsRow {
  checkId: string;
  lastProbedAt: string | null;
  totals: WindowTotals;
}

/**
 * Adds up the account's rollups in one query; every check of the account gets a row, or only those in
 * `checkIds` (ids of other accounts are ignored).
 */
async function queryWindowTotals(
  db: Pool,
  accountId: string,
  checkIds: readonly string[] | null,
  range: BucketRange,
): Promise<TotalsRow[]> {
  const dayHoursFrom = `coalesce($5::timestamptz, ${UNFOLDED_FROM_SQL})`;
  const daily = range.days
    ? `daily AS (
         SELECT d.check_id,
                sum(${COUNTED_PROBES('d')}) FILTER (WHERE d.bucket_start >= $7) AS probes7,
                sum(${COUNTED_UPS('d')}) FILTER (WHERE d.bucket_start >= $7) AS ups7,
                sum(${COUNTED_PROBES('d')}) AS probes30, sum(${COUNTED_UPS('d')}) AS ups30
         FROM rollups_daily d JOIN account_checks c ON c.id = d.check_id
         WHERE d.bucket_start >= $6 AND d.bucket_start < ${dayHoursFrom}
         GROUP BY d.check_id)`
    : `daily AS (SELECT NULL::uuid AS check_id, 0 AS probes7, 0 AS ups7, 0 AS probes30, 0 AS ups30 WHERE false)`;
  const { rows } = await db.query(
    `WITH account_checks AS (
       SELECT id, last_probed_at FROM checks WHERE account_id = $1 AND ($2::uuid[] IS NULL OR id = ANY($2::uuid[]))),
     hourly AS (
       SELECT h.check_id,
              sum(${COUNTED_PROBES('h')}) FILTER (WHERE h.bucket_start >= $3) AS probes,
              sum(${COUNTED_UPS('h')}) FILTER (WHERE h.bucket_start >= $3) AS ups,
              sum(${COUNTED_PROBES('h')}) FILTER (WHERE h.bucket_start >= ${dayHoursFrom}) AS probes_days,
              sum(${COUNTED_UPS('h')}) FILTER (WHERE h.bucket_start >= ${dayHoursFrom}) AS ups_days,
              ${histogramSumSql('(CASE WHEN h.bucket_start >= $3 THEN h.latency_hist END)')} AS hist
       FROM rollups_hourly h JOIN account_checks c ON c.id = h.check_id
       WHERE h.bucket_start >= least($3::timestamptz, ${dayHoursFrom}) AND h.bucket_start < $4
       GROUP BY h.check_id),
     ${daily}
     SELECT c.id, c.last_probed_at, h.probes, h.ups, h.probes_days, h.ups_days, h.hist, d.probes7, d.ups7, d.probes30, d.ups30
     FROM account_checks c LEFT JOIN hourly h ON h.check_id = c.id LEFT JOIN daily d ON d.check_id = c.id`,
    [
      accountId,
      checkIds,
      range.hoursFrom,
      range.hoursTo,
      range.dayHoursFrom === 'unfolded' ? null : range.dayHoursFrom,
      ...(range.days ? [range.days.daysFrom, range.days.sevenDaysFrom] : []),
    ],
  );
  return rows.map((row) => ({
    checkId: row.id,
    lastProbedAt: row.last_probed_at ? row.last_probed_at.toISOString() : null,
    totals: {
      probes24h: Number(row.probes ?? 0),
      ups24h: Number(row.ups ?? 0),
      histogram24h: row.hist ?? [],
      probesUnfolded: Number(row.probes_days ?? 0),
      upsUnfolded: Number(row.ups_days ?? 0),
      probes7dFolded: Number(row.probes7 ?? 0),
      ups7dFolded: Number(row.ups7 ?? 0),
      probes30dFolded: Number(row.probes30 ?? 0),
      ups30dFolded: Number(row.ups30 ?? 0),
    },
  }));
}

function addTotals(a: WindowTotals, b: WindowTotals | undefined): WindowTotals {
  if (!b) return a;
  return {
    probes24h: a.probes24h + b.probes24h,
    ups24h: a.ups24h + b.ups24h,
    histogram24h: mergeHistograms([...a.histogram24h], b.histogram24h),
    probesUnfolded: a.probesUnfolded + b.probesUnfolded,
    upsUnfolded: a.upsUnfolded + b.upsUnfolded,
    probes7dFolded: a.probes7dFolded + b.probes7dFolded,
    ups7dFolded: a.ups7dFolded + b.ups7dFolded,
    probes30dFolded: a.probes30dFolded + b.probes30dFolded,
    ups30dFolded: a.ups30dFolded + b.ups30dFolded,
  };
}

function toSummary(totals: WindowTotals, lastProbedAt: string | null): CheckSummary {
  return {
    uptime24h: ratio(totals.ups24h, totals.probes24h),
    uptime7d: ratio(totals.ups7dFolded + totals.upsUnfolded, totals.probes7dFolded + totals.probesUnfolded),
    uptime30d: ratio(totals.ups30dFolded + totals.upsUnfolded, totals.probes30dFolded + totals.probesUnfolded),
    p50Ms24h: percentileFromHistogram(totals.histogram24h, 0.5),
    p95Ms24h: percentileFromHistogram(totals.histogram24h, 0.95),
    lastProbedAt,
  };
}

/** Settled totals of one account at one window position, filled check by check as pages ask for them. */
interface SettledTotals {
  key: string;
  byCheck: Map<string, WindowTotals>;
  /** Every check of the account has been read (a full-account call). */
  complete: boolean;
}
const settledCache = new WeakMap<Pool, Map<string, SettledTotals>>();

/**
 * Settled totals of the account's checks (or of `checkIds`), each check's read at most once per window
 * position (per pool): a dashboard page reads the settled rollups of its own 50 checks, not the account's.
 */
async function settledTotals(
  db: Pool,
  accountId: string,
  checkIds: readonly string[] | null,
  windows: ReturnType<typeof summaryWindows>,
): Promise<Map<string, WindowTotals>> {
  let accounts = settledCache.get(db);
  if (!accounts) settledCache.set(db, (accounts = new Map()));
  let entry = accounts.get(accountId);
  accounts.delete(accountId); // re-inserted below: Map order is the LRU order
  if (!entry || entry.key !== windows.cacheKey) entry = { key: windows.cacheKey, byCheck: new Map(), complete: false };
  accounts.set(accountId, entry);
  if (accounts.size > MAX_CACHED_ACCOUNTS) accounts.delete(accounts.keys().next().value!);

  const missing = entry.complete ? [] : checkIds === null ? null : checkIds.filter((id) => !entry.byCheck.has(id));
  if (missing === null || missing.length > 0) {
    // Concurrent requests may read the same checks twice; the results are identical, so either may win.
    const rows = await queryWindowTotals(db, accountId, missing, windows.settled);
    for (const row of rows) entry.byCheck.set(row.checkId, row.totals);
    if (missing === null) entry.complete = true;
  }
  return entry.byCheck;
}

/**
 * Latency summary and uptime of every check in the account (or of those in `checkIds`, e.g. one dashboard
 * page), keyed by check id.
 * Settled buckets (all but the last hour or so) are added up once per hour per check and reused; each call
 * reads only the recent hourly buckets, so a dashboard page of 50 checks reads about a hundred rollup rows,
 * not 5,000 (the settled part reads about 24 hourly and 30 daily rows per check and region, once an hour).
 * A backfill of settled buckets (rare: history is written as it happens) shows from the next hour on, or
 * at once after forgetCachedSummaries.
 */
export async function getCheckSummaries(
  db: Pool,
  accountId: string,
  now = Date.now(),
  checkIds: readonly string[] | null = null,
): Promise<Map<string, CheckSummary>> {
  const summaries = new Map<string, CheckSummary>();
  if (!isUuid(accountId)) return summaries;
  const ids = checkIds?.filter(isUuid) ?? null;
  if (ids?.length === 0) return summaries;
  const windows = summaryWindows(now);
  const [settled, recent] = await Promise.all([
    settledTotals(db, accountId, ids, windows),
    queryWindowTotals(db, accountId, ids, windows.recent),
  ]);
  for (const row of recent) summaries.set(row.checkId, toSummary(addTotals(row.totals, settled.get(row.checkId)), row.lastProbedAt));
  return summaries;
}

/** The summary of one check, computed afresh (one check is cheap); null when it is not in this account. */
export async function getCheckSummary(db: Pool, accountId: string, checkId: string): Promise<CheckSummary | null> {
  if (!isUuid(accountId) || !isUuid(checkId)) return null;
  const [row] = await queryWindowTotals(db, accountId, [checkId], summaryWindows(Date.now()).whole);
  return row ? toSummary(row.totals, row.lastProbedAt) : null;
}

/** Drops the reused settled totals of one account (or of every account) for this pool, e.g. after a backfill. */
export function forgetCachedSummaries(db: Pool, accountId?: string): void {
  if (accountId) settledCache.get(db)?.delete(accountId);
  else settledCache.delete(db);
}

/**
 * Daily uptime bars (oldest first, one per UTC day, the last one today) for several checks at once, from
 * rollups_daily and, for the days not folded yet (today), rollups_hourly (see dailyRollupsSql). Callers must have scoped
 * checkIds to one account.
 */
export async function loadDailyUptimeBars(
  db: Pool,
  checkIds: string[],
  days: number,
): Promise<Map<string, DailyUptimeBar[]>> {
  const dayCount = Math.min(Math.max(Math.trunc(days), 1), 366);
  const firstDay = `date_trunc('day', now(), 'UTC') - ($2::int - 1) * interval '1 day'`;
  const [rollups, incidents] = await Promise.all([
    db.query(
      `SELECT check_id, to_char(bucket_start AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day,
              sum(${COUNTED_PROBES('d')})::bigint AS probes, sum(${COUNTED_UPS('d')})::bigint AS ups,
              sum(d.maintenance_probe_count)::bigint AS maintenance_probes
       FROM ${dailyRollupsSql('check_id = ANY($1::uuid[])', firstDay)} d
       GROUP BY check_id, bucket_start`,
      [checkIds, dayCount],
    ),
    // Every UTC day an incident touched, from its start to its end (now while it is open).
    db.query(
      `SELECT i.check_id, to_char(d.day AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, count(*)::int AS incidents
       FROM incidents i,
            generate_series(date_trunc('day', i.started_at, 'UTC'), coalesce(i.resolved_at, now()), interval '24 hours') AS d(day)
       WHERE i.check_id = ANY($1::uuid[]) AND coalesce(i.resolved_at, now()) >= ${firstDay} AND d.day >= ${firstDay}
       GROUP BY 1, 2`,
      [checkIds, dayCount],
    ),
  ]);
  const counts = new Map<string, { probes: number; ups: number; maintenanceProbes: number }>();
  for (const row of rollups.rows) {
    counts.set(`${row.check_id}|${row.day}`, { probes: Number(row.probes), ups: Number(row.ups), maintenanceProbes: Number(row.maintenance_probes) });
  }
  const incidentCounts = new Map<string, number>();
  for (const row of incidents.rows) incidentCounts.set(`${row.check_id}|${row.day}`, row.incidents);
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
        return {
          day,
          probes: count?.probes ?? 0,
          uptime: ratio(count?.ups, count?.probes),
          incidents: incidentCounts.get(`${checkId}|${day}`) ?? 0,
          ...(count?.maintenanceProbes ? { maintenanceProbes: count.maintenanceProbes } : {}),
        };
      }),
    );
  }
  return bars;
}

/** Uptime over all the bars' days (probe-weighted); null without probes. */
export function uptimeOfBars(bars: readonly DailyUptimeBar[]): number | null {
  let probes = 0;
  let ups = 0;
  for (const bar of bars) {
    probes += bar.probes;
    ups += Math.round((bar.uptime ?? 0) * bar.probes);
  }
  return ratio(ups, probes);
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
