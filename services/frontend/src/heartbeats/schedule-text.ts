import { duration } from '../web/format.js';

/** A heartbeat check's schedule as lists show it (the columns of `heartbeats`). */
export interface HeartbeatScheduleFields {
  periodSeconds: number | null;
  cron: string | null;
  timezone: string | null;
}

/** SQL for one check's schedule as a JSON object (null for a check that is not a heartbeat); `alias` names the checks row. */
export function heartbeatScheduleSql(alias: string): string {
  return `(SELECT json_build_object('periodSeconds', h.period_seconds, 'cron', h.cron, 'timezone', h.timezone)
             FROM heartbeats h WHERE h.check_id = ${alias}.id)`;
}

/** What a heartbeat check watches, in place of a URL: "heartbeat, every 1 h 0 min" or "heartbeat, cron 0 2 * * * (Europe/Paris)". */
export function heartbeatTargetText(schedule: HeartbeatScheduleFields): string {
  return schedule.cron ? `heartbeat, cron ${schedule.cron} (${schedule.timezone})` : `heartbeat, every ${duration(schedule.periodSeconds)}`;
}
