import type { Pool } from '@pingdummy/shared';
import type { Router } from 'express';
import { listChecks } from '../data/checks.js';
import { getIncident, listIncidents } from '../data/incidents.js';
import { getCheckSummaries } from '../data/summaries.js';
import { currentUser } from './auth.js';
import { displayState, ms, percent, stateLabel, STATE_ORDER, utc } from './format.js';
import { notFound } from './http-errors.js';
import type { Renderer } from './render.js';

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
}

/** Every check of the account with its figures, down checks first, then degraded, pending, up, paused. */
export async function dashboardRows(db: Pool, accountId: string): Promise<DashboardRow[]> {
  const [checks, summaries] = await Promise.all([listChecks(db, accountId), getCheckSummaries(db, accountId)]);
  return checks
    .map((check) => {
      const summary = summaries.get(check.id);
      const state = displayState(check);
      const lastProbedAt = summary?.lastProbedAt ?? check.lastProbedAt;
      return {
        id: check.id,
        name: check.name,
        url: check.url,
        state,
        stateLabel: stateLabel(state),
        uptime24h: percent(summary?.uptime24h),
        uptime7d: percent(summary?.uptime7d),
        uptime30d: percent(summary?.uptime30d),
        p50: ms(summary?.p50Ms24h),
        p95: ms(summary?.p95Ms24h),
        lastProbedAt,
        lastProbed: utc(lastProbedAt),
      };
    })
    .sort((a, b) => (STATE_ORDER[a.state] ?? 9) - (STATE_ORDER[b.state] ?? 9) || a.name.localeCompare(b.name));
}

export function addDashboardPages(router: Router, options: { db: Pool; renderer: Renderer }): void {
  const { db, renderer } = options;

  router.get('/dashboard', async (req, res) => {
    const { accountId } = currentUser(res);
    const [rows, incidents] = await Promise.all([dashboardRows(db, accountId), listIncidents(db, accountId, { limit: 10 })]);
    renderer.page(req, res, 'dashboard', {
      title: 'Dashboard',
      rows,
      incidents,
      scripts: ['/static/js/dashboard.js'],
    });
  });

  router.get('/dashboard.json', async (_req, res) => {
    const rows = await dashboardRows(db, currentUser(res).accountId);
    res.set('cache-control', 'no-store').json({ generatedAt: new Date().toISOString(), checks: rows });
  });

  router.get('/incidents/:id', async (req, res) => {
    const incident = await getIncident(db, currentUser(res).accountId, req.params.id);
    if (!incident) throw notFound('incident');
    renderer.page(req, res, 'incident', { title: `Incident: ${incident.checkName}`, incident });
  });
}
