import { withTransaction, type Pool, type PoolClient } from '@pingdummy/shared';
import { z } from 'zod';
import { restartHeartbeatDeadline } from '../heartbeats/restart-deadline.js';
import { cronProblem, isKnownTimezone, lateAt, SCHEDULE_LIMITS, type HeartbeatSchedule } from '../heartbeats/schedule.js';
import { CheckPatch, reserveCheckSlot, setCheckChannels, type CheckState, type CreateCheckOptions } from './checks.js';
import { FieldValidationError, type FieldErrors } from './errors.js';
import { isoOrNull, isUuid } from './ids.js';
import { parseOrThrow } from './validate-input.js';

const seconds = (what: string) =>
  z
    .number()
    .int('must be a whole number')
    .min(SCHEDULE_LIMITS.minSeconds, `must be at least ${SCHEDULE_LIMITS.minSeconds}`)
    .max(SCHEDULE_LIMITS.maxSeconds, `must be at most ${SCHEDULE_LIMITS.maxSeconds}`)
    .describe(what);

/** The fields of a heartbeat check; name, pause, visibility and channels follow the same rules as any check. */
const heartbeatFields = {
  name: CheckPatch.shape.name.unwrap(),
  periodSeconds: seconds('Seconds between expected pings (60 to 31536000); null when cron is set.').nullable(),
  graceSeconds: seconds('How late a ping may be before the check is down; also the longest a started job may run.'),
  cron: z
    .string()
    .trim()
    .min(1, 'is required')
    .max(SCHEDULE_LIMITS.cronLength)
    .nullable()
    .describe('Five-field cron expression of the expected pings (e.g. "0 2 * * *"); null when periodSeconds is set.'),
  timezone: z
    .string()
    .max(SCHEDULE_LIMITS.timezoneLength)
    .refine(isKnownTimezone, 'is not a known IANA time zone (e.g. Europe/Paris, UTC)')
    .nullable()
    .describe('IANA time zone of the cron expression; defaults to UTC when cron is set.'),
  paused: CheckPatch.shape.paused.unwrap(),
  isPublic: CheckPatch.shape.isPublic.unwrap(),
  channelIds: CheckPatch.shape.channelIds.unwrap(),
};

/** Defaults of a new heartbeat check: a daily job with an hour of grace (as Healthchecks does). */
export const HEARTBEAT_DEFAULTS = { periodSeconds: 86_400, graceSeconds: 3_600, timezone: 'UTC' } as const;

/** A new heartbeat check; without cron it expects a ping every periodSeconds (default one day). */
export const HeartbeatInput = z.strictObject({
  name: heartbeatFields.name,
  periodSeconds: heartbeatFields.periodSeconds.optional(),
  graceSeconds: heartbeatFields.graceSeconds.default(HEARTBEAT_DEFAULTS.graceSeconds),
  cron: heartbeatFields.cron.optional(),
  timezone: heartbeatFields.timezone.optional(),
  paused: heartbeatFields.paused.default(false),
  isPublic: heartbeatFields.isPublic.default(false),
  channelIds: heartbeatFields.channelIds.default([]),
});
export type HeartbeatInput = z.input<typeof HeartbeatInput>;

/** Changes to a heartbeat check. Setting cron clears periodSeconds and the other way round. */
export const HeartbeatPatch = z.strictObject(heartbeatFields).partial();
export type HeartbeatPatch = z.input<typeof HeartbeatPatch>;

/** A heartbeat check as the API and pages show it. */
export interface HeartbeatCheck {
  id: string;
  kind: 'heartbeat';
  name: string;
  periodSeconds: number | null;
  graceSeconds: number;
  cron: string | null;
  timezone: string | null;
  /** The secret of the ping URLs: anyone who knows it can ping the check. */
  pingKey: string;
  /** `/ping/<pingKey>` on this site; append `/start` or `/fail` for the other signals. */
  pingPath: string;
  paused: boolean;
  isPublic: boolean;
  channelIds: string[];
  state: CheckState;
  stateChangedAt: string | null;
  lastPingAt: string | null;
  lastSuccessAt: string | null;
  lastFailAt: string | null;
  /** Set while a job that sent /start has not finished. */
  runningSince: string | null;
  /** How long the last job ran, from its /start to the next success or fail ping. */
  lastDurationMs: number | null;
  /** When the check will be down if no ping comes (grace included). */
  lateAt: string;
  createdAt: string;
  updatedAt: string;
}

