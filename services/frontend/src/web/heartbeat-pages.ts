import type { Pool } from '@pingdummy/shared';
import type { NextFunction, Request, Response, Router } from 'express';
import { getBadgeSetting } from '../data/badges.js';
import { listChannels } from '../data/channels.js';
import { CheckLimitError, FieldValidationError } from '../data/errors.js';
import { createHeartbeatCheck, getHeartbeatCheck, listPings, updateHeartbeatCheck, type HeartbeatCheck } from '../data/heartbeats.js';
import { listIncidents } from '../data/incidents.js';
import { publicMaintenanceOf } from '../data/public-maintenance.js';
import { getCheckSummary, getDailyUptimeBars, uptimeOfBars } from '../data/summaries.js';
import { PING_BODY_LIMIT_BYTES } from '../heartbeats/ping-intake.js';
import { SCHEDULE_LIMITS } from '../heartbeats/schedule.js';
import { currentUser } from './auth.js';
import { topLevelErrors } from './check-form.js';
import { parseForm, type FieldErrors } from './forms.js';
import { defaultHeartbeatFormValues, formToHeartbeatInput, HeartbeatForm, heartbeatToFormValues, type HeartbeatFormValues } from './heartbeat-form.js';
import { notFound } from './http-errors.js';
import type { Renderer } from './render.js';

export interface HeartbeatPageOptions {
  db: Pool;
  renderer: Renderer;
  checkLimit: number;
}

/** This site's origin as the browser sees it (behind the ALB too: trust proxy gives the scheme). */
const originOf = (req: Request) => `${req.protocol}://${req.get('host')}`;

/** The shell snippets of the check page: a plain ping, and a job wrapped in /start and success or /fail. */
function curlExamples(pingUrl: string): { simple: string; wrapped: string } {
  const curl = 'curl -fsS -m 10 --retry 5 -o /dev/null';
  return {
    simple: `${curl} ${pingUrl}`,
    wrapped: [
      `${curl} ${pingUrl}/start`,
      'if output=$(./backup.sh 2>&1); then',
      `  ${curl} --data-raw "$output" ${pingUrl}`,
      'else',
      `  ${curl} --data-raw "$output" ${pingUrl}/fail`,
      'fi',
    ].join('\n'),
  };
}

/**
 * The heartbeat-check pages: the form (new and edit) and the check page with its ping URLs and pings.
 * Mounted before the HTTP check pages: /checks/:id and /checks/:id/edit pass to them unless the check is a
 * heartbeat check. Pause, resume and delete are the common /checks/:id actions.
 */
export function addHeartbeatPages(router: Router, options: HeartbeatPageOptions): void {
  const { db, renderer, checkLimit } = options;

  async function showForm(
    req: Request,
    res: Response,
    form: { checkId: string | null; values: HeartbeatFormValues; errors: FieldErrors },
    status = 200,
  ): Promise<void> {
    const channels = await listChannels(db, currentUser(res).accountId);
    const title = form.checkId ? `Edit ${form.values.name}` : 'New heartbeat check';
    renderer.page(req, res, 'heartbeat-form', { title, ...form, channels, limits: SCHEDULE_LIMITS }, status);
  }

  /** Saves the submitted form with `save`; re-renders it with the fields' errors when the input is refused. */
  async function saveForm(req: Request, res: Response, checkId: string | null, save: (input: ReturnType<typeof formToHeartbeatInput>['input']) => Promise<HeartbeatCheck | null>) {
    const { _csrf: _ignored, ...values } = parseForm(HeartbeatForm, req);
    const { input, errors } = formToHeartbeatInput(values);
    if (Object.keys(errors).length > 0) return showForm(req, res, { checkId, values, errors }, 422);
    try {
      const check = await save(input);
      if (!check) throw notFound('check');
      res.redirect(303, `/checks/${check.id}?notice=${checkId ? 'check-saved' : 'heartbeat-created'}`);
    } catch (error) {
      if (error instanceof FieldValidationError) return showForm(req, res, { checkId, values, errors: topLevelErrors(error.fields) }, 422);
      if (error instanceof CheckLimitError) {
        const message = `You have reached your limit of ${error.limit} checks. Delete a check to add another.`;
        return showForm(req, res, { checkId, values, errors: { form: message } }, 409);
      }
      throw error;
    }
  }

  router.get('/heartbeats/new', async (req, res) => {
    await showForm(req, res, { checkId: null, values: defaultHeartbeatFormValues(), errors: {} });
  });

  router.post('/heartbeats', async (req, res) => {
    const { accountId } = currentUser(res);
    await saveForm(req, res, null, (input) => createHeartbeatCheck(db, accountId, input, { checkLimit }));
  });

  router.post('/heartbeats/:id', async (req, res) => {
    const { accountId } = currentUser(res);
    const existing = await getHeartbeatCheck(db, accountId, req.params.id);
    if (!existing) throw notFound('check');
    await saveForm(req, res, existing.id, (input) => updateHeartbeatCheck(db, accountId, existing.id, input));
  });

  router.get('/checks/:id/edit', async (req: Request, res: Response, next: NextFunction) => {
    const check = await getHeartbeatCheck(db, currentUser(res).accountId, req.params.id as string);
    if (!check) return next();
    await showForm(req, res, { checkId: check.id, values: heartbeatToFormValues(check), errors: {} });
  });

  router.get('/checks/:id', async (req: Request, res: Response, next: NextFunction) => {
    const { accountId } = currentUser(res);
    const check = await getHeartbeatCheck(db, accountId, req.params.id as string);
    if (!check) return next();
    const [summary, bars, incidents, pings, maintenance, badge] = await Promise.all([
      getCheckSummary(db, accountId, check.id),
      getDailyUptimeBars(db, accountId, check.id, 90),
      listIncidents(db, accountId, { checkId: check.id, limit: 20 }),
      listPings(db, accountId, check.id, 50),
      publicMaintenanceOf(db, accountId, [check.id]),
      getBadgeSetting(db, accountId, check.id),
    ]);
    const pingUrl = `${originOf(req)}${check.pingPath}`;
    renderer.page(req, res, 'heartbeat', {
      title: check.name,
      check,
      pingUrl,
      curl: curlExamples(pingUrl),
      bodyLimitBytes: PING_BODY_LIMIT_BYTES,
      summary,
      bars: bars ?? [],
      uptime90d: uptimeOfBars(bars ?? []),
      incidents,
      pings: pings ?? [],
      maintenance: maintenance.get(check.id)!,
      badge,
      badgeUrl: badge?.token ? `${originOf(req)}/badge/${badge.token}.svg` : null,
    });
  });
}
