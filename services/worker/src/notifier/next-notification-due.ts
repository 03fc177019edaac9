import type { Pool } from '@pingdummy/shared';

/**
 * When the notifier next has something to send: the earliest pending delivery or invitation email, at
 * its retry time or, when another worker holds its lease, at the lease's expiry (that worker may have
 * died). Null when nothing is pending; new work announces itself (migration 015's NOTIFY).
 * Reads the two partial `*_due_idx` indexes, so it stays cheap however long the history is.
 */
export async function nextNotificationDueAt(pool: Pool): Promise<Date | null> {
  const { rows } = await pool.query<{ at: Date | null }>(
    `SELECT least(
       (SELECT min(greatest(next_attempt_at, lease_expires_at)) FROM deliveries WHERE status = 'pending'),
       (SELECT min(greatest(next_attempt_at, lease_expires_at)) FROM invitation_emails WHERE status = 'pending')
     ) AS at`,
  );
  return rows[0]?.at ?? null;
}
