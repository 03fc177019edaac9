import type { Pool } from '@pingdummy/shared';
import { isUuid } from '../data/ids.js';

export interface AccountSettings {
  id: string;
  slug: string;
  statusPageEnabled: boolean;
  statusPageTitle: string | null;
  checkLimit: number | null;
}

export async function getAccountSettings(db: Pool, accountId: string): Promise<AccountSettings | null> {
  if (!isUuid(accountId)) return null;
  const { rows } = await db.query(
    `SELECT id, slug, status_page_enabled, status_page_title, check_limit FROM accounts WHERE id = $1`,
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

export class SlugTakenError extends Error {
  override name = 'SlugTakenError';
}

/** Same rule as the accounts.slug column: lowercase letters, digits and dashes, 2-63 characters. */
export const SLUG_PATTERN = /^[a-z0-9][a-z0-9-]{1,62}$/;

/** Saves the status page settings; throws SlugTakenError when another account has the slug. */
export async function updateStatusPage(
  db: Pool,
  accountId: string,
  settings: { enabled: boolean; title: string | null; slug: string },
): Promise<void> {
  try {
    await db.query(
      `UPDATE accounts SET status_page_enabled = $2, status_page_title = $3, slug = $4 WHERE id = $1`,
      [accountId, settings.enabled, settings.title, settings.slug],
    );
  } catch (error) {
    if ((error as { constraint?: string }).constraint === 'accounts_slug_key') throw new SlugTakenError(settings.slug);
    throw error;
  }
}
