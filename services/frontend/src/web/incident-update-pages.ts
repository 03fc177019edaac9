import type { Pool } from '@pingdummy/shared';
import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import { FieldValidationError } from '../data/errors.js';
import {
  createIncidentUpdate,
  deleteIncidentUpdate,
  INCIDENT_UPDATE_MESSAGE_LIMIT,
  INCIDENT_UPDATE_STATUSES,
  IncidentUpdateInput,
  listIncidentUpdates,
} from '../data/incident-updates.js';
import { getIncident, type Incident } from '../data/incidents.js';
import { validateInput } from '../data/validate-input.js';
import { currentUser } from './auth.js';
import { parseForm, text, type FieldErrors } from './forms.js';
import { notFound } from './http-errors.js';
import type { Renderer } from './render.js';

const UpdateForm = z.strictObject({ _csrf: text(200).optional(), status: text(20), message: text() });
const ActionForm = z.strictObject({ _csrf: text(200).optional() });
type UpdateValues = { status: string; message: string };

/** The incident page: facts, the update form and the updates written so far (newest first). */
export async function showIncidentPage(
  req: Request,
  res: Response,
  options: { db: Pool; renderer: Renderer },
  incident: Incident,
  form: { values: UpdateValues; errors: FieldErrors } = { values: { status: 'investigating', message: '' }, errors: {} },
  status = 200,
): Promise<void> {
  const updates = (await listIncidentUpdates(options.db, currentUser(res).accountId, incident.id)) ?? [];
  // The next update most likely moves one step on from the latest.
  const latest = updates[0]?.status;
  const values = form.values.message === '' && latest && Object.keys(form.errors).length === 0
    ? { ...form.values, status: latest }
    : form.values;
  options.renderer.page(
    req,
    res,
    'incident',
    {
      title: `Incident: ${incident.checkName}`,
      incident,
      updates,
      values,
      errors: form.errors,
      statuses: INCIDENT_UPDATE_STATUSES,
      messageLimit: INCIDENT_UPDATE_MESSAGE_LIMIT,
    },
    status,
  );
}

/** Writing and deleting incident updates from the incident page. */
export function addIncidentUpdatePages(router: Router, options: { db: Pool; renderer: Renderer }): void {
  const { db } = options;

  router.post('/incidents/:id/updates', async (req, res) => {
    const { accountId } = currentUser(res);
    const incident = await getIncident(db, accountId, req.params.id);
    if (!incident) throw notFound('incident');
    const { _csrf: _ignored, ...values } = parseForm(UpdateForm, req);
    const parsed = validateInput(IncidentUpdateInput, values);
    if (!parsed.success) return showIncidentPage(req, res, options, incident, { values, errors: parsed.errors }, 422);
    try {
      await createIncidentUpdate(db, accountId, incident.id, parsed.data);
    } catch (error) {
      if (!(error instanceof FieldValidationError)) throw error;
      return showIncidentPage(req, res, options, incident, { values, errors: error.fields }, 422);
    }
    res.redirect(303, `/incidents/${incident.id}?notice=incident-update-posted`);
  });

  router.post('/incidents/:id/updates/:updateId/delete', async (req, res) => {
    parseForm(ActionForm, req);
    if (!(await deleteIncidentUpdate(db, currentUser(res).accountId, req.params.id, req.params.updateId))) throw notFound('incident update');
    res.redirect(303, `/incidents/${req.params.id}?notice=incident-update-deleted`);
  });
}
