import {
  checkDefinitionColumns,
  checkDefinitionFromRow,
  HTTP_METHODS,
  type CheckDefinition,
  parseStatusCodes,
  ProbeHeaders,
  withTransaction,
  type Pool,
  type PoolClient,
} from '@pingdummy/shared';
import { z } from 'zod';
import { CheckLimitError, FieldValidationError, type FieldErrors } from './errors.js';
import { restartHeartbeatDeadline } from '../heartbeats/restart-deadline.js';
import { assertRegionsHaveBeacons } from './regions.js';
import { parseOrThrow } from './validate-input.js';
import { isoOrNull, isUuid } from './ids.js';
import { kindFieldErrors, tcpCheckFields, tcpFieldsOfUrl, tcpUrl } from './tcp-check.js';

export { CheckLimitError, FieldValidationError } from './errors.js';

export const CHECK_STATES = ['pending', 'up', 'down', 'degraded'] as const;
export type CheckState = (typeof CHECK_STATES)[number];
export const KEYWORD_MODES = ['present', 'absent'] as const;

const REGION_NAME = /^[a-z0-9][a-z0-9-]{0,63}$/;

/** The longest text each field may hold (characters): the schema's limits and the form's maxlength attributes. */
export const CHECK_TEXT_LIMITS = { name: 200, url: 2048, body: 16_384, expectedStatusCodes: 200, keyword: 1024 } as const;

/**
 * One schema per field, without defaults: CheckInput adds the database's defaults, CheckPatch makes
 * every field optional. The OpenAPI document is generated from these same schemas.
 */
const checkFields = {
  kind: z.enum(['http', 'tcp']).describe('What is probed: an HTTP(S) URL, or a TCP port (host, port, tls). Cannot be changed later.'),
  ...tcpCheckFields,
  name: z.string().trim().min(1, 'is required').max(CHECK_TEXT_LIMITS.name).describe('Display name.'),
  url: z
    .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
    .max(CHECK_TEXT_LIMITS.url, `must be at most ${CHECK_TEXT_LIMITS.url} characters`) // not the URL message above
    .describe('HTTP checks: the URL to probe (http or https); required for kind "http".'),
  method: z.enum(HTTP_METHODS).describe('HTTP method of the probe.'),
  headers: ProbeHeaders.describe('Request headers sent with every probe (no line breaks in values).'),
  body: z.string().max(CHECK_TEXT_LIMITS.body).nullable().describe('Request body, or null.'),
  intervalSeconds: z
    .number()
    .int('must be a whole number')
    .min(10, 'must be at least 10')
    .max(86_400, 'must be at most 86400')
    .describe('Seconds between probes.'),
  timeoutMs: z
    .number()
    .int('must be a whole number')
    .min(100, 'must be at least 100')
    .max(60_000, 'must be at most 60000')
    .describe('Probe timeout in milliseconds; at most intervalSeconds * 1000.'),
  expectedStatusCodes: z
    .string()
    .max(CHECK_TEXT_LIMITS.expectedStatusCodes)
    .superRefine((spec, ctx) => {
      try {
        parseStatusCodes(spec);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
      }
    })
    .describe('Accepted status codes, e.g. "200-299,301".'),
  keyword: z.string().min(1).max(CHECK_TEXT_LIMITS.keyword).nullable().describe('Text the body must contain (or not), or null.'),
  keywordMode: z.enum(KEYWORD_MODES).nullable().describe('Whether keyword must be present or absent; required iff keyword is set.'),
  degradedThresholdMs: z
    .number()
    .int('must be a whole number')
    .min(1, 'must be positive')
    .max(60_000)
    .nullable()
    .describe('Latency above which an answer counts as degraded, or null.'),
  failuresBeforeDown: z.number().int().min(1).max(20).describe('Consecutive failures before the check is down.'),
  recoveriesBeforeUp: z.number().int().min(1).max(20).describe('Consecutive successes before a down check is up again.'),
  regions: z
    .array(z.string().regex(REGION_NAME, 'is not a region name'))
    .max(50)
    .describe('Regions to probe from, each one with a beacon (others are refused); empty means every region with a beacon.'),
  paused: z.boolean().describe('Paused checks are not probed.'),
  isPublic: z.boolean().describe('Shown on the account status page.'),
  showUrlPublicly: z.boolean().describe('Show the URL on the status page.'),
  channelIds: z.array(z.uuid('must be a uuid')).max(50).describe('Notification channels alerted on state changes.'),
};
type CheckFieldName = keyof typeof checkFields;

