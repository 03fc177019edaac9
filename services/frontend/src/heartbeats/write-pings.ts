import { withTransaction, type Pool } from '@pingdummy/shared';
import { lateAt, type HeartbeatSchedule } from './schedule.js';

export type PingKind = 'success' | 'start' | 'fail';

/** A ping accepted into the write-behind buffer; `id` is made at acceptance, so a retried write is a no-op. */
export interface AcceptedPing {
  id: string;
  checkId: string;
  receivedAt: Date;
  kind: PingKind;
  method: 'GET' | 'POST' | 'HEAD';
  sourceIp: string | null;
  userAgent: string | null;
  body: string | null;
  bodyTruncated: boolean;
}

/** What a heartbeat check's pings have said so far (a `heartbeats` row). */
interface Progress {
  lastPingAt: Date | null;
  lastSuccessAt: Date | null;
  lastFailAt: Date | null;
  runningSince: Date | null;
  lastDurationMs: number | null;
}

const later = (a: Date | null, b: Date): Date => (a && a > b ? a : b);

/**
 * Applies one ping to a check's progress and returns the job's run time when the ping ends a run
 * (a success or fail ping after a /start), else null.
 */
function applyPing(progress: Progress, ping: AcceptedPing): number | null {
  progress.lastPingAt = later(progress.lastPingAt, ping.receivedAt);
  if (ping.kind === 'start') {
    progress.runningSince = ping.receivedAt;
    return null;
  }
  const durationMs = progress.runningSince && progress.runningSince <= ping.receivedAt ? ping.receivedAt.getTime() - progress.runningSince.getTime() : null;
  progress.runningSince = null;
  if (durationMs !== null) progress.lastDurationMs = durationMs;
  if (ping.kind === 'success') progress.lastSuccessAt = later(progress.lastSuccessAt, ping.receivedAt);
  else progress.lastFailAt = later(progress.lastFailAt, ping.receivedAt);
  return durationMs;
}

/**
 * Writes a batch of accepted pings in one transaction:
 * 1. Locks the `heartbeats` rows of the batch's checks (in id order, so two frontends cannot deadlock).
 *    Pings of checks deleted since they were accepted are skipped: there is nothing left to record them on.
 * 2. Replays the pings in arrival order on each check's progress: last ping, success and fail times, the
 *    running job (/start) and its run time, then the new deadline (`late_at`) from the schedule.
 * 3. Inserts the pings (ON CONFLICT DO NOTHING on the id: a batch retried after a lost commit adds nothing),
 *    updates the progress, and the checks' `last_probed_at` (the dashboard's "last probe") to the last ping.
 *    Locks are taken heartbeats rows first, then checks rows; the worker locks only checks rows, so no cycle.
 * The worker reads `late_at` and the ping times to decide up and down.
 */
export async function writePings(pool: Pool, pings: AcceptedPing[]): Promise<void> {
  const checkIds = [...new Set(pings.map((ping) => ping.checkId))].sort();
  await withTransaction(pool, async (client) => {
    const { rows } = await client.query(
      `SELECT h.check_id, h.period_seconds, h.cron, h.timezone, h.grace_seconds, h.last_ping_at, h.last_success_at,
              h.last_fail_at, h.running_since, h.last_duration_ms, c.created_at
         FROM heartbeats h JOIN checks c ON c.id = h.check_id
        WHERE h.check_id = ANY($1::uuid[])
        ORDER BY h.check_id
        FOR UPDATE OF h`,
      [checkIds],
    );
    const byCheck = new Map(
      rows.map((row) => [
        row.check_id as string,
        {
          schedule: { periodSeconds: row.period_seconds, cron: row.cron, timezone: row.timezone, graceSeconds: row.grace_seconds } as HeartbeatSchedule,
          createdAt: row.created_at as Date,
          progress: {
            lastPingAt: row.last_ping_at,
            lastSuccessAt: row.last_success_at,
            lastFailAt: row.last_fail_at,
            runningSince: row.running_since,
            lastDurationMs: row.last_duration_ms === null ? null : Number(row.last_duration_ms),
          } as Progress,
        },
      ]),
    );
    const kept = pings
      .filter((ping) => byCheck.has(ping.checkId))
      .sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime());
    if (kept.length === 0) return;
    const durations = kept.map((ping) => applyPing(byCheck.get(ping.checkId)!.progress, ping));
    await client.query(
      `INSERT INTO pings (id, check_id, received_at, kind, method, source_ip, user_agent, body, body_truncated, duration_ms)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::timestamptz[], $4::text[], $5::text[], $6::text[], $7::text[],
                            $8::text[], $9::boolean[], $10::bigint[])
       ON CONFLICT (id) DO NOTHING`,
      [
        kept.map((ping) => ping.id),
        kept.map((ping) => ping.checkId),
        kept.map((ping) => ping.receivedAt),
        kept.map((ping) => ping.kind),
        kept.map((ping) => ping.method),
        kept.map((ping) => ping.sourceIp),
        kept.map((ping) => ping.userAgent),
        kept.map((ping) => ping.body),
        kept.map((ping) => ping.bodyTruncated),
        durations,
      ],
    );
    const pinged = new Set(kept.map((ping) => ping.checkId));
    const updated = [...byCheck].filter(([id]) => pinged.has(id));
    await client.query(
      `UPDATE heartbeats h
          SET last_ping_at = u.last_ping_at, last_success_at = u.last_success_at, last_fail_at = u.last_fail_at,
              running_since = u.running_since, last_duration_ms = u.last_duration_ms, late_at = u.late_at
         FROM unnest($1::uuid[], $2::timestamptz[], $3::timestamptz[], $4::timestamptz[], $5::timestamptz[], $6::bigint[],
                     $7::timestamptz[])
           AS u(check_id, last_ping_at, last_success_at, last_fail_at, running_since, last_duration_ms, late_at)
        WHERE h.check_id = u.check_id`,
      [
        updated.map(([id]) => id),
        updated.map(([, check]) => check.progress.lastPingAt),
        updated.map(([, check]) => check.progress.lastSuccessAt),
        updated.map(([, check]) => check.progress.lastFailAt),
        updated.map(([, check]) => check.progress.runningSince),
        updated.map(([, check]) => check.progress.lastDurationMs),
        updated.map(([, check]) => lateAt(check.schedule, { ...check.progress, createdAt: check.createdAt })),
      ],
    );
    // The dashboard's and the API's "last probe" of a heartbeat check is its last ping.
    await client.query(
      `UPDATE checks c SET last_probed_at = u.last_ping_at
         FROM unnest($1::uuid[], $2::timestamptz[]) AS u(check_id, last_ping_at)
        WHERE c.id = u.check_id AND (c.last_probed_at IS NULL OR c.last_probed_at < u.last_ping_at)`,
      [updated.map(([id]) => id), updated.map(([, check]) => check.progress.lastPingAt)],
    );
  });
}
