import type { Logger, Pool } from '@pingdummy/shared';
import type { DeliveryAttempt } from './delivery.js';
import type { Mailer } from './email-sender.js';
import { backoffSeconds } from './notifier.js';

export interface InvitationEmailOptions {
  pool: Pool;
  logger: Logger;
  mailer: Mailer;
  maxAttempts: number;
  batchSize?: number;
}

interface ClaimedEmail {
  id: string;
  to: string;
  subject: string;
  body: string;
  attempts: number;
  /** False once the invitation was accepted, revoked or expired: the email is given up, not sent. */
  usable: boolean;
}

/** Claims due invitation emails with a short lease (SKIP LOCKED, so several workers share the queue). */
async function claimDueEmails(pool: Pool, limit: number): Promise<ClaimedEmail[]> {
  const { rows } = await pool.query(
    `WITH due AS (
       SELECT id FROM invitation_emails
       WHERE status = 'pending' AND next_attempt_at <= now() AND (lease_expires_at IS NULL OR lease_expires_at < now())
       ORDER BY next_attempt_at
       LIMIT $1
       FOR UPDATE SKIP LOCKED
     )
     UPDATE invitation_emails e SET lease_expires_at = now() + interval '60 seconds', attempts = e.attempts + 1
       FROM due, invitations i
      WHERE e.id = due.id AND i.id = e.invitation_id
     RETURNING e.id, e.to_address, e.subject, e.body, e.attempts,
               (i.accepted_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > now()) AS usable`,
    [limit],
  );
  return rows.map((row) => ({ id: String(row.id), to: row.to_address, subject: row.subject, body: row.body, attempts: row.attempts, usable: row.usable }));
}

/**
 * Sends the invitation emails that are due (migration 014), once.
 * 1. Claims them; one whose invitation is no longer usable is given up unsent.
 * 2. Sends each through the worker's email transport (SMTP or SES).
 * 3. Marks it sent, or schedules a retry with backoff, or gives it up when the error is final or the attempts
 *    are used up. Sent or given up, its body (which holds the invitation link, a secret) is cleared.
 * Returns how many emails were claimed. Logs ids, never a body or a link.
 */
export async function deliverInvitationEmails(options: InvitationEmailOptions): Promise<number> {
  const emails = await claimDueEmails(options.pool, options.batchSize ?? 20);
  await Promise.all(
    emails.map(async (email) => {
      const attempt: DeliveryAttempt = email.usable
        ? await options.mailer.sendMessage({ to: email.to, subject: email.subject, text: email.body, idempotencyKey: `invitation:${email.id}` })
        : { ok: false, error: 'invitation no longer usable (accepted, revoked or expired)', retryable: false };
      if (attempt.ok) {
        await options.pool.query(
          `UPDATE invitation_emails SET status = 'sent', sent_at = now(), body = NULL, lease_expires_at = NULL, last_error = NULL WHERE id = $1`,
          [email.id],
        );
        options.logger.info({ invitationEmailId: email.id }, 'invitation email sent');
        return;
      }
      const final = !attempt.retryable || email.attempts >= options.maxAttempts;
      await options.pool.query(
        `UPDATE invitation_emails
            SET status = CASE WHEN $2 THEN 'failed' ELSE 'pending' END,
                body = CASE WHEN $2 THEN NULL ELSE body END,
                next_attempt_at = now() + make_interval(secs => $3),
                lease_expires_at = NULL, last_error = $4
          WHERE id = $1`,
        [email.id, final, backoffSeconds(email.attempts), attempt.error],
      );
      options.logger.warn({ invitationEmailId: email.id, attempts: email.attempts, final, error: attempt.error }, 'invitation email failed');
    }),
  );
  return emails.length;
}
