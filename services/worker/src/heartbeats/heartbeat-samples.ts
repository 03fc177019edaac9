import { withTransaction, type Pool } from '@pingdummy/shared';
import { addToRollups } from '../rollups.js';

/**
 * Records each unpaused heartbeat check's state (up or down) once a minute as a result of region
 * 'heartbeat', with the rollups, so uptime, the daily bars and the status page count a heartbeat check's up
 * and down time with the same code as a probed check's. The key (check, minute, region) makes a second
 * worker replica's sample of the same minute a no-op. Returns the samples written.
 */
export async function recordHeartbeatSamples(pool: Pool, at: Date = new Date()): Promise<number> {
  return withTransaction(pool, async (client) => {
    const { rows } = await client.query(
      `INSERT INTO results (check_id, scheduled_at, region, started_at, outcome)
       SELECT id, date_trunc('minute', $1::timestamptz), 'heartbeat', $1::timestamptz, state
         FROM checks WHERE kind = 'heartbeat' AND NOT paused AND state IN ('up', 'down')
       ON CONFLICT DO NOTHING
       RETURNING check_id, scheduled_at, region, outcome`,
      [at],
    );
    await addToRollups(
      client,
      rows.map((row) => ({ checkId: row.check_id, scheduledAt: row.scheduled_at, region: row.region, outcome: row.outcome, latencyMs: null })),
    );
    return rows.length;
  });
}
