import { createHash, randomBytes } from 'node:crypto';
import type { Pool } from '@pingdummy/shared';
import type { Role } from '../access/roles.js';
import { isoOrNull, isUuid } from './ids.js';

/** Plaintext tokens look like `pd_<43 base64url chars>` (32 random bytes). */
const TOKEN_PATTERN = /^pd_[A-Za-z0-9_-]{43}$/;
const PREFIX_LENGTH = 10;
/** A token's name is 1 to this many characters. */
export const MAX_TOKEN_NAME_LENGTH = 100;

export interface CreatedApiToken {
  /** The secret, shown to the user once; only its SHA-256 is stored. */
  token: string;
  id: string;
  name: string;
  tokenPrefix: string;
  createdAt: string;
}

export interface ApiTokenInfo {
  id: string;
  name: string;
  tokenPrefix: string;
  userId: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface ApiTokenIdentity {
  accountId: string;
  userId: string;
  tokenId: string;
  /** The token's user's role, read at every request: a token acts with its user's current role. */
  role: Role;
  /** Who the audit log names: the token's name and its user's email. */
  label: string;
}

function hashToken(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

/** Creates a personal API token for a user of the account. */
export async function createApiToken(db: Pool, accountId: string, userId: string, name: string): Promise<CreatedApiToken> {
  const trimmed = name.trim();
  if (trimmed.length < 1 || trimmed.length > MAX_TOKEN_NAME_LENGTH) throw new Error(`token name must be 1-${MAX_TOKEN_NAME_LENGTH} characters`);
  const token = `pd_${randomBytes(32).toString('base64url')}`;
  const tokenPrefix = token.slice(0, PREFIX_LENGTH);
  // The user must belong to the account: a mismatched pair inserts nothing.
  const { rows } = await db.query(
    `INSERT INTO api_tokens (account_id, user_id, name, token_prefix, token_hash)
     SELECT u.account_id, u.id, $3, $4, $5 FROM users u WHERE u.id = $2 AND u.account_id = $1
     RETURNING id, created_at`,
    [isUuid(accountId) ? accountId : null, isUuid(userId) ? userId : null, trimmed, tokenPrefix, hashToken(token)],
  );
  if (!rows[0]) throw new Error(`user ${userId} is not in account ${accountId}`);
  return { token, id: rows[0].id, name: trimmed, tokenPrefix, createdAt: rows[0].created_at.toISOString() };
}

/** Tokens of the account, newest first, revoked ones included (marked by revokedAt). */
export async function listApiTokens(db: Pool, accountId: string): Promise<ApiTokenInfo[]> {
  if (!isUuid(accountId)) return [];
  const { rows } = await db.query(
    `SELECT id, name, token_prefix, user_id, created_at, last_used_at, revoked_at
     FROM api_tokens WHERE account_id = $1 ORDER BY created_at DESC, id`,
    [accountId],
  );
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    tokenPrefix: row.token_prefix,
    userId: row.user_id,
    createdAt: row.created_at.toISOString(),
    lastUsedAt: isoOrNull(row.last_used_at),
    revokedAt: isoOrNull(row.revoked_at),
  }));
}

/** Revokes a token; false when it is not in this account or already revoked. */
export async function revokeApiToken(db: Pool, accountId: string, id: string): Promise<boolean> {
  if (!isUuid(accountId) || !isUuid(id)) return false;
  const { rowCount } = await db.query(
    `UPDATE api_tokens SET revoked_at = now() WHERE id = $1 AND account_id = $2 AND revoked_at IS NULL`,
    [id, accountId],
  );
  return (rowCount ?? 0) > 0;
}

/**
 * Who a plaintext token belongs to; null when it is malformed, unknown or revoked. last_used_at is written at
 * most once a minute so a busy client does not turn every request into a write.
 */
export async function authenticateApiToken(db: Pool, plaintext: string): Promise<ApiTokenIdentity | null> {
  if (typeof plaintext !== 'string' || !TOKEN_PATTERN.test(plaintext)) return null;
  const { rows } = await db.query(
    `SELECT t.id, t.account_id, t.user_id, t.name, u.role, u.email,
            t.last_used_at IS NULL OR t.last_used_at < now() - interval '1 minute' AS stale
     FROM api_tokens t JOIN users u ON u.id = t.user_id AND u.account_id = t.account_id
     WHERE t.token_hash = $1 AND t.revoked_at IS NULL`,
    [hashToken(plaintext)],
  );
  const row = rows[0];
  if (!row) return null;
  if (row.stale) {
    await db.query(
      `UPDATE api_tokens SET last_used_at = now()
       WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`,
      [row.id],
    );
  }
  return { accountId: row.account_id, userId: row.user_id, tokenId: row.id, role: row.role, label: `token “${row.name}” of ${row.email}` };
}
