/**
 * Status badges (/badge/<token>.svg): opt-in per check, like the status page. The address holds a random token,
 * not the check's id, so publishing a badge reveals nothing else and turning it off and on again gives a new
 * address (old embeds stop working).
 */
import { randomBytes } from 'node:crypto';
import type { Pool } from '@pingdummy/shared';
import { isUuid } from './ids.js';

/** 128 random bits, URL-safe (22 characters). */
const newBadgeToken = () => randomBytes(16).toString('base64url');
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;

export interface BadgeSetting {
  enabled: boolean;
  /** Null while the badge is off. */
  token: string | null;
}

/** The check's badge setting; null when the check is not in this account. */
export async function getBadgeSetting(db: Pool, accountId: string, checkId: string): Promise<BadgeSetting | null> {
  if (!isUuid(accountId) || !isUuid(checkId)) return null;
  const { rows } = await db.query(`SELECT badge_token FROM checks WHERE id = $1 AND account_id = $2`, [checkId, accountId]);
  if (!rows[0]) return null;
  return { enabled: rows[0].badge_token !== null, token: rows[0].badge_token };
}

/**
 * Turns the check's badge on (keeping the token it has, so enabling twice keeps the address) or off (the
 * token is forgotten); null when the check is not in this account.
 */
export async function setBadgeEnabled(db: Pool, accountId: string, checkId: string, enabled: boolean): Promise<BadgeSetting | null> {
  if (!isUuid(accountId) || !isUuid(checkId)) return null;
  const { rows } = await db.query(
    `UPDATE checks SET badge_token = CASE WHEN $3 THEN coalesce(badge_token, $4) END
     WHERE id = $1 AND account_id = $2 RETURNING badge_token`,
    [checkId, accountId, enabled, newBadgeToken()],
  );
  if (!rows[0]) return null;
  return { enabled: rows[0].badge_token !== null, token: rows[0].badge_token };
}

export interface BadgeCheck {
  checkId: string;
  accountId: string;
  state: string;
  paused: boolean;
}

/** The check whose badge has this token, or null (unknown token, or the badge is off). */
export async function findBadgeCheck(db: Pool, token: string): Promise<BadgeCheck | null> {
  if (!TOKEN_PATTERN.test(token)) return null;
  const { rows } = await db.query(`SELECT id, account_id, state, paused FROM checks WHERE badge_token = $1`, [token]);
  const row = rows[0];
  return row ? { checkId: row.id, accountId: row.account_id, state: row.state, paused: row.paused } : null;
}