/** Rules between fields; applied to a new check and to a stored check merged with a patch. */
export function checkCrossFieldErrors(check: {
  intervalSeconds: number;
  timeoutMs: number;
  keyword: string | null;
  keywordMode: string | null;
}): FieldErrors {
  const errors: FieldErrors = {};
  // Compare only values that are valid on their own; an out-of-range interval already has its own message.
  const comparable =
    checkFields.intervalSeconds.safeParse(check.intervalSeconds).success && checkFields.timeoutMs.safeParse(check.timeoutMs).success;
  if (comparable && check.timeoutMs > check.intervalSeconds * 1000) {
    errors.timeoutMs = `must not exceed the interval (${check.intervalSeconds * 1000} ms)`;
  }
  if (check.keyword !== null && check.keywordMode === null) errors.keywordMode = 'is required when keyword is set';
  if (check.keyword === null && check.keywordMode !== null) errors.keyword = 'is required when keywordMode is set';
  return errors;
}

/** A new check; fields left out take the database's defaults. */
export const CheckInput = z
  .strictObject({
    kind: checkFields.kind.default('http'),
    name: checkFields.name,
    url: checkFields.url.optional(),
    host: checkFields.host.optional(),
    port: checkFields.port.optional(),
    tls: checkFields.tls.optional(),
    method: checkFields.method.default('GET'),
    headers: checkFields.headers.default({}),
    body: checkFields.body.default(null),
    intervalSeconds: checkFields.intervalSeconds.default(60),
    timeoutMs: checkFields.timeoutMs.default(10_000),
    expectedStatusCodes: checkFields.expectedStatusCodes.default('200-399'),
    keyword: checkFields.keyword.default(null),
    keywordMode: checkFields.keywordMode.default(null),
    degradedThresholdMs: checkFields.degradedThresholdMs.default(null),
    failuresBeforeDown: checkFields.failuresBeforeDown.default(2),
    recoveriesBeforeUp: checkFields.recoveriesBeforeUp.default(1),
    regions: checkFields.regions.default([]),
    paused: checkFields.paused.default(false),
    isPublic: checkFields.isPublic.default(false),
    showUrlPublicly: checkFields.showUrlPublicly.default(false),
    channelIds: checkFields.channelIds.default([]),
  })
  .superRefine((check, ctx) => {
    for (const [field, message] of Object.entries({ ...checkCrossFieldErrors(check), ...kindFieldErrors(check) })) {
      ctx.addIssue({ code: 'custom', path: [field], message });
    }
  });
/** What callers pass (defaults optional). */
export type CheckInput = z.input<typeof CheckInput>;
/** A validated new check, defaults filled in. */
export type ValidCheckInput = z.output<typeof CheckInput>;

/** Changes to a check: any subset of CheckInput's fields (cross-field rules are checked against the stored row). */
export const CheckPatch = z.strictObject(checkFields).partial();
export type CheckPatch = z.input<typeof CheckPatch>;

