import type { Pool } from '@pingdummy/shared';
import type { Request, Router } from 'express';
import {
  DASHBOARD_SEARCH_MAX,
  DASHBOARD_STATES,
  listDashboardChecks,
  type DashboardChecksPage,
  type DashboardQuery,
  type DashboardState,
} from '../data/dashboard-checks.js';
import { loadDashboardGlance } from '../data/dashboard-glance.js';
import { getIncident, listIncidents } from '../data/incidents.js';
import { showIncidentPage } from './incident-update-pages.js';
import { getCheckSummaries } from '../data/summaries.js';
import { checkTargetText } from '../data/tcp-check.js';
import { currentUser } from './auth.js';
import { ms, percent, stateLabel, utc } from './format.js';
import { sparklineSvg, uptimeBarsSvg } from './glance-svg.js';
import { notFound } from './http-errors.js';
import type { Renderer } from './render.js';
import { serverTimingOf, type ServerTiming } from './server-timing.js';

/** One dashboard row, already formatted: the page and /dashboard.json (the polling script) share it. */
export interface DashboardRow {
  id: string;
  name: string;
  url: string;
  state: string;
  stateLabel: string;
  uptime24h: string;
  uptime7d: string;
  uptime30d: string;
  p50: string;
  p95: string;
  lastProbedAt: string | null;
  lastProbed: string;
  /** Inline SVG (server-drawn, escaped): response time of the last 24 h, hourly. */
  sparklineSvg: string;
  /** Inline SVG (server-drawn, escaped): daily uptime of the last 30 days. */
  uptimeBarsSvg: string;
}

/** A dashboard page: its rows (down checks first, then degraded, pending, up, paused) and where it sits. */
export interface DashboardView extends Omit<DashboardChecksPage, 'checks'> {
  rows: DashboardRow[];
  query: DashboardQuery;
  /** The query string of this view (search, state, page), for links and the polling script. */
  queryString: string;
  /** Index of the first and last row shown, 1-based (0 when nothing matches). */
  first: number;
  last: number;
}

/**
 * The dashboard's query from the URL: `q` (search), `state`, `page`. Anything malformed (an unknown state,
 * a repeated parameter, a page that is not a number) falls back to the default instead of an error page.
 */
export function dashboardQueryOf(req: Request): DashboardQuery {
  // A NUL character cannot reach Postgres: a parameter holding one is malformed.
  const param = (name: string) => {
    const value = req.query[name];
    return typeof value === 'string' && !value.includes('\u0000') ? value : '';
  };
  const state = param('state');
  const page = Number.parseInt(param('page'), 10);
  return {
    search: param('q').trim().slice(0, DASHBOARD_SEARCH_MAX),
    state: (DASHBOARD_STATES as readonly string[]).includes(state) ? (state as DashboardState) : null,
    page: Number.isFinite(page) && page > 0 ? page : 1,
  };
}

/** `q=…&state=…&page=…` with the defaults left out (page 1, every state, no search). */
export function dashboardQueryString(query: { search: string; state: string | null; page: number }): string {
  const params = new URLSearchParams();
  if (query.search) params.set('q', query.search);
  if (query.state) params.set('state', query.state);
  if (query.page > 1) params.set('page', String(query.page));
  return params.toString();
}

/**
 * One page of the dashboard with its figures. Only the checks on the page are summarised, so the cost
 * follows the page size, not the account's check count.
 */
export async function dashboardView(db: Pool, accountId: string, query: DashboardQuery, timing?: ServerTiming): Promise<DashboardView> {
  const listed = listDashboardChecks(db, accountId, query);
  const { checks, ...page } = await (timing ? timing.time('db-list', listed) : listed);
  const now = Date.now();
  const checkIds = checks.map((check) => check.id);
  const summarised = getCheckSummaries(db, accountId, now, checkIds);
  // Sparklines and bars of the whole page: one query, read alongside the summaries.
  const glanced = loadDashboardGlance(db, checkIds, now);
  const [summaries, glances] = await Promise.all([
    timing ? timing.time('db-summaries', summarised) : summarised,
    timing ? timing.time('db-glance', glanced) : glanced,
  ]);
  const rows = checks.map((check): DashboardRow => {
    const summary = summaries.get(check.id);
    const lastProbedAt = summary?.lastProbedAt ?? check.lastProbedAt;
    const glance = glances.get(check.id)!;
    return {
      id: check.id,
      name: check.name,
      url: checkTargetText(check.url, check.heartbeat), // host:port for a TCP check, the schedule of a heartbeat
      state: check.state,
      stateLabel: stateLabel(check.state),
      uptime24h: percent(summary?.uptime24h),
      uptime7d: percent(summary?.uptime7d),
      uptime30d: percent(summary?.uptime30d),
      p50: ms(summary?.p50Ms24h),
      p95: ms(summary?.p95Ms24h),
      lastProbedAt,
      lastProbed: utc(lastProbedAt),
      sparklineSvg: sparklineSvg(glance),
      uptimeBarsSvg: uptimeBarsSvg(glance),
    };
  });
  const first = rows.length > 0 ? (page.page - 1) * page.pageSize + 1 : 0;
  const last = rows.length > 0 ? first + rows.length - 1 : 0;
  const shown = { ...query, page: page.page };
  return { ...page, rows, query: shown, queryString: dashboardQueryString(shown), first, last };
}

export function addDashboardPages(router: Router, options: { db: Pool; renderer: Renderer }): void {
  const { db, renderer } = options;

  router.get('/dashboard', async (req, res) => {
    const { accountId } = currentUser(res);
    const timing = serverTimingOf(res);
    const [view, incidents] = await timing.time(
      'db',
      Promise.all([dashboardView(db, accountId, dashboardQueryOf(req), timing), timing.time('db-incidents', listIncidents(db, accountId, { limit: 10 }))]),
    );
    renderer.page(req, res, 'dashboard', {
      title: 'Dashboard',
      view,
      states: DASHBOARD_STATES,
      // Links to other views of the list: a new search or state filter starts again at page 1.
      linkTo: (changes: Partial<DashboardQuery>) => {
        const query = dashboardQueryString({ ...view.query, page: 1, ...changes });
        return query ? `/dashboard?${query}` : '/dashboard';
      },
      incidents,
      scripts: ['/static/js/dashboard.js'],
    });
  });

  /** What the dashboard's script polls: the same page of the same query as the page it was loaded with. */
  router.get('/dashboard.json', async (req, res) => {
    const timing = serverTimingOf(res);
    const { rows, page, pageCount, pageSize, matching, stateCounts, total, first, last } = await timing.time(
      'db',
      dashboardView(db, currentUser(res).accountId, dashboardQueryOf(req), timing),
    );
    res
      .set('cache-control', 'no-store')
      .set('server-timing', timing.header())
      .json({ generatedAt: new Date().toISOString(), checks: rows, page, pageCount, pageSize, matching, stateCounts, total, first, last });
  });

  router.get('/incidents/:id', async (req, res) => {
    const incident = await getIncident(db, currentUser(res).accountId, req.params.id);
    if (!incident) throw notFound('incident');
    await showIncidentPage(req, res, { db, renderer }, incident);
  });
}
