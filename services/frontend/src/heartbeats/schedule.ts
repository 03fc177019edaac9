import { Cron } from 'croner';

/** When a heartbeat check expects its pings: every `periodSeconds`, or at the times of a cron expression. */
export type HeartbeatSchedule =
  | { periodSeconds: number; cron: null; timezone: null; graceSeconds: number }
  | { periodSeconds: null; cron: string; timezone: string; graceSeconds: number };

/** What the pings said so far: the inputs of `lateAt`. */
export interface HeartbeatProgress {
  /** The last success ping, or null before the first one. */
  lastSuccessAt: Date | null;
  /** A /start ping not yet followed by a success or fail ping. */
  runningSince: Date | null;
  /** The check's creation: the schedule counts from here until the first success ping. */
  createdAt: Date;
}

/** Limits shared by the schema, the form hints and the database constraints (60 s to 365 days). */
export const SCHEDULE_LIMITS = { minSeconds: 60, maxSeconds: 31_536_000, cronLength: 200, timezoneLength: 100 } as const;

/** Whether `timezone` is an IANA time zone name this runtime knows (e.g. Europe/Paris, UTC). */
export function isKnownTimezone(timezone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: timezone });
    return true;
  } catch {
    return false;
  }
}

function cronOf(expression: string, timezone: string): Cron {
  // Classic five fields (minute to weekday), as crontab and Healthchecks read them: no seconds, no years.
  return new Cron(expression, { paused: true, timezone, mode: '5-part' });
}

/**
 * Why `expression` is not a usable five-field cron expression in `timezone`, or null when it is.
 * An expression that never fires (e.g. 30 February) is refused too: the check could never be on time.
 */
export function cronProblem(expression: string, timezone: string): string | null {
  try {
    const next = cronOf(expression, timezone).nextRun(new Date());
    return next ? null : 'never fires';
  } catch (error) {
    return `is not a valid cron expression: ${(error as Error).message.replace(/^CronPattern: /, '')}`;
  }
}

/** The first time after `from` at which the schedule expects a ping; null for a cron that no longer fires. */
export function nextExpectedAfter(schedule: HeartbeatSchedule, from: Date): Date | null {
  if (schedule.periodSeconds !== null) return new Date(from.getTime() + schedule.periodSeconds * 1000);
  return cronOf(schedule.cron, schedule.timezone).nextRun(from);
}

/** Far enough to mean "never late" and still a valid timestamptz. */
const NEVER = new Date('9999-12-31T00:00:00Z');

/**
 * When the check becomes late, so the worker marks it down:
 * 1. the next expected ping after the last success (or the creation) plus grace;
 * 2. earlier, when a job is running: its /start plus grace (a job that hangs is late too).
 */
export function lateAt(schedule: HeartbeatSchedule, progress: HeartbeatProgress): Date {
  const graceMs = schedule.graceSeconds * 1000;
  const expected = nextExpectedAfter(schedule, progress.lastSuccessAt ?? progress.createdAt);
  const late = expected ? new Date(expected.getTime() + graceMs) : NEVER;
  if (progress.runningSince && progress.runningSince.getTime() + graceMs < late.getTime()) {
    return new Date(progress.runningSince.getTime() + graceMs);
  }
  return late;
}
