import { randomBytes } from 'node:crypto';
import { LATENCY_BUCKET_COUNT, type Pool } from '@pingdummy/shared';

export interface TestAccount {
  accountId: string;
  userId: string;
  slug: string;
}

/** An account with one user, inserted with SQL (the web layer's sign-up is not under test here). */
export async function insertAccount(pool: Pool, options: { statusPage?: boolean; checkLimit?: number } = {}): Promise<TestAccount> {
  const slug = `acct-${randomBytes(4).toString('hex')}`;
  const account = await pool.query(
    `INSERT INTO accounts (name, slug, status_page_enabled, status_page_title, check_limit)
     VALUES ($1, $2, $3, $4, $5) RETURNING id`,
    [`Account ${slug}`, slug, options.statusPage ?? false, options.statusPage ? `Status of ${slug}` : null, options.checkLimit ?? null],
  );
  const user = await pool.query(
    `INSERT INTO users (account_id, email, password_hash) VALUES ($1, $2, 'not-a-real-hash') RETURNING id`,
    [account.rows[0].id, `${slug}@example.com`],
  );
  return { accountId: account.rows[0].id, userId: user.rows[0].id, slug };
}

/** A check inserted with SQL, so tests of other modules do not depend on createCheck. */
export async function insertCheck(
  pool: Pool,
  accountId: string,
  fields: { name?: string; isPublic?: boolean; showUrlPublicly?: boolean; state?: string } = {},
): Promise<string> {
  const { rows } = await pool.query(
    `INSERT INTO checks (account_id, name, url, is_public, show_url_publicly, state)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
    [
      accountId,
      fields.name ?? `check-${randomBytes(3).toString('hex')}`,
      'https://example.com/health',
      fields.isPublic ?? false,
      fields.showUrlPublicly ?? false,
      fields.state ?? 'up',
    ],
  );
  return rows[0].id;
}

/** A latency histogram with `count` samples in bucket `index`. */
export function histogramWith(entries: Record<number, number>): number[] {
  const histogram = new Array<number>(LATENCY_BUCKET_COUNT).fill(0);
  for (const [index, count] of Object.entries(entries)) histogram[Number(index)] = count;
  return histogram;
}

export interface RollupRow {
  checkId: string;
  bucketStart: Date;
  region?: string;
  probes: number;
  ups: number;
  latencySum?: number;
  histogram?: number[];
  /** Slowest response time of the bucket; null (the default) when no probe measured one. */
  latencyMax?: number | null;
}

export async function insertRollup(pool: Pool, table: 'rollups_hourly' | 'rollups_daily', row: RollupRow): Promise<void> {
  const histogram = row.histogram ?? histogramWith({ 6: row.probes });
  await pool.query(
    `INSERT INTO ${table} (check_id, bucket_start, region, probe_count, up_count, latency_sum, latency_hist, latency_max)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [row.checkId, row.bucketStart, row.region ?? 'eu', row.probes, row.ups, row.latencySum ?? 0, histogram, row.latencyMax ?? null],
  );
}

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** Start of the current UTC hour minus `hoursAgo` hours. */
export function hourStart(hoursAgo: number): Date {
  return new Date(Math.floor(Date.now() / HOUR_MS) * HOUR_MS - hoursAgo * HOUR_MS);
}

/** Start of the current UTC day minus `daysAgo` days. */
export function dayStart(daysAgo: number): Date {
  return new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS - daysAgo * DAY_MS);
}

/**
 * A day's rollup where the readers look for it: a rollups_daily row for the days the worker has folded (every day
 * before today in a test database: migration 018 marks them folded), an hourly row at 00:00 for today.
 */
export async function insertDayRollup(pool: Pool, row: RollupRow): Promise<void> {
  await insertRollup(pool, row.bucketStart < dayStart(0) ? 'rollups_daily' : 'rollups_hourly', row);
}
