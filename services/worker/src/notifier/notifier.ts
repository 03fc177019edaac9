import type { Logger, Pool } from '@pingdummy/shared';
import type { Delivery, DeliveryAttempt, Sender } from './delivery.js';

export interface NotifierOptions {
  pool: Pool;
  logger: Logger;
  /** One sender per channel kind; a kind without one is retried (a newer replica may know it). */
  senders: Partial<Record<Delivery['channelKind'], Sender>>;
  maxAttempts: number;
  batchSize?: number;
}

/** Seconds to wait before attempt n+1: 5 s, 10 s, 20 s ... capped at one hour. */
export function backoffSeconds(attempts: number): number {
  return Math.min(5 * 2 ** Math.max(0, attempts - 1), 3600);
}

/**
 * Claims due deliveries with a short lease (SKIP LOCKED, so several notifiers share the outbox) and
 * returns them; the row lock ends with the statement.
 */
async function claimDueDeliveries(pool: Pool, limit: number): Promise<Delivery[]> {
  const { rows } = await pool.query(
    `WITH due AS (
       SELECT id FROM deliveries
       WHERE status = 'pending' AND next_attempt_at <= now()
         AND (lease_expires_at IS NULL OR lease_expires_at < now())
       ORDER BY next_attempt_at
       LIMIT $1
       FOR UPDATE SKIP LOCKED
     )
     UPDATE deliveries d SET lease_expires_at = now() + interval '60 seconds', attempts = d.attempts + 1
       FROM due, notification_channels ch
      WHERE d.id = due.id AND ch.id = d.channel_id
     RETURNING d.id, d.account_id, ch.kind, ch.target, ch.secret, d.event, d.payload, d.idempotency_key, d.attempts`,
    [limit],
  );
  return rows.map((row) => ({
    id: String(row.id),
    accountId: row.account_id,
    channelKind: row.kind,
    channelTarget: row.target,
    channelSecret: row.secret,
    event: row.event,
    payload: row.payload,
    idempotencyKey: row.idempotency_key,
    attempts: row.attempts,
  }));
}

/**
 * Delivers what is due once.
 * 1. Claims due deliveries.
 * 2. Sends each through the sender of its channel kind.
 * 3. Marks it delivered, or schedules a retry with backoff, or marks it failed when the error is final,
 *    the attempts are used up, or it was a test (a test shows its first result to the user).
 * Returns how many deliveries were attempted.
 */
export async function deliverDueNotifications(options: NotifierOptions): Promise<number> {
  const deliveries = await claimDueDeliveries(options.pool, options.batchSize ?? 50);
  await Promise.all(
    deliveries.map(async (delivery) => {
      const sender = options.senders[delivery.channelKind];
      const attempt: DeliveryAttempt = sender
        ? await sender.send(delivery)
        : { ok: false, error: `this worker cannot send ${delivery.channelKind} notifications`, retryable: true };
      if (attempt.ok) {
        await options.pool.query(
          `UPDATE deliveries SET status = 'delivered', delivered_at = now(), lease_expires_at = NULL, last_error = NULL
           WHERE id = $1`,
          [delivery.id],
        );
        options.logger.info({ deliveryId: delivery.id, event: delivery.event, detail: attempt.detail }, 'notification delivered');
        return;
      }
      const final = !attempt.retryable || delivery.attempts >= options.maxAttempts || delivery.event === 'test';
      await options.pool.query(
        `UPDATE deliveries
            SET status = CASE WHEN $2 THEN 'failed' ELSE 'pending' END,
                next_attempt_at = now() + make_interval(secs => $3),
                lease_expires_at = NULL, last_error = $4
          WHERE id = $1`,
        [delivery.id, final, backoffSeconds(delivery.attempts), attempt.error],
      );
      options.logger.warn(
        { deliveryId: delivery.id, event: delivery.event, attempts: delivery.attempts, final, error: attempt.error },
        'notification failed',
      );
    }),
  );
  return deliveries.length;
}
