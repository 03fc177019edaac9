import type { AlertBody, ChannelKind, NotificationEvent } from '@pingdummy/shared';

export type { ChannelKind };

/** A delivery claimed from the outbox. */
export interface Delivery {
  id: string;
  accountId: string;
  channelKind: ChannelKind;
  /** URL (webhook, Slack, Discord, Teams), email address, region (PagerDuty, Opsgenie: us or eu) or Telegram chat id. */
  channelTarget: string;
  /**
   * The webhook's signing secret, PagerDuty routing key, Opsgenie API key or Telegram bot token; null for the
   * other kinds. Never logged, and removed from any error text (redactSecret).
   */
  channelSecret: string | null;
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
