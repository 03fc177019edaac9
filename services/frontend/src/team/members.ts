import { withTransaction, type Pool, type PoolClient } from '@pingdummy/shared';
import type { Role } from '../access/roles.js';
import { isUuid } from '../data/ids.js';

export interface Member {
  id: string;
  email: string;
  role: Role;
  twoFactorEnabled: boolean;
  createdAt: Date;
}

/** Refused because the account would be left without an owner. */
export class LastOwnerError extends Error {
  override name = 'LastOwnerError';
  constructor() {
    super('The account needs at least one owner: make someone else an owner first.');
  }
}

export async function listMembers(db: Pool, accountId: string): Promise<Member[]> {
  const { rows } = await db.query(
    `SELECT id, email, role, totp_enabled_at IS NOT NULL AS two_factor, created_at FROM users
     WHERE account_id = $1 ORDER BY created_at, id`,
    [accountId],
  );
  return rows.map((row) => ({ id: row.id, email: row.email, role: row.role, twoFactorEnabled: row.two_factor, createdAt: row.created_at }));
}

/**
 * Locks the account's owners (so two owners demoting each other at once are serialised) and throws
 * LastOwnerError when `userId` is the only one.
 */
async function refuseLastOwner(client: PoolClient, accountId: string, userId: string): Promise<void> {
  const { rows } = await client.query<{ id: string }>(
    `SELECT id FROM users WHERE account_id = $1 AND role = 'owner' ORDER BY id FOR UPDATE`,
    [accountId],
  );
  if (rows.length === 1 && rows[0]!.id === userId) throw new LastOwnerError();
}

/** Changes a member's role; false when the user is not in the account. Throws LastOwnerError. */
export async function changeMemberRole(db: Pool, accountId: string, userId: string, role: Role): Promise<boolean> {
  if (!isUuid(userId)) return false;
  return withTransaction(db, async (client) => {
    if (role !== 'owner') await refuseLastOwner(client, accountId, userId);
    const { rowCount } = await client.query(`UPDATE users SET role = $3 WHERE id = $2 AND account_id = $1`, [accountId, userId, role]);
    return (rowCount ?? 0) > 0;
  });
}

/** Removes a member with their tokens and sessions; false when not in the account. Throws LastOwnerError. */
export async function removeMember(db: Pool, accountId: string, userId: string): Promise<boolean> {
  if (!isUuid(userId)) return false;
  return withTransaction(db, async (client) => {
    await refuseLastOwner(client, accountId, userId);
    const { rowCount } = await client.query(`DELETE FROM users WHERE id = $2 AND account_id = $1`, [accountId, userId]);
    if (!rowCount) return false;
    await client.query(`DELETE FROM sessions WHERE sess ->> 'userId' = $1`, [userId]);
    return true;
  });
}
