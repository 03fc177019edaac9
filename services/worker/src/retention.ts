import type { Pool } from '@pingdummy/shared';

export interface RetentionSummary {
  droppedPartitions: string[];
  deletedDefaultRows: number;
  deletedRollupRows: number;
  createdPartitions: number;
}

const BATCH = 5_000;

/** Deletes in batches of 5,000 so no statement holds locks or bloats WAL for long. */
async function deleteInBatches(pool: Pool, sql: string, params: unknown[]): Promise<number> {
  let total = 0;
  for (;;) {
    const { rowCount } = await pool.query(sql, params);
    total += rowCount ?? 0;
    if ((rowCount ?? 0) < BATCH) return total;
  }
}

/**
 * Keeps raw results for `resultDays` and rollups for `rollupDays`.
 * 1. Creates the daily result partitions for the next 3 days (so inserts never land in the default one).
 * 2. Drops whole daily partitions that end before the cutoff: no row-by-row delete, no bloat.
 * 3. Deletes old rows that landed in the default partition, and old rollups, in batches.
 */
export async function applyRetention(pool: Pool, resultDays: number, rollupDays: number): Promise<RetentionSummary> {
  const created = await pool.query(
    `SELECT ensure_result_partitions((now() AT TIME ZONE 'UTC')::date, (now() AT TIME ZONE 'UTC')::date + 3) AS n`,
  );
  const partitions = await pool.query(
    `SELECT child.relname AS name
       FROM pg_inherits JOIN pg_class child ON child.oid = pg_inherits.inhrelid
      WHERE pg_inherits.inhparent = 'results'::regclass AND child.relname ~ '^results_[0-9]{8}$'
        AND to_date(substring(child.relname from 9), 'YYYYMMDD') + 1
            <= ((now() AT TIME ZONE 'UTC') - make_interval(days => $1))::date`,
    [resultDays],
  );
  const droppedPartitions: string[] = [];
  for (const { name } of partitions.rows) {
    await pool.query(`DROP TABLE IF EXISTS "${name}"`);
    droppedPartitions.push(name);
  }
  const deletedDefaultRows = await deleteInBatches(
    pool,
    `DELETE FROM results_default WHERE ctid IN (
       SELECT ctid FROM results_default WHERE scheduled_at < now() - make_interval(days => $1) LIMIT ${BATCH})`,
    [resultDays],
  );
  let deletedRollupRows = 0;
  for (const table of ['rollups_hourly', 'rollups_daily']) {
    deletedRollupRows += await deleteInBatches(
      pool,
      `DELETE FROM ${table} WHERE ctid IN (
         SELECT ctid FROM ${table} WHERE bucket_start < now() - make_interval(days => $1) LIMIT ${BATCH})`,
      [rollupDays],
    );
  }
  return { droppedPartitions, deletedDefaultRows, deletedRollupRows, createdPartitions: created.rows[0].n };
}
