import type { Pool } from '@pingdummy/shared';

/** Names of the regions that have (had) a beacon, alphabetically. */
export async function listRegions(db: Pool): Promise<string[]> {
  const { rows } = await db.query(`SELECT name FROM probe_regions ORDER BY name`);
  return rows.map((row) => row.name as string);
}
