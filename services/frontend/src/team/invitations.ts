import { createHash, randomBytes } from 'node:crypto';
import { withTransaction, type Pool } from '@pingdummy/shared';
import type { Role } from '../access/roles.js';
import { isUuid } from '../data/ids.js';
import type { InvitationEmail } from './invitation-email.js';
import { EmailTakenError, hashPassword, rowToUser, USER_COLUMNS, type User } from '../web/users.js';

/** How long an invitation link works. */
export const INVITATION_TTL_DAYS = 7;
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export interface PendingInvitation {
  id: string;
  email: string;
  role: Role;
  expiresAt: Date;
  createdAt: Date;
}

export interface CreatedInvitation extends PendingInvitation {
  /** The link's secret, shown once to the owner; only its SHA-256 is stored. */
  token: string;
}

const hashToken = (token: string) => createHash('sha256').update(token).digest();

/**
 * Creates an invitation; with `email`, queues the invitation email in the same statement (the worker sends it,
 * migration 014). `email` gets the token, which only it and the returned value ever see.
 */
export async function createInvitation(
  db: Pool,
  accountId: string,
  invitedBy: string,
  email: string,
  role: Role,
  composeEmail?: (token: string) => InvitationEmail,
): Promise<CreatedInvitation> {
  const token = randomBytes(32).toString('base64url');
  const mail = composeEmail?.(token) ?? null;
  const { rows } = await db.query(
    `WITH invitation AS (
       INSERT INTO invitations (account_id, email, role, token_hash, invited_by, expires_at)
       VALUES ($1, $2, $3, $4, $5, now() + make_interval(days => $6)) RETURNING id, expires_at, created_at
     ), queued AS (
       INSERT INTO invitation_emails (invitation_id, to_address, subject, body)
       SELECT id, $2, $7, $8 FROM invitation WHERE $7::text IS NOT NULL
     )
     SELECT id, expires_at, created_at FROM invitation`,
    [accountId, email, role, hashToken(token), invitedBy, INVITATION_TTL_DAYS, mail?.subject ?? null, mail?.text ?? null],
  );
  return { token, id: rows[0].id, email, role, expiresAt: rows[0].expires_at, createdAt: rows[0].created_at };
}

/** Invitations of the account not yet accepted, revoked or expired, newest first. */
export async function listPendingInvitations(db: Pool, accountId: string): Promise<PendingInvitation[]> {
  const { rows } = await db.query(
    `SELECT id, email, role, expires_at, created_at FROM invitations
     WHERE account_id = $1 AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > now()
     ORDER BY created_at DESC`,
    [accountId],
  );
  return rows.map((row) => ({ id: row.id, email: row.email, role: row.role, expiresAt: row.expires_at, createdAt: row.created_at }));
}

export async function revokeInvitation(db: Pool, accountId: string, id: string): Promise<boolean> {
  if (!isUuid(id)) return false;
  // An email not sent yet is given up with it (its body, the link, cleared).
  const { rowCount } = await db.query(
    `WITH revoked AS (
       UPDATE invitations SET revoked_at = now() WHERE id = $1 AND account_id = $2 AND accepted_at IS NULL AND revoked_at IS NULL RETURNING id
     ), unsent AS (
       UPDATE invitation_emails SET status = 'failed', body = NULL, last_error = 'invitation revoked'
       WHERE invitation_id IN (SELECT id FROM revoked) AND status = 'pending'
     )
     SELECT id FROM revoked`,
    [id, accountId],
  );
  return (rowCount ?? 0) > 0;
}

/** The usable invitation of a link's token (not accepted, revoked or expired), or null. */
export async function findInvitation(db: Pool, token: string): Promise<(PendingInvitation & { accountId: string }) | null> {
  if (!TOKEN_PATTERN.test(token)) return null;
  const { rows } = await db.query(
    `SELECT id, account_id, email, role, expires_at, created_at FROM invitations
     WHERE token_hash = $1 AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > now()`,
    [hashToken(token)],
  );
  const row = rows[0];
  return row ? { id: row.id, accountId: row.account_id, email: row.email, role: row.role, expiresAt: row.expires_at, createdAt: row.created_at } : null;
}

/**
 * Accepts an invitation: creates the user in the inviting account with the invited role and marks the
 * invitation used, in one transaction (the row lock makes a second use of the link fail). Null when the link
 * is no longer usable; EmailTakenError when the email already has an account (a user belongs to one account).
 */
export async function acceptInvitation(db: Pool, token: string, password: string): Promise<User | null> {
  if (!TOKEN_PATTERN.test(token)) return null;
  const passwordHash = await hashPassword(password);
  try {
    return await withTransaction(db, async (client) => {
      const { rows } = await client.query(
        `UPDATE invitations SET accepted_at = now()
         WHERE token_hash = $1 AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > now()
         RETURNING account_id, email, role`,
        [hashToken(token)],
      );
      const invitation = rows[0];
      if (!invitation) return null;
      const user = await client.query(
        `INSERT INTO users (account_id, email, password_hash, role) VALUES ($1, $2, $3, $4) RETURNING ${USER_COLUMNS}`,
        [invitation.account_id, invitation.email, passwordHash, invitation.role],
      );
      return rowToUser(user.rows[0]);
    });
  } catch (error) {
    if ((error as { constraint?: string }).constraint === 'users_email_key') throw new EmailTakenError('email');
    throw error;
  }
}
