import type { Pool } from '@pingdummy/shared';
import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import type { AddressAdvisor } from '../checks/address-warnings.js';
import { CHECK_TEXT_LIMITS, checkCrossFieldErrors, CheckInput, CheckLimitError, createCheck, deleteCheck, getCheck, setCheckPaused, updateCheck } from '../data/checks.js';
import { getBadgeSetting } from '../data/badges.js';
import { listChannels } from '../data/channels.js';
import { FieldValidationError } from '../data/errors.js';
import { listIncidents } from '../data/incidents.js';
import { listRegions } from '../data/regions.js';
import { listResults, type ProbeResultRow } from '../data/results.js';
import { validateInput } from '../data/validate-input.js';
import { checkTargetText } from '../data/tcp-check.js';
import { getLatencySeries, SERIES_RANGES, type SeriesRange } from '../data/latency-series.js';
import { getCheckSummary, getDailyUptimeBars, uptimeOfBars } from '../data/summaries.js';
import { publicMaintenanceOf } from '../data/public-maintenance.js';
import { currentUser } from './auth.js';
import { saveSession } from './session.js';
import {
  CheckForm,
  checkToFormValues,
  defaultCheckFormValues,
  formToCheckInput,
  formToValues,
  METHODS,
  topLevelErrors,
  type CheckFormValues,
} from './check-form.js';
import { parseForm, text, type FieldErrors } from './forms.js';
import { HttpError, notFound } from './http-errors.js';
import type { Renderer } from './render.js';
import { serverTimingOf } from './server-timing.js';

const ActionForm = z.strictObject({ _csrf: text(200).optional() });

/**
 * The beacon's refusal when the latest round was refused by the address policy in a region (the worker
 * counts such a round as no result), otherwise null.
 */
function blockedByAddressPolicy(newestFirst: ProbeResultRow[]): string | null {
  const latest = newestFirst[0]?.scheduledAt;
  const refused = newestFirst.find((result) => result.scheduledAt === latest && result.errorClass === 'blocked_address');
  return refused ? (refused.errorMessage ?? 'the address is not allowed') : null;
}

export interface CheckPageOptions {
  db: Pool;
  renderer: Renderer;
  checkLimit: number;
  addressWarnings: AddressAdvisor;
}