/** The schedule resolved from stored values and a patch; errors name the field. */
function resolveSchedule(
  current: { periodSeconds: number | null; cron: string | null; timezone: string | null; graceSeconds: number },
  patch: { periodSeconds?: number | null; cron?: string | null; timezone?: string | null; graceSeconds?: number },
): HeartbeatSchedule {
  const errors: FieldErrors = {};
  const cronGiven = patch.cron !== undefined && patch.cron !== null;
  const periodGiven = patch.periodSeconds !== undefined && patch.periodSeconds !== null;
  if (cronGiven && periodGiven) errors.cron = 'give either cron or periodSeconds, not both';
  const cron = cronGiven ? patch.cron! : periodGiven ? null : patch.cron === null ? null : current.cron;
  const periodSeconds = periodGiven ? patch.periodSeconds! : cron !== null ? null : (current.periodSeconds ?? HEARTBEAT_DEFAULTS.periodSeconds);
  const graceSeconds = patch.graceSeconds ?? current.graceSeconds;
  if (cron === null) {
    if (patch.timezone) errors.timezone = 'applies only with cron';
    if (Object.keys(errors).length > 0) throw new FieldValidationError(errors);
    return { periodSeconds: periodSeconds!, cron: null, timezone: null, graceSeconds };
  }
  const timezone = patch.timezone ?? current.timezone ?? HEARTBEAT_DEFAULTS.timezone;
  const problem = errors.cron ? null : cronProblem(cron, timezone);
  if (problem) errors.cron = problem;
  if (Object.keys(errors).length > 0) throw new FieldValidationError(errors);
  return { periodSeconds: null, cron, timezone, graceSeconds };
}

