/**
 * Maintenance windows: planned time in which probes go on but a state change opens no incident and alerts no
 * one (the worker decides, see services/worker/src/maintenance.ts), and uptime leaves out the probes made inside.
 *
 * A window is one-off (startsAt .. endsAt, any instants) or weekly: on some ISO weekdays (1 = Monday), at a wall
 * clock time in an IANA time zone, for a number of minutes. Weekly rather than an RRULE: it says what people plan
 * ("Sundays 02:00-04:00 Europe/Berlin"), it follows daylight saving time in the zone, and Postgres expands it
 * (`maintenance_occurrences`, migration 007), so the worker's test and the pages share one definition without
 * an RRULE engine in the worker's hot path.
 */
import { withTransaction, type Pool } from '@pingdummy/shared';
import { z } from 'zod';
import { FieldValidationError, type FieldErrors } from './errors.js';
import { isoOrNull, isUuid } from './ids.js';
import { parseOrThrow } from './validate-input.js';

export const RECURRENCES = ['once', 'weekly'] as const;
export type Recurrence = (typeof RECURRENCES)[number];

export const MAINTENANCE_TEXT_LIMITS = { title: 200, timeZone: 100 } as const;
/** Longest weekly occurrence: a week (a longer one would overlap the next). */
export const MAX_DURATION_MINUTES = 10_080;
const MAX_CHECK_IDS = 500;

const instant = z.iso
  .datetime({ offset: true, error: 'must be an ISO 8601 date and time with a zone, e.g. 2026-12-01T02:00:00Z' })
  .nullable()
  .optional();

const isInstant = (value: string | null | undefined): value is string => typeof value === 'string' && instant.safeParse(value).success;

/** True when this runtime knows the IANA zone name (the database is asked too before a save). */
function isKnownTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** The rules between fields; one message per field, keyed by the field's name. */
export function windowCrossFieldErrors(window: {
  allChecks: boolean;
  checkIds: string[];
  recurrence: Recurrence;
  startsAt?: string | null;
  endsAt?: string | null;
  weekdays?: number[] | null;
  startTime?: string | null;
  durationMinutes?: number | null;
}): FieldErrors {
  const errors: FieldErrors = {};
  if (!window.allChecks && window.checkIds.length === 0) errors.checkIds = 'must name at least one check (or set allChecks)';
  if (window.recurrence === 'once') {
    if (!window.startsAt) errors.startsAt = 'is required for a one-off window';
    if (!window.endsAt) errors.endsAt = 'is required for a one-off window';
    // Compared only when both are valid instants: a malformed one has its own message already.
    else if (isInstant(window.startsAt) && isInstant(window.endsAt) && Date.parse(window.endsAt) <= Date.parse(window.startsAt!)) {
      errors.endsAt = 'must be after startsAt';
    }
  } else {
    if (!window.weekdays || window.weekdays.length === 0) errors.weekdays = 'must name at least one day (1 = Monday .. 7 = Sunday)';
    if (!window.startTime) errors.startTime = 'is required for a weekly window';
    if (!window.durationMinutes) errors.durationMinutes = 'is required for a weekly window';
  }
  return errors;
}

/** A maintenance window as the API and the forms send it; fields of the other recurrence are ignored. */
export const MaintenanceWindowInput = z
  .strictObject({
    title: z.string().trim().min(1, 'is required').max(MAINTENANCE_TEXT_LIMITS.title).describe('What is being done; shown on the public status page.'),
    allChecks: z.boolean().default(false).describe('The window covers every check of the account, present and future.'),
    checkIds: z.array(z.uuid()).max(MAX_CHECK_IDS).default([]).describe('The checks covered when allChecks is false.'),
    recurrence: z.enum(RECURRENCES).default('once').describe('once: from startsAt to endsAt; weekly: on weekdays at startTime in timeZone for durationMinutes.'),
    startsAt: instant.describe('Start of a one-off window.'),
    endsAt: instant.describe('End of a one-off window; after startsAt.'),
    weekdays: z
      .array(z.number().int().min(1).max(7))
      .max(7)
      .nullable()
      .optional()
      .describe('Weekly: ISO days of the week, 1 = Monday .. 7 = Sunday.'),
    startTime: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day as HH:MM (24-hour)')
      .nullable()
      .optional()
      .describe('Weekly: wall-clock start in timeZone, HH:MM.'),
    durationMinutes: z.number().int().min(1).max(MAX_DURATION_MINUTES).nullable().optional().describe('Weekly: length of each occurrence.'),
    timeZone: z
      .string()
      .max(MAINTENANCE_TEXT_LIMITS.timeZone)
      .refine(isKnownTimeZone, 'must be an IANA time zone such as Europe/Berlin or UTC')
      .default('UTC')
      .describe('Weekly: IANA time zone of startTime; daylight saving time is followed.'),
  })
  .superRefine((window, ctx) => {
    for (const [field, message] of Object.entries(windowCrossFieldErrors(window))) ctx.addIssue({ code: 'custom', path: [field], message });
  });