/** Create, view, edit, pause, resume and delete checks; every lookup is scoped to the signed-in account. */
export function addCheckPages(router: Router, options: CheckPageOptions): void {
  const { db, renderer, checkLimit, addressWarnings } = options;

  /** Keeps the warnings about a saved check's URL for its page, which the browser is redirected to. */
  async function keepWarnings(req: Request, check: { id: string; url: string }): Promise<void> {
    const messages = (await addressWarnings(check.url)).map((warning) => warning.message);
    if (messages.length === 0) return;
    req.session.checkWarnings = { checkId: check.id, messages };
    // Saved before the redirect to the check's page (express-session would send the 303 first).
    await saveSession(req);
  }

  /** The kept warnings of this check, once: a reload no longer shows them. */
  function takeWarnings(req: Request, checkId: string): string[] {
    const kept = req.session.checkWarnings;
    if (!kept || kept.checkId !== checkId) return [];
    delete req.session.checkWarnings;
    return kept.messages;
  }

  async function showForm(
    req: Request,
    res: Response,
    form: { checkId: string | null; values: CheckFormValues; errors: FieldErrors },
    status = 200,
  ): Promise<void> {
    const { accountId } = currentUser(res);
    const [regions, channels] = await Promise.all([listRegions(db), listChannels(db, accountId)]);
    // Regions stored on the check stay visible even when their beacon is gone, so saving does not drop them.
    const allRegions = [...new Set([...regions, ...form.values.regions])].sort();
    renderer.page(
      req,
      res,
      'check-form',
      {
        title: form.checkId ? `Edit ${form.values.name}` : 'New check',
        ...form,
        regions: allRegions,
        channels,
        methods: METHODS,
        limits: CHECK_TEXT_LIMITS,
      },
      status,
    );
  }

  /** Validates a submitted check form; returns the input or re-renders the form with field errors. */
  async function validatedInput(req: Request, res: Response, checkId: string | null): Promise<CheckInput | null> {
    const values = formToValues(parseForm(CheckForm, req));
    const { input, errors } = formToCheckInput(values);
    const parsed = validateInput(CheckInput, input);
    // zod skips the cross-field rules while a field is invalid; the form shows all problems at once.
    const crossField = checkCrossFieldErrors({
      intervalSeconds: input.intervalSeconds ?? Number.POSITIVE_INFINITY,
      timeoutMs: input.timeoutMs ?? 0,
      keyword: input.keyword ?? null,
      keywordMode: input.keywordMode ?? null,
    });
    const all = { ...crossField, ...(parsed.success ? {} : topLevelErrors(parsed.errors)), ...errors };
    if (Object.keys(all).length > 0) {
      await showForm(req, res, { checkId, values, errors: all }, 422);
      return null;
    }
    return input;
  }

  async function saveFailed(req: Request, res: Response, checkId: string | null, error: unknown): Promise<void> {
    const values = formToValues(CheckForm.parse(req.body));
    if (error instanceof FieldValidationError) {
      return showForm(req, res, { checkId, values, errors: topLevelErrors(error.fields) }, 422);
    }
    if (error instanceof CheckLimitError) {
      return showForm(
        req,
        res,
        { checkId, values, errors: { form: `You have reached your limit of ${error.limit} checks. Delete a check to add another.` } },
        409,
      );
    }
    throw error;
  }

  router.get('/checks/new', async (req, res) => {
    const kind = req.query.kind === 'tcp' ? 'tcp' : 'http';
    await showForm(req, res, { checkId: null, values: defaultCheckFormValues(kind), errors: {} });
  });

  router.post('/checks', async (req, res) => {
    const { accountId } = currentUser(res);
    const input = await validatedInput(req, res, null);
    if (!input) return;
    try {
      const check = await createCheck(db, accountId, input, { checkLimit });
      req.log.info({ checkId: check.id }, 'check created');
      await keepWarnings(req, check);
      res.redirect(303, `/checks/${check.id}?notice=check-created`);
    } catch (error) {
      await saveFailed(req, res, null, error);
    }
  });

  router.get('/checks/:id', async (req, res) => {
    const { accountId } = currentUser(res);
    const timing = serverTimingOf(res);
    const check = await timing.time('db-check', getCheck(db, accountId, req.params.id));
    if (!check) throw notFound('check');
    // One check's summary only: the page costs the same in an account of 5 checks or 1,000.
    const [summary, bars, incidents, results, maintenance, badge] = await timing.time(
      'db',
      Promise.all([
        getCheckSummary(db, accountId, check.id),
        getDailyUptimeBars(db, accountId, check.id, 90),
        listIncidents(db, accountId, { checkId: check.id, limit: 20 }),
        listResults(db, accountId, check.id, { limit: 25 }),
        publicMaintenanceOf(db, accountId, [check.id]),
        getBadgeSetting(db, accountId, check.id),
      ]),
    );
    const range = SERIES_RANGES.includes(req.query.range as SeriesRange) ? (req.query.range as SeriesRange) : '24h';
    const tlsExpiresAt = results?.find((result) => result.tlsExpiresAt)?.tlsExpiresAt ?? null;
    const blocked = blockedByAddressPolicy(results ?? []);
    renderer.page(req, res, 'check', {
      title: check.name,
      check,
      target: checkTargetText(check.url),
      summary,
      bars: bars ?? [],
      uptime90d: uptimeOfBars(bars ?? []),
      incidents,
      results: results ?? [],
      tlsExpiresAt,
      warnings: takeWarnings(req, check.id),
      blocked,
      maintenance: maintenance.get(check.id)!,
      badge,
      badgeUrl: badge?.token ? `${req.protocol}://${req.get('host')}/badge/${badge.token}.svg` : null,
      range,
      ranges: SERIES_RANGES,
      styles: ['/static/uplot/uPlot.min.css'],
      scripts: ['/static/uplot/uPlot.iife.min.js', '/static/js/check-chart.js'],
    });
  });

  router.get('/checks/:id/series.json', async (req, res) => {
    const { accountId } = currentUser(res);
    const range = req.query.range ?? '24h';
    if (typeof range !== 'string' || !SERIES_RANGES.includes(range as SeriesRange)) {
      throw new HttpError(400, `range must be one of ${SERIES_RANGES.join(', ')}`);
    }
    const series = await getLatencySeries(db, accountId, req.params.id, range as SeriesRange);
    if (!series) throw notFound('check');
    res.set('cache-control', 'no-store').json(series);
  });

  router.get('/checks/:id/edit', async (req, res) => {
    const { accountId } = currentUser(res);
    const check = await getCheck(db, accountId, req.params.id);
    if (!check) throw notFound('check');
    await showForm(req, res, { checkId: check.id, values: checkToFormValues(check), errors: {} });
  });

  router.post('/checks/:id', async (req, res) => {
    const { accountId } = currentUser(res);
    const existing = await getCheck(db, accountId, req.params.id);
    if (!existing) throw notFound('check');
    const input = await validatedInput(req, res, existing.id);
    if (!input) return;
    try {
      const check = await updateCheck(db, accountId, existing.id, input);
      if (!check) throw notFound('check');
      await keepWarnings(req, check);
      res.redirect(303, `/checks/${check.id}?notice=check-saved`);
    } catch (error) {
      await saveFailed(req, res, existing.id, error);
    }
  });

  for (const [action, paused] of [
    ['pause', true],
    ['resume', false],
  ] as const) {
    router.post(`/checks/:id/${action}`, async (req, res) => {
      parseForm(ActionForm, req);
      const check = await setCheckPaused(db, currentUser(res).accountId, req.params.id as string, paused);
      if (!check) throw notFound('check');
      res.redirect(303, `/checks/${check.id}?notice=check-${paused ? 'paused' : 'resumed'}`);
    });
  }

  router.post('/checks/:id/delete', async (req, res) => {
    parseForm(ActionForm, req);
    if (!(await deleteCheck(db, currentUser(res).accountId, req.params.id))) throw notFound('check');
    res.redirect(303, '/dashboard?notice=check-deleted');
  });
}
