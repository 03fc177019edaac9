import type { Pool } from '@pingdummy/shared';

export interface AccountSettings {
  id: string;
  slug: string;
  statusPageEnabled: boolean;
  statusPageTitle: string | null;
  checkLimit: number | null;
}

export async function getAccountSettings(db: Pool, accountId: string): Promise<AccountSettings | null> {
  const { rows } = await db.query(
    `SELECT id, slug, status_page_enabled, status_page_title, check_limit FROM accounts WHERE id::text = $1`,
    [accountId],
  );
  const row = rows[0];
  if (!row) return null;
  return {
    id: row.id,
    slug: row.slug,
    statusPageEnabled: row.status_page_enabled,
    statusPageTitle: row.status_page_title,
    checkLimit: row.check_limit,
  };
}

export async function updateStatusPage(db: Pool, accountId: string, enabled: boolean, title: string | null): Promise<void> {
  await db.query(`UPDATE accounts SET status_page_enabled = $2, status_page_title = $3 WHERE id::text = $1`, [
    accountId,
    enabled,
    title,
  ]);
}