const HEARTBEAT_SELECT = `
  SELECT c.id, c.name, c.paused, c.is_public, c.state, c.state_changed_at, c.created_at, c.updated_at,
         h.ping_key, h.period_seconds, h.grace_seconds, h.cron, h.timezone, h.last_ping_at, h.last_success_at,
         h.last_fail_at, h.running_since, h.last_duration_ms, h.late_at,
         ARRAY(SELECT cc.channel_id FROM check_channels cc WHERE cc.check_id = c.id ORDER BY cc.channel_id) AS channel_ids
  FROM checks c JOIN heartbeats h ON h.check_id = c.id`;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function toHeartbeatCheck(row: any): HeartbeatCheck {
  return {
    id: row.id,
    kind: 'heartbeat',
    name: row.name,
    periodSeconds: row.period_seconds,
    graceSeconds: row.grace_seconds,
    cron: row.cron,
    timezone: row.timezone,
    pingKey: row.ping_key,
    pingPath: `/ping/${row.ping_key}`,
    paused: row.paused,
    isPublic: row.is_public,
    channelIds: row.channel_ids,
    state: row.state,
    stateChangedAt: isoOrNull(row.state_changed_at),
    lastPingAt: isoOrNull(row.last_ping_at),
    lastSuccessAt: isoOrNull(row.last_success_at),
    lastFailAt: isoOrNull(row.last_fail_at),
    runningSince: isoOrNull(row.running_since),
    lastDurationMs: row.last_duration_ms === null ? null : Number(row.last_duration_ms),
    lateAt: row.late_at.toISOString(),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** The heartbeat check, or null when this account has no heartbeat check with that id. */
export async function getHeartbeatCheck(db: Pool | PoolClient, accountId: string, id: string): Promise<HeartbeatCheck | null> {
  if (!isUuid(accountId) || !isUuid(id)) return null;
  const { rows } = await db.query(`${HEARTBEAT_SELECT} WHERE c.id = $1 AND c.account_id = $2`, [id, accountId]);
  return rows[0] ? toHeartbeatCheck(rows[0]) : null;
}

/**
 * Validates and stores a new heartbeat check (kind 'heartbeat', no URL, never claimed by the prober).
 * Throws FieldValidationError naming the field (a bad cron names `cron`) and CheckLimitError when the account is full.
 */
export async function createHeartbeatCheck(
  db: Pool,
  accountId: string,
  input: HeartbeatInput,
  options: CreateCheckOptions,
): Promise<HeartbeatCheck> {
  const check = parseOrThrow(HeartbeatInput, input);
  const schedule = resolveSchedule({ periodSeconds: null, cron: null, timezone: null, graceSeconds: check.graceSeconds }, check);
  return withTransaction(db, async (client) => {
    await reserveCheckSlot(client, accountId, options);
    const inserted = await client.query(
      `INSERT INTO checks (account_id, kind, name, url, paused, is_public) VALUES ($1, 'heartbeat', $2, '', $3, $4)
       RETURNING id, created_at`,
      [accountId, check.name, check.paused, check.isPublic],
    );
    const { id, created_at: createdAt } = inserted.rows[0];
    await client.query(
      `INSERT INTO heartbeats (check_id, period_seconds, cron, timezone, grace_seconds, late_at) VALUES ($1, $2, $3, $4, $5, $6)`,
      [id, schedule.periodSeconds, schedule.cron, schedule.timezone, schedule.graceSeconds, lateAt(schedule, { lastSuccessAt: null, runningSince: null, createdAt })],
    );
    if (check.channelIds.length > 0) await setCheckChannels(client, accountId, id, check.channelIds);
    return (await getHeartbeatCheck(client, accountId, id))!;
  });
}

/**
 * Applies a patch to a heartbeat check; null when the account has no heartbeat check with that id. A new
 * schedule moves the deadline at once (from the last success ping, or the creation before the first one).
 */
export async function updateHeartbeatCheck(
  db: Pool,
  accountId: string,
  id: string,
  patch: HeartbeatPatch,
): Promise<HeartbeatCheck | null> {
  const changes = parseOrThrow(HeartbeatPatch, patch);
  if (!isUuid(accountId) || !isUuid(id)) return null;
  return withTransaction(db, async (client) => {
    const locked = await client.query(
      `SELECT c.id FROM checks c JOIN heartbeats h ON h.check_id = c.id WHERE c.id = $1 AND c.account_id = $2 FOR UPDATE`,
      [id, accountId],
    );
    if (!locked.rows[0]) return null;
    const current = (await getHeartbeatCheck(client, accountId, id))!;
    const schedule = resolveSchedule(current, changes);
    if (changes.channelIds) await setCheckChannels(client, accountId, id, changes.channelIds);
    await client.query(
      `UPDATE checks SET name = $3, paused = $4, is_public = $5, updated_at = now() WHERE id = $1 AND account_id = $2`,
      [id, accountId, changes.name ?? current.name, changes.paused ?? current.paused, changes.isPublic ?? current.isPublic],
    );
    const progress = {
      lastSuccessAt: current.lastSuccessAt ? new Date(current.lastSuccessAt) : null,
      runningSince: current.runningSince ? new Date(current.runningSince) : null,
      createdAt: new Date(current.createdAt),
    };
    await client.query(
      `UPDATE heartbeats SET period_seconds = $2, cron = $3, timezone = $4, grace_seconds = $5, late_at = $6 WHERE check_id = $1`,
      [id, schedule.periodSeconds, schedule.cron, schedule.timezone, schedule.graceSeconds, lateAt(schedule, progress)],
    );
    if (current.paused && changes.paused === false) await restartHeartbeatDeadline(client, id);
    return getHeartbeatCheck(client, accountId, id);
  });
}

/** One received ping, as the check page and the API list them. */
export interface PingRecord {
  id: string;
  receivedAt: string;
  kind: 'success' | 'start' | 'fail';
  method: string;
  sourceIp: string | null;
  userAgent: string | null;
  body: string | null;
  bodyTruncated: boolean;
  durationMs: number | null;
}

/** The latest pings of a heartbeat check, newest first; null when the account has no such check. */
export async function listPings(db: Pool, accountId: string, checkId: string, limit = 50): Promise<PingRecord[] | null> {
  if (!(await getHeartbeatCheck(db, accountId, checkId))) return null;
  const { rows } = await db.query(
    `SELECT id, received_at, kind, method, source_ip, user_agent, body, body_truncated, duration_ms
       FROM pings WHERE check_id = $1 ORDER BY received_at DESC, id LIMIT $2`,
    [checkId, limit],
  );
  return rows.map((row) => ({
    id: row.id,
    receivedAt: row.received_at.toISOString(),
    kind: row.kind,
    method: row.method,
    sourceIp: row.source_ip,
    userAgent: row.user_agent,
    body: row.body,
    bodyTruncated: row.body_truncated,
    durationMs: row.duration_ms === null ? null : Number(row.duration_ms),
  }));
}
