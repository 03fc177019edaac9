import type { AlertBody, NotificationEvent } from '@pingdummy/shared';

/** A delivery claimed from the outbox. */
export interface Delivery {
  id: string;
  accountId: string;
  channelKind: 'webhook' | 'email';
  channelTarget: string;
  event: NotificationEvent;
  /** What the webhook receives as JSON, and email is made from (built by buildAlertBody). */
  payload: AlertBody;
  idempotencyKey: string;
  attempts: number;
}

/** The outcome of one attempt; `detail` is shown to the user (e.g. "HTTP 200"). */
export type DeliveryAttempt = { ok: true; detail: string } | { ok: false; error: string; retryable: boolean };

export interface Sender {
  send(delivery: Delivery): Promise<DeliveryAttempt>;
}
