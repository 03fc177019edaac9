/**
 * One page of the dashboard's check list, filtered and ordered in Postgres so a page costs the same with
 * 10 checks or 1,000: problems first (down, degraded, pending, up, paused), then by name.
 */
import type { Pool } from '@pingdummy/shared';
import { checkStateCounts } from './check-state-counts.js';
import { heartbeatScheduleSql, type HeartbeatScheduleFields } from '../heartbeats/schedule-text.js';
import { isoOrNull, isUuid } from './ids.js';
import { searchFilter, type SearchFilter } from './dashboard-search.js';

/** States as the dashboard shows them: a paused check is "paused" whatever its last probe said. */
export const DASHBOARD_STATES = ['down', 'degraded', 'pending', 'up', 'paused'] as const;
export type DashboardState = (typeof DASHBOARD_STATES)[number];

export const DASHBOARD_PAGE_SIZE = 50;
/** Pages beyond this are read as this one (keeps OFFSET a sane number). */
const MAX_PAGE = 1_000_000;
/** Longest search text kept; longer input is cut, never an error. */
export const DASHBOARD_SEARCH_MAX = 100;

export interface DashboardQuery {
  /** Case-insensitive substring of the name or URL; empty: every check. */
  readonly search: string;
  /** Only checks in this state; null: every state. */
  readonly state: DashboardState | null;
  /** 1-based; a page past the end shows the last page. */
  readonly page: number;
  /** @default DASHBOARD_PAGE_SIZE */
  readonly pageSize?: number;
}

export interface DashboardCheck {
  id: string;
  name: string;
  url: string;
  /** A heartbeat check's schedule; null for probed checks. */
  heartbeat: HeartbeatScheduleFields | null;
  state: DashboardState;
  lastProbedAt: string | null;
}

export interface DashboardChecksPage {
  checks: DashboardCheck[];
  /** The page actually shown (clamped to 1..pageCount). */
  page: number;
  pageSize: number;
  pageCount: number;
  /** Checks matching the search and the state filter. */
  matching: number;
  /** Checks matching the search, per state (for the filter links); states without checks are 0. */
  stateCounts: Record<DashboardState, number>;
  /** Every check of the account, whatever the filters. */
  total: number;
}

const DISPLAY_STATE_SQL = `CASE WHEN paused THEN 'paused' ELSE state END`;
const STATE_RANK_SQL = `array_position(ARRAY[${DASHBOARD_STATES.map((state) => `'${state}'`).join(', ')}]::text[], ${DISPLAY_STATE_SQL})`;

/**
 * Checks per state matching the search, and the account's total. The total, and without a search the counts
 * too, come from the state ledger (a few rows); a search counts its matches per state.
 */
async function countByState(db: Pool, accountId: string, filter: SearchFilter): Promise<{ matching: Map<string, number>; total: number }> {
  const [all, searched] = await Promise.all([
    checkStateCounts(db, accountId),
    filter.searching
      ? db.query(`SELECT ${DISPLAY_STATE_SQL} AS state, count(*)::int AS matching FROM checks WHERE account_id = $1 AND ${filter.sql} GROUP BY 1`, [
          accountId,
          filter.value,
        ])
      : null,
  ]);
  const total = [...all.values()].reduce((sum, n) => sum + n, 0);
  if (!searched) return { matching: all, total };
  return { matching: new Map(searched.rows.map((row) => [row.state as string, row.matching as number])), total };
}

function emptyCounts(): Record<DashboardState, number> {
  return Object.fromEntries(DASHBOARD_STATES.map((state) => [state, 0])) as Record<DashboardState, number>;
}

/**
 * The checks of one dashboard page, in two queries: the per-state counts of the checks matching the search (they
 * decide the page count and feed the filter links) and the page itself with LIMIT/OFFSET (see readPage).
 */
export async function listDashboardChecks(db: Pool, accountId: string, query: DashboardQuery): Promise<DashboardChecksPage> {
  const pageSize = query.pageSize ?? DASHBOARD_PAGE_SIZE;
  const stateCounts = emptyCounts();
  if (!isUuid(accountId)) return { checks: [], page: 1, pageSize, pageCount: 1, matching: 0, stateCounts, total: 0 };
  const search = query.search.trim().slice(0, DASHBOARD_SEARCH_MAX);
  const filter = await searchFilter(db, accountId, search || null);

  const requestedPage = Math.min(Math.max(1, Math.trunc(query.page) || 1), MAX_PAGE);
  /**
   * One page in the dashboard's order. With the number of matching checks known, a page in the second half of
   * the list is read backwards from its end (the order index scanned backwards): an OFFSET walks every entry it
   * skips, so the last page of 100,000 checks would otherwise read them all.
   */
  const readPage = async (page: number, matching: number | null) => {
    const offset = (page - 1) * pageSize;
    const after = matching === null ? null : matching - offset - pageSize; // matching checks after this page
    const backwards = after !== null && after < offset;
    const direction = backwards ? 'DESC' : 'ASC';
    const { rows } = await db.query(
      `SELECT id, name, url, ${heartbeatScheduleSql('checks')} AS heartbeat, ${DISPLAY_STATE_SQL} AS state, last_probed_at
       FROM checks
       WHERE account_id = $1 AND ${filter.sql} AND ($3::text IS NULL OR ${DISPLAY_STATE_SQL} = $3)
       ORDER BY ${STATE_RANK_SQL} ${direction}, lower(name) ${direction}, id ${direction}
       LIMIT $4 OFFSET $5`,
      backwards
        ? [accountId, filter.value, query.state, pageSize + Math.min(0, after), Math.max(0, after)]
        : [accountId, filter.value, query.state, pageSize, offset],
    );
    return backwards ? rows.reverse() : rows;
  };
  const pageOf = (counts: { matching: Map<string, number>; total: number }) => {
    for (const state of DASHBOARD_STATES) stateCounts[state] = counts.matching.get(state) ?? 0;
    const matching = query.state ? stateCounts[query.state] : Object.values(stateCounts).reduce((sum, n) => sum + n, 0);
    const pageCount = Math.max(1, Math.ceil(matching / pageSize));
    return { matching, pageCount, page: Math.min(requestedPage, pageCount), total: counts.total };
  };
  let rows: Awaited<ReturnType<typeof readPage>>;
  let shown: ReturnType<typeof pageOf>;
  if (requestedPage === 1) {
    // Page 1 is read alongside the counts: one round trip, not two.
    const [counts, firstPage] = await Promise.all([countByState(db, accountId, filter), readPage(1, null)]);
    shown = pageOf(counts);
    rows = firstPage;
  } else {
    // A later page is chosen (clamped to the last one) and read once the counts are known.
    shown = pageOf(await countByState(db, accountId, filter));
    rows = await readPage(shown.page, shown.matching);
  }
  const { matching, pageCount, page, total } = shown;
  return {
    checks: rows.map((row) => ({ id: row.id, name: row.name, url: row.url, heartbeat: row.heartbeat, state: row.state, lastProbedAt: isoOrNull(row.last_probed_at) })),
    page,
    pageSize,
    pageCount,
    matching,
    stateCounts,
    total,
  };
}
