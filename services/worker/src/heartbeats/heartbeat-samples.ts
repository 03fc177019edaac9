import { withTransaction, type Pool } from '@pingdummy/shared';
import { checksInMaintenance } from '../maintenance.js';
import { addToRollups } from '../rollups.js';

/**
 * Records each unpaused heartbeat check's state (up or down) once a minute as a result of region
 * 'heartbeat', with the rollups, so uptime, the daily bars and the status page count a heartbeat check's up
 * and down time with the same code as a probed check's. The key (check, minute, region) makes a second
 * worker replica's sample of the same minute a no-op. A sample inside a maintenance window is counted as such,
 * so uptime leaves it out as it does a probe's. Returns the samples written.
 */
export async function recordHeartbeatSamples(pool: Pool, at: Date = new Date()): Promise<number> {
  return withTransaction(pool, async (client) => {
    const { rows } = await client.query(
      `WITH sampled AS (
         INSERT INTO results (check_id, scheduled_at, region, started_at, outcome)
         SELECT id, date_trunc('minute', $1::timestamptz), 'heartbeat', $1::timestamptz, state
           FROM checks WHERE kind = 'heartbeat' AND NOT paused AND state IN ('up', 'down')
         ON CONFLICT DO NOTHING
         RETURNING check_id, scheduled_at, region, outcome)
       SELECT s.*, c.account_id FROM sampled s JOIN checks c ON c.id = s.check_id`,
      [at],
    );
    const inMaintenance = await checksInMaintenance(
      client,
      rows.map((row) => ({ id: row.check_id, accountId: row.account_id, scheduledAt: row.scheduled_at })),
    );
    await addToRollups(
      client,
      rows.map((row) => ({
        checkId: row.check_id,
        scheduledAt: row.scheduled_at,
        region: row.region,
        outcome: row.outcome,
        latencyMs: null,
        inMaintenance: inMaintenance.has(row.check_id),
      })),
    );
    return rows.length;
  });
}
