import type { Pool } from '@pingdummy/shared';

/** Deletes heartbeat pings older than `days` (the raw results' retention), in batches of 5,000; returns how many. */
export async function deleteOldPings(pool: Pool, days: number): Promise<number> {
  let total = 0;
  for (;;) {
    const { rowCount } = await pool.query(
      `DELETE FROM pings WHERE id IN (SELECT id FROM pings WHERE received_at < now() - make_interval(days => $1) LIMIT 5000)`,
      [days],
    );
    total += rowCount ?? 0;
    if ((rowCount ?? 0) < 5000) return total;
  }
}
