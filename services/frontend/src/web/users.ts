import { randomBytes } from 'node:crypto';
import { withTransaction, type Pool } from '@pingdummy/shared';
import argon2 from 'argon2';
import type { Role } from '../access/roles.js';
import { isUuid } from '../data/ids.js';

/** argon2id with OWASP's second recommended setting (19 MiB, 2 passes). */
const HASH_OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export interface User {
  id: string;
  accountId: string;
  email: string;
  passwordChangedAt: Date;
  role: Role;
  /** Whether sign-in asks for a TOTP code after the password. */
  twoFactorEnabled: boolean;
  /** Colour theme; 'system' follows the browser's prefers-color-scheme. */
  theme: Theme;
}

export const THEMES = ['system', 'light', 'dark'] as const;
export type Theme = (typeof THEMES)[number];

export class EmailTakenError extends Error {
  override name = 'EmailTakenError';
}

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, HASH_OPTIONS);
}

/** A hash of a random secret, verified when the email is unknown so both paths cost the same time. */
let decoyHash: Promise<string> | undefined;
function decoy(): Promise<string> {
  decoyHash ??= hashPassword(randomBytes(16).toString('hex'));
  return decoyHash;
}

interface UserRow {
  id: string;
  account_id: string;
  email: string;
  password_changed_at: Date;
  role: Role;
  totp_enabled_at: Date | null;
  theme: Theme;
}

/** The columns rowToUser reads. */
export const USER_COLUMNS = 'id, account_id, email, password_changed_at, role, totp_enabled_at, theme';

export function rowToUser(row: UserRow): User {
  return {
    id: row.id,
    accountId: row.account_id,
    email: row.email,
    passwordChangedAt: row.password_changed_at,
    role: row.role,
    twoFactorEnabled: row.totp_enabled_at !== null,
    theme: row.theme,
  };
}

/**
 * The first status-page slug of an account: random, so the public URL does not reveal the owner's email;
 * the owner can pick a nicer one in settings.
 */
export function randomSlug(): string {
  return `status-${randomBytes(4).toString('hex')}`;
}

/** Name of a new account; the status page shows it until the owner sets a title (never the email). */
export const DEFAULT_ACCOUNT_NAME = 'Status';

/** Creates an account and its first user in one transaction; throws EmailTakenError for a known email. */
export async function createUserWithAccount(db: Pool, email: string, password: string): Promise<User> {
  const passwordHash = await hashPassword(password);
  try {
    return await withTransaction(db, async (client) => {
      const account = await client.query<{ id: string }>(
        `INSERT INTO accounts (name, slug) VALUES ($1, $2) RETURNING id`,
        [DEFAULT_ACCOUNT_NAME, randomSlug()],
      );
      const user = await client.query(
        `INSERT INTO users (account_id, email, password_hash) VALUES ($1, $2, $3)
         RETURNING ${USER_COLUMNS}`,
        [account.rows[0]!.id, email, passwordHash],
      );
      return rowToUser(user.rows[0]);
    });
  } catch (error) {
    if ((error as { code?: string; constraint?: string }).constraint === 'users_email_key') throw new EmailTakenError(email);
    throw error;
  }
}

/** The user for this email and password, or null; takes the same time whether or not the email exists. */
export async function verifyLogin(db: Pool, email: string, password: string): Promise<User | null> {
  const { rows } = await db.query(
    `SELECT ${USER_COLUMNS}, password_hash FROM users WHERE lower(email) = lower($1)`,
    [email],
  );
  const row = rows[0];
  if (!row) {
    await argon2.verify(await decoy(), password).catch(() => false);
    return null;
  }
  const ok = await argon2.verify(row.password_hash, password).catch(() => false);
  return ok ? rowToUser(row) : null;
}

/** The session's user, if it still exists in that account (one primary-key lookup per request). */
export async function getUser(db: Pool, userId: string, accountId: string): Promise<User | null> {
  if (!isUuid(userId) || !isUuid(accountId)) return null;
  const { rows } = await db.query(
    `SELECT ${USER_COLUMNS} FROM users WHERE id = $1 AND account_id = $2`,
    [userId, accountId],
  );
  return rows[0] ? rowToUser(rows[0]) : null;
}

/** Checks the current password, stores the new hash; false when the current password is wrong. */
export async function changePassword(db: Pool, userId: string, currentPassword: string, newPassword: string): Promise<boolean> {
  const { rows } = await db.query(`SELECT password_hash FROM users WHERE id = $1`, [userId]);
  const row = rows[0];
  if (!row || !(await argon2.verify(row.password_hash, currentPassword).catch(() => false))) return false;
  await db.query(`UPDATE users SET password_hash = $2, password_changed_at = now() WHERE id = $1`, [
    userId,
    await hashPassword(newPassword),
  ]);
  return true;
}

/** Ends every session of the user except `keepSid` (the sessions table indexes sess->>'userId'). */
export async function endOtherSessions(db: Pool, userId: string, keepSid: string): Promise<number> {
  const { rowCount } = await db.query(`DELETE FROM sessions WHERE sess ->> 'userId' = $1 AND sid <> $2`, [userId, keepSid]);
  return rowCount ?? 0;
}

/** Re-authentication: whether `password` is the user's current password. */
export async function verifyPassword(db: Pool, userId: string, password: string): Promise<boolean> {
  const { rows } = await db.query(`SELECT password_hash FROM users WHERE id = $1`, [userId]);
  return rows[0] ? argon2.verify(rows[0].password_hash, password).catch(() => false) : false;
}
