import type { PoolClient } from '@pingdummy/shared';
import { lateAt, type HeartbeatSchedule } from './schedule.js';

/**
 * Makes a resumed heartbeat check's schedule count from now, as for a new check: pings were not expected
 * while it was paused, so resuming must not turn into a "late" alert. Does nothing for other kinds of check.
 */
export async function restartHeartbeatDeadline(client: PoolClient, checkId: string, now: Date = new Date()): Promise<void> {
  const { rows } = await client.query(
    `SELECT period_seconds, cron, timezone, grace_seconds FROM heartbeats WHERE check_id = $1 FOR UPDATE`,
    [checkId],
  );
  const row = rows[0];
  if (!row) return;
  const schedule = { periodSeconds: row.period_seconds, cron: row.cron, timezone: row.timezone, graceSeconds: row.grace_seconds } as HeartbeatSchedule;
  await client.query(`UPDATE heartbeats SET late_at = $2, running_since = NULL WHERE check_id = $1`, [
    checkId,
    lateAt(schedule, { lastSuccessAt: null, runningSince: null, createdAt: now }),
  ]);
}
