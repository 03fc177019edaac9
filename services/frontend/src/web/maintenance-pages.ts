import type { Pool } from '@pingdummy/shared';
import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import { listChecks } from '../data/checks.js';
import { FieldValidationError } from '../data/errors.js';
import {
  createMaintenanceWindow,
  deleteMaintenanceWindow,
  getMaintenanceWindow,
  listMaintenanceWindows,
  MAINTENANCE_TEXT_LIMITS,
  MaintenanceWindowInput,
  updateMaintenanceWindow,
  type MaintenanceWindow,
} from '../data/maintenance-windows.js';
import { validateInput } from '../data/validate-input.js';
import { currentUser } from './auth.js';
import { utc } from './format.js';
import { checkbox, checkboxGroup, parseForm, text, type FieldErrors } from './forms.js';
import { notFound } from './http-errors.js';
import type { Renderer } from './render.js';

const MaintenanceForm = z.strictObject({
  _csrf: text(200).optional(),
  title: text(),
  allChecks: checkbox(),
  checkIds: checkboxGroup(),
  recurrence: text(20),
  startsAt: text(40),
  endsAt: text(40),
  weekdays: checkboxGroup(),
  startTime: text(20),
  durationMinutes: text(20),
  timeZone: text(),
});
type MaintenanceFormValues = Omit<z.output<typeof MaintenanceForm>, '_csrf'>;
const ActionForm = z.strictObject({ _csrf: text(200).optional() });

export const WEEKDAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;

/** A date and time as the form's datetime-local inputs send it; the form's times are UTC, like every time the app shows. */
const FORM_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/;

/** The form's strings as API input, with the errors of values that are not even numbers or dates. */
function formToInput(values: MaintenanceFormValues): { input: Record<string, unknown>; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const instant = (field: 'startsAt' | 'endsAt') => {
    const value = values[field].trim();
    if (value === '') return null;
    if (!FORM_DATE_TIME.test(value)) {
      errors[field] = 'must be a date and time (UTC), e.g. 2026-12-01T02:00';
      return null;
    }
    return `${value.length === 16 ? `${value}:00` : value}Z`;
  };
  const duration = values.durationMinutes.trim();
  if (duration !== '' && !/^\d{1,6}$/.test(duration)) errors.durationMinutes = 'must be a whole number of minutes';
  const weekdays = values.weekdays.filter((day) => /^[1-7]$/.test(day)).map(Number);
  if (weekdays.length !== values.weekdays.length) errors.weekdays = 'must be days of the week';
  const weekly = values.recurrence === 'weekly';
  return {
    input: {
      title: values.title,
      allChecks: values.allChecks,
      checkIds: values.allChecks ? [] : values.checkIds,
      recurrence: values.recurrence,
      // Only the chosen recurrence's fields are validated: the other tab of the form may hold anything.
      startsAt: weekly ? null : instant('startsAt'),
      endsAt: weekly ? null : instant('endsAt'),
      weekdays: weekly ? weekdays : null,
      startTime: weekly ? values.startTime.trim() || null : null,
      durationMinutes: weekly && duration !== '' && !errors.durationMinutes ? Number(duration) : null,
      timeZone: values.timeZone.trim() || 'UTC',
    },
    errors,
  };
}

const formTime = (iso: string | null) => (iso ? iso.slice(0, 16) : '');

function windowToValues(window: MaintenanceWindow): MaintenanceFormValues {
  return {
    title: window.title,
    allChecks: window.allChecks,
    checkIds: window.checkIds,
    recurrence: window.recurrence,
    startsAt: formTime(window.startsAt),
    endsAt: formTime(window.endsAt),
    weekdays: (window.weekdays ?? []).map(String),
    startTime: window.startTime ?? '',
    durationMinutes: window.durationMinutes === null ? '' : String(window.durationMinutes),
    timeZone: window.timeZone ?? 'UTC',
  };
}

function newWindowValues(now = Date.now()): MaintenanceFormValues {
  const hour = 3_600_000;
  const start = new Date(Math.ceil(now / hour) * hour);
  return {
    title: '',
    allChecks: false,
    checkIds: [],
    recurrence: 'once',
    startsAt: start.toISOString().slice(0, 16),
    endsAt: new Date(start.getTime() + hour).toISOString().slice(0, 16),
    weekdays: [],
    startTime: '02:00',
    durationMinutes: '60',
    timeZone: 'UTC',
  };
}

/** "Monday, Thursday at 02:00 Europe/Berlin for 90 min" or "2026-12-01 02:00 UTC to 2026-12-01 04:00 UTC". */
export function describeSchedule(window: MaintenanceWindow): string {
  if (window.recurrence === 'once') return `${utc(window.startsAt)} to ${utc(window.endsAt)}`;
  const days = (window.weekdays ?? []).map((day) => WEEKDAY_NAMES[day - 1]).join(', ');
  return `Every ${days} at ${window.startTime} ${window.timeZone} for ${window.durationMinutes} min`;
}