export type MaintenanceWindowInput = z.input<typeof MaintenanceWindowInput>;

export interface MaintenanceWindow {
  id: string;
  title: string;
  allChecks: boolean;
  checkIds: string[];
  recurrence: Recurrence;
  startsAt: string | null;
  endsAt: string | null;
  weekdays: number[] | null;
  startTime: string | null;
  durationMinutes: number | null;
  timeZone: string | null;
  /** The occurrence going on now, or the next one; null when the window is over. */
  next: { startsAt: string; endsAt: string } | null;
  createdAt: string;
  updatedAt: string;
}

/** One occurrence of a window, for pages that show current and upcoming maintenance. */
export interface MaintenanceOccurrence {
  windowId: string;
  title: string;
  startsAt: string;
  endsAt: string;
  allChecks: boolean;
  checkIds: string[];
}

// The occurrence going on now or next: a weekly window occurs within any 8 days; a one-off one may be far ahead.
const WINDOW_SELECT = `
  SELECT w.id, w.title, w.all_checks, w.recurrence, w.starts_at, w.ends_at, w.weekdays, to_char(w.start_time, 'HH24:MI') AS start_time,
         w.duration_minutes, w.time_zone, w.created_at, w.updated_at,
         coalesce((SELECT array_agg(wc.check_id::text ORDER BY wc.check_id) FROM maintenance_window_checks wc WHERE wc.window_id = w.id), '{}') AS check_ids,
         n.starts_at AS next_starts_at, n.ends_at AS next_ends_at
  FROM maintenance_windows w
  LEFT JOIN LATERAL (
    SELECT o.starts_at, o.ends_at
    FROM maintenance_occurrences(w, now(), CASE w.recurrence WHEN 'once' THEN 'infinity'::timestamptz ELSE now() + interval '8 days' END) o
    ORDER BY o.starts_at LIMIT 1) n ON true`;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function toWindow(row: any): MaintenanceWindow {
  return {
    id: row.id,
    title: row.title,
    allChecks: row.all_checks,
    checkIds: row.check_ids,
    recurrence: row.recurrence,
    startsAt: isoOrNull(row.starts_at),
    endsAt: isoOrNull(row.ends_at),
    weekdays: row.weekdays,
    startTime: row.start_time,
    durationMinutes: row.duration_minutes,
    timeZone: row.time_zone,
    next: row.next_starts_at ? { startsAt: row.next_starts_at.toISOString(), endsAt: row.next_ends_at.toISOString() } : null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** The account's windows: current and upcoming first (by their next occurrence), then the ones that are over. */
export async function listMaintenanceWindows(db: Pool, accountId: string): Promise<MaintenanceWindow[]> {
  if (!isUuid(accountId)) return [];
  const { rows } = await db.query(
    `${WINDOW_SELECT} WHERE w.account_id = $1 ORDER BY next_starts_at NULLS LAST, w.starts_at DESC, w.title, w.id`,
    [accountId],
  );
  return rows.map(toWindow);
}

/** One window; null when it is not in this account. */
export async function getMaintenanceWindow(db: Pool, accountId: string, id: string): Promise<MaintenanceWindow | null> {
  if (!isUuid(accountId) || !isUuid(id)) return null;
  const { rows } = await db.query(`${WINDOW_SELECT} WHERE w.id = $1 AND w.account_id = $2`, [id, accountId]);
  return rows[0] ? toWindow(rows[0]) : null;
}

/**
 * Validates the input (FieldValidationError naming the field): its shape, then what only the database knows
 * (the time zone, which Postgres expands the window in; the checks, which must be this account's).
 */
async function validatedWindow(db: Pool, accountId: string, input: MaintenanceWindowInput) {
  const window = parseOrThrow(MaintenanceWindowInput, input);
  const checkIds = window.allChecks ? [] : [...new Set(window.checkIds)];
  const weekly = window.recurrence === 'weekly';
  const [zone, owned] = await Promise.all([
    weekly ? db.query(`SELECT 1 FROM pg_timezone_names WHERE name = $1`, [window.timeZone]) : null,
    db.query(`SELECT id::text FROM checks WHERE account_id = $1 AND id = ANY($2::uuid[])`, [accountId, checkIds]),
  ]);
  const errors: FieldErrors = {};
  if (zone && zone.rows.length === 0) errors.timeZone = 'is not a time zone this server knows; use an IANA name such as Europe/Berlin';
  const ownedIds = new Set(owned.rows.map((row) => row.id as string));
  const foreign = checkIds.find((id) => !ownedIds.has(id));
  if (foreign) errors.checkIds = `names ${foreign}, which is not a check of this account`;
  if (Object.keys(errors).length > 0) throw new FieldValidationError(errors);
  return {
    title: window.title,
    allChecks: window.allChecks,
    checkIds,
    recurrence: window.recurrence,
    startsAt: weekly ? null : window.startsAt!,
    endsAt: weekly ? null : window.endsAt!,
    weekdays: weekly ? [...new Set(window.weekdays!)].sort() : null,
    startTime: weekly ? window.startTime! : null,
    durationMinutes: weekly ? window.durationMinutes! : null,
    timeZone: weekly ? window.timeZone : null,
  };
}

type ValidatedWindow = Awaited<ReturnType<typeof validatedWindow>>;
const windowValues = (w: ValidatedWindow) => [w.title, w.allChecks, w.recurrence, w.startsAt, w.endsAt, w.weekdays, w.startTime, w.durationMinutes, w.timeZone];

/** Validates (FieldValidationError) and stores a window with its checks. */
export async function createMaintenanceWindow(db: Pool, accountId: string, input: MaintenanceWindowInput): Promise<MaintenanceWindow> {
  const window = await validatedWindow(db, accountId, input);
  const id = await withTransaction(db, async (client) => {
    const { rows } = await client.query(
      `INSERT INTO maintenance_windows (account_id, title, all_checks, recurrence, starts_at, ends_at, weekdays, start_time,
                                        duration_minutes, time_zone)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
      [accountId, ...windowValues(window)],
    );
    await client.query(`INSERT INTO maintenance_window_checks (window_id, check_id) SELECT $1, unnest($2::uuid[])`, [rows[0].id, window.checkIds]);
    return rows[0].id as string;
  });
  return (await getMaintenanceWindow(db, accountId, id))!;
}

/** Replaces every field and the checks of a window; null when it is not in this account. */
export async function updateMaintenanceWindow(
  db: Pool,
  accountId: string,
  id: string,
  input: MaintenanceWindowInput,
): Promise<MaintenanceWindow | null> {
  const window = await validatedWindow(db, accountId, input);
  if (!isUuid(accountId) || !isUuid(id)) return null;
  const updated = await withTransaction(db, async (client) => {
    const { rowCount } = await client.query(
      `UPDATE maintenance_windows SET title = $3, all_checks = $4, recurrence = $5, starts_at = $6, ends_at = $7, weekdays = $8,
              start_time = $9, duration_minutes = $10, time_zone = $11, updated_at = now()
       WHERE id = $1 AND account_id = $2`,
      [id, accountId, ...windowValues(window)],
    );
    if (!rowCount) return false;
    await client.query(`DELETE FROM maintenance_window_checks WHERE window_id = $1`, [id]);
    await client.query(`INSERT INTO maintenance_window_checks (window_id, check_id) SELECT $1, unnest($2::uuid[])`, [id, window.checkIds]);
    return true;
  });
  return updated ? getMaintenanceWindow(db, accountId, id) : null;
}

/** Deletes a window; false when it is not in this account. */
export async function deleteMaintenanceWindow(db: Pool, accountId: string, id: string): Promise<boolean> {
  if (!isUuid(accountId) || !isUuid(id)) return false;
  const { rowCount } = await db.query(`DELETE FROM maintenance_windows WHERE id = $1 AND account_id = $2`, [id, accountId]);
  return (rowCount ?? 0) > 0;
}

/**
 * Occurrences overlapping [from, to) of the account's windows that cover any of `checkIds` (every window when
 * null), soonest first. Callers keep the range short (days): a weekly window yields one row per matching day.
 */
export async function listMaintenanceOccurrences(
  db: Pool,
  accountId: string,
  range: { from: Date; to: Date; checkIds?: readonly string[] | null },
): Promise<MaintenanceOccurrence[]> {
  if (!isUuid(accountId)) return [];
  const checkIds = range.checkIds?.filter(isUuid) ?? null;
  if (checkIds?.length === 0) return [];
  const { rows } = await db.query(
    `SELECT w.id, w.title, w.all_checks, o.starts_at, o.ends_at,
            coalesce((SELECT array_agg(wc.check_id::text ORDER BY wc.check_id) FROM maintenance_window_checks wc WHERE wc.window_id = w.id), '{}') AS check_ids
     FROM maintenance_windows w, LATERAL maintenance_occurrences(w, $3, $4) o
     WHERE w.account_id = $1
       AND ($2::uuid[] IS NULL OR w.all_checks
            OR EXISTS (SELECT 1 FROM maintenance_window_checks wc WHERE wc.window_id = w.id AND wc.check_id = ANY($2::uuid[])))
     ORDER BY o.starts_at, w.title, w.id`,
    [accountId, checkIds, range.from, range.to],
  );
  return rows.map((row) => ({
    windowId: row.id,
    title: row.title,
    startsAt: row.starts_at.toISOString(),
    endsAt: row.ends_at.toISOString(),
    allChecks: row.all_checks,
    checkIds: row.check_ids,
  }));
}

/** How far ahead pages list upcoming maintenance. */
export const UPCOMING_MAINTENANCE_DAYS = 7;

/** The occurrences that cover one check (its own window or one for all checks). */
export function occurrencesOfCheck(occurrences: readonly MaintenanceOccurrence[], checkId: string): MaintenanceOccurrence[] {
  return occurrences.filter((occurrence) => occurrence.allChecks || occurrence.checkIds.includes(checkId));
}