export interface Check extends CheckDefinition {
  /** TCP checks' target (null for HTTP checks), read from `url`. */
  host: string | null;
  port: number | null;
  tls: boolean | null;
  paused: boolean;
  isPublic: boolean;
  showUrlPublicly: boolean;
  channelIds: string[];
  state: CheckState;
  /** ISO 8601 timestamps. */
  lastProbedAt: string | null;
  lastLatencyMs: number | null;
  stateChangedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** Fields stored in a column of their own; a TCP check's host, port and tls are stored in `url`. */
type ColumnField = Exclude<CheckFieldName, 'channelIds' | 'host' | 'port' | 'tls'>;
const COLUMN_OF: Record<ColumnField, string> = {
  kind: 'kind',
  name: 'name',
  url: 'url',
  method: 'method',
  headers: 'headers',
  body: 'body',
  intervalSeconds: 'interval_seconds',
  timeoutMs: 'timeout_ms',
  expectedStatusCodes: 'expected_status_codes',
  keyword: 'keyword',
  keywordMode: 'keyword_mode',
  degradedThresholdMs: 'degraded_threshold_ms',
  failuresBeforeDown: 'failures_before_down',
  recoveriesBeforeUp: 'recoveries_before_up',
  regions: 'regions',
  paused: 'paused',
  isPublic: 'is_public',
  showUrlPublicly: 'show_url_publicly',
};

const CHECK_SELECT = `
  SELECT ${checkDefinitionColumns('c')}, c.paused, c.is_public, c.show_url_publicly, c.state, c.last_probed_at,
         c.last_latency_ms, c.state_changed_at, c.created_at, c.updated_at,
         ARRAY(SELECT cc.channel_id FROM check_channels cc WHERE cc.check_id = c.id ORDER BY cc.channel_id) AS channel_ids
  FROM checks c`;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function toCheck(row: any): Check {
  return {
    ...checkDefinitionFromRow(row),
    ...tcpFieldsOfUrl(row.url),
    paused: row.paused,
    isPublic: row.is_public,
    showUrlPublicly: row.show_url_publicly,
    channelIds: row.channel_ids,
    state: row.state,
    lastProbedAt: isoOrNull(row.last_probed_at),
    lastLatencyMs: row.last_latency_ms,
    stateChangedAt: isoOrNull(row.state_changed_at),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

function columnValue(field: ColumnField, value: unknown): unknown {
  return field === 'headers' ? JSON.stringify(value) : value;
}

/** Every check of the account, oldest first. */
export async function listChecks(db: Pool, accountId: string): Promise<Check[]> {
  if (!isUuid(accountId)) return [];
  const { rows } = await db.query(`${CHECK_SELECT} WHERE c.account_id = $1 ORDER BY c.created_at, c.id`, [accountId]);
  return rows.map(toCheck);
}

/** The check, or null when it does not exist in this account. */
export async function getCheck(db: Pool | PoolClient, accountId: string, id: string): Promise<Check | null> {
  if (!isUuid(accountId) || !isUuid(id)) return null;
  const { rows } = await db.query(`${CHECK_SELECT} WHERE c.id = $1 AND c.account_id = $2`, [id, accountId]);
  return rows[0] ? toCheck(rows[0]) : null;
}

/** Replaces the check's channels; every channel must belong to the account. */
export async function setCheckChannels(client: PoolClient, accountId: string, checkId: string, channelIds: string[]): Promise<void> {
  const unique = [...new Set(channelIds)];
  const { rows } = await client.query(`SELECT id FROM notification_channels WHERE account_id = $1 AND id = ANY($2::uuid[])`, [
    accountId,
    unique,
  ]);
  if (rows.length !== unique.length) {
    const known = new Set(rows.map((row) => row.id as string));
    const unknown = unique.filter((id) => !known.has(id));
    throw new FieldValidationError({ channelIds: `must name channels of this account; unknown: ${unknown.join(', ')}` });
  }
  await client.query(`DELETE FROM check_channels WHERE check_id = $1`, [checkId]);
  if (unique.length > 0) {
    await client.query(`INSERT INTO check_channels (check_id, channel_id) SELECT $1, unnest($2::uuid[])`, [checkId, unique]);
  }
}

export interface CreateCheckOptions {
  /** Most checks an account may have unless accounts.check_limit says otherwise. */
  checkLimit: number;
}

/**
 * Locks the account row and throws CheckLimitError when it has no room for one more check of any kind;
 * the lock holds until the caller's transaction ends, so two concurrent creates cannot both take the last slot.
 */
export async function reserveCheckSlot(client: PoolClient, accountId: string, options: CreateCheckOptions): Promise<void> {
  const account = await client.query(`SELECT check_limit FROM accounts WHERE id = $1 FOR NO KEY UPDATE`, [
    isUuid(accountId) ? accountId : null,
  ]);
  if (!account.rows[0]) throw new Error(`account ${accountId} does not exist`);
  const limit: number = account.rows[0].check_limit ?? options.checkLimit;
  const count = await client.query(`SELECT count(*)::int AS n FROM checks WHERE account_id = $1`, [accountId]);
  if (count.rows[0].n >= limit) throw new CheckLimitError(limit);
}

/**
 * Validates and stores a new check.
 * Throws FieldValidationError for bad input (a region without a beacon included) and CheckLimitError when the
 * account is full; the account row is locked while counting, so two concurrent creates cannot both take the last slot.
 */
export async function createCheck(db: Pool, accountId: string, input: CheckInput, options: CreateCheckOptions): Promise<Check> {
  const parsed = parseOrThrow(CheckInput, input);
  // Both set by kindFieldErrors' rules: a TCP check has host and port, an HTTP check a URL.
  const check = { ...parsed, url: parsed.kind === 'tcp' ? tcpUrl({ host: parsed.host!, port: parsed.port!, tls: parsed.tls }) : parsed.url! };
  return withTransaction(db, async (client) => {
    await reserveCheckSlot(client, accountId, options);
    await assertRegionsHaveBeacons(client, check.regions);
    const fields = Object.keys(COLUMN_OF) as (keyof typeof COLUMN_OF)[];
    const inserted = await client.query(
      `INSERT INTO checks (account_id, ${fields.map((field) => COLUMN_OF[field]).join(', ')})
       VALUES ($1, ${fields.map((_, index) => `$${index + 2}`).join(', ')}) RETURNING id`,
      [accountId, ...fields.map((field) => columnValue(field, check[field]))],
    );
    const id: string = inserted.rows[0].id;
    if (check.channelIds.length > 0) await setCheckChannels(client, accountId, id, check.channelIds);
    return (await getCheck(client, accountId, id))!;
  });
}

/** Probe settings that a heartbeat check does not use: its schedule is set with PATCH /heartbeat-checks/{id}. */
const PROBE_ONLY_FIELDS = ['intervalSeconds', 'timeoutMs', 'degradedThresholdMs', 'failuresBeforeDown', 'recoveriesBeforeUp', 'regions'] as const;

/** A patch of a heartbeat check that sets a probe setting is refused, naming the field, rather than stored unused. */
function heartbeatPatchErrors(kind: string, changes: z.output<typeof CheckPatch>): FieldErrors {
  if (kind !== 'heartbeat') return {};
  const errors: FieldErrors = {};
  for (const field of PROBE_ONLY_FIELDS) {
    if (changes[field] !== undefined) errors[field] = 'does not apply to heartbeat checks; set their schedule with PATCH /heartbeat-checks/{id}';
  }
  return errors;
}

/**
 * Applies a patch; null when the check is not in this account. Throws FieldValidationError when the patch is
 * malformed or the merged check breaks a cross-field rule. A new URL or interval, or resuming, makes the check
 * due at once so the change shows in the next scheduler tick instead of after the old interval.
 */
export async function updateCheck(db: Pool, accountId: string, id: string, patch: CheckPatch): Promise<Check | null> {
  const changes = parseOrThrow(CheckPatch, patch);
  if (!isUuid(accountId) || !isUuid(id)) return null;
  return withTransaction(db, async (client) => {
    const locked = await client.query(`SELECT id FROM checks WHERE id = $1 AND account_id = $2 FOR UPDATE`, [id, accountId]);
    if (!locked.rows[0]) return null;
    const current = (await getCheck(client, accountId, id))!;
    if (changes.kind !== undefined && changes.kind !== current.kind) {
      throw new FieldValidationError({ kind: 'cannot be changed; create a new check instead' });
    }
    const merged = { ...current, ...changes };
    const crossFieldErrors = { ...checkCrossFieldErrors(merged), ...kindFieldErrors(merged), ...heartbeatPatchErrors(current.kind, changes) };
    if (Object.keys(crossFieldErrors).length > 0) throw new FieldValidationError(crossFieldErrors);

    if (changes.regions) await assertRegionsHaveBeacons(client, changes.regions, current.regions);
    if (changes.channelIds) await setCheckChannels(client, accountId, id, changes.channelIds);
    // A TCP check's new host, port or tls is a new `url`.
    const values: Partial<Record<ColumnField, unknown>> = { ...changes };
    if (current.kind === 'tcp') merged.url = tcpUrl({ host: merged.host!, port: merged.port!, tls: merged.tls });
    if (merged.url !== current.url) values.url = merged.url;
    const fields = (Object.keys(values) as CheckFieldName[]).filter(
      (field): field is ColumnField => field in COLUMN_OF && values[field as ColumnField] !== undefined,
    );
    if (fields.length === 0 && !changes.channelIds) return current;
    const rescheduled =
      merged.url !== current.url ||
      merged.intervalSeconds !== current.intervalSeconds ||
      (current.paused && !merged.paused);
    const assignments = fields.map((field, index) => `${COLUMN_OF[field]} = $${index + 3}`);
    assignments.push('updated_at = now()');
    if (rescheduled) assignments.push('next_due_at = now()');
    await client.query(`UPDATE checks SET ${assignments.join(', ')} WHERE id = $1 AND account_id = $2`, [
      id,
      accountId,
      ...fields.map((field) => columnValue(field, values[field])),
    ]);
    // A resumed heartbeat check waits one schedule from now, not from before its pause.
    if (current.paused && !merged.paused) await restartHeartbeatDeadline(client, id);
    return getCheck(client, accountId, id);
  });
}

/** Pauses or resumes a check; null when it is not in this account. */
export function setCheckPaused(db: Pool, accountId: string, id: string, paused: boolean): Promise<Check | null> {
  return updateCheck(db, accountId, id, { paused });
}

/** Deletes the check with its results, rollups and incidents; false when it is not in this account. */
export async function deleteCheck(db: Pool, accountId: string, id: string): Promise<boolean> {
  if (!isUuid(accountId) || !isUuid(id)) return false;
  const { rowCount } = await db.query(`DELETE FROM checks WHERE id = $1 AND account_id = $2`, [id, accountId]);
  return (rowCount ?? 0) > 0;
}