/** Where a window stands: "in progress until …", "next: …" or "over". */
export function describeNext(window: MaintenanceWindow, now = Date.now()): { text: string; active: boolean } {
  if (!window.next) return { text: 'Over', active: false };
  if (Date.parse(window.next.startsAt) <= now) return { text: `In progress until ${utc(window.next.endsAt)}`, active: true };
  return { text: `Next: ${utc(window.next.startsAt)} to ${utc(window.next.endsAt)}`, active: false };
}

/** Maintenance windows: list, create, edit and delete; every lookup is scoped to the signed-in account. */
export function addMaintenancePages(router: Router, options: { db: Pool; renderer: Renderer }): void {
  const { db, renderer } = options;

  async function showForm(req: Request, res: Response, windowId: string | null, values: MaintenanceFormValues, errors: FieldErrors, status = 200) {
    const checks = await listChecks(db, currentUser(res).accountId);
    renderer.page(
      req,
      res,
      'maintenance-form',
      {
        title: windowId ? `Edit ${values.title}` : 'New maintenance window',
        windowId,
        values,
        errors,
        checks,
        weekdayNames: WEEKDAY_NAMES,
        limits: MAINTENANCE_TEXT_LIMITS,
      },
      status,
    );
  }

  /** The validated input, or null after re-rendering the form with every field's error. */
  async function validated(req: Request, res: Response, windowId: string | null): Promise<MaintenanceWindowInput | null> {
    const { _csrf: _ignored, ...values } = parseForm(MaintenanceForm, req);
    const { input, errors } = formToInput(values);
    const parsed = validateInput(MaintenanceWindowInput, input);
    const all: FieldErrors = {};
    // A bad item of a list ("checkIds.0") is shown beside the list.
    for (const [field, message] of Object.entries({ ...(parsed.success ? {} : parsed.errors), ...errors })) all[field.split('.')[0]!] ??= message;
    if (Object.keys(all).length === 0) return input as MaintenanceWindowInput;
    await showForm(req, res, windowId, values, all, 422);
    return null;
  }

  async function saveFailed(req: Request, res: Response, windowId: string | null, error: unknown) {
    if (!(error instanceof FieldValidationError)) throw error;
    const { _csrf: _ignored, ...values } = MaintenanceForm.parse(req.body);
    await showForm(req, res, windowId, values, error.fields, 422);
  }

  router.get('/maintenance', async (req, res) => {
    const { accountId } = currentUser(res);
    const [windows, checks] = await Promise.all([listMaintenanceWindows(db, accountId), listChecks(db, accountId)]);
    const names = new Map(checks.map((check) => [check.id, check.name]));
    renderer.page(req, res, 'maintenance', {
      title: 'Maintenance windows',
      windows: windows.map((window) => ({
        ...window,
        schedule: describeSchedule(window),
        status: describeNext(window),
        checkNames: window.checkIds.map((id) => names.get(id) ?? id),
      })),
    });
  });

  router.get('/maintenance/new', async (req, res) => {
    const values = newWindowValues();
    // "Plan maintenance" on a check's page preselects that check.
    if (typeof req.query.checkId === 'string') values.checkIds = [req.query.checkId];
    await showForm(req, res, null, values, {});
  });

  router.post('/maintenance', async (req, res) => {
    const input = await validated(req, res, null);
    if (!input) return;
    try {
      const window = await createMaintenanceWindow(db, currentUser(res).accountId, input);
      req.log.info({ maintenanceWindowId: window.id }, 'maintenance window created');
    } catch (error) {
      return saveFailed(req, res, null, error);
    }
    res.redirect(303, '/maintenance?notice=maintenance-created');
  });

  router.get('/maintenance/:id/edit', async (req, res) => {
    const window = await getMaintenanceWindow(db, currentUser(res).accountId, req.params.id);
    if (!window) throw notFound('maintenance window');
    await showForm(req, res, window.id, windowToValues(window), {});
  });

  router.post('/maintenance/:id', async (req, res) => {
    const { accountId } = currentUser(res);
    const existing = await getMaintenanceWindow(db, accountId, req.params.id);
    if (!existing) throw notFound('maintenance window');
    const input = await validated(req, res, existing.id);
    if (!input) return;
    try {
      if (!(await updateMaintenanceWindow(db, accountId, existing.id, input))) throw notFound('maintenance window');
    } catch (error) {
      return saveFailed(req, res, existing.id, error);
    }
    res.redirect(303, '/maintenance?notice=maintenance-saved');
  });

  router.post('/maintenance/:id/delete', async (req, res) => {
    parseForm(ActionForm, req);
    if (!(await deleteMaintenanceWindow(db, currentUser(res).accountId, req.params.id))) throw notFound('maintenance window');
    res.redirect(303, '/maintenance?notice=maintenance-deleted');
  });
}
