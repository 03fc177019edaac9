import type { Pool, PoolClient } from '@pingdummy/shared';
import { FieldValidationError } from './errors.js';

/** Names of the regions that have (had) a beacon, alphabetically. */
export async function listRegions(db: Pool | PoolClient): Promise<string[]> {
  const { rows } = await db.query(`SELECT name FROM probe_regions ORDER BY name`);
  return rows.map((row) => row.name as string);
}

/**
 * Refuses regions no beacon serves (absent from probe_regions, which the workers fill from their beacon list):
 * a check asking only for such a region would stay pending forever. Regions in `kept` (already on the check)
 * pass, so a beacon that went away does not make its checks unsaveable. Throws FieldValidationError on `regions`.
 */
export async function assertRegionsHaveBeacons(db: Pool | PoolClient, regions: readonly string[], kept: readonly string[] = []): Promise<void> {
  const asked = regions.filter((region) => !kept.includes(region));
  if (asked.length === 0) return;
  const known = await listRegions(db);
  const unknown = [...new Set(asked.filter((region) => !known.includes(region)))];
  if (unknown.length === 0) return;
  const available = known.length > 0 ? `available: ${known.join(', ')}` : 'no beacon has reported yet; leave it empty to use every region';
  throw new FieldValidationError({ regions: `must name regions with a beacon; ${unknown.join(', ')} ${unknown.length === 1 ? 'has' : 'have'} none (${available})` });
}
