/** A delivery claimed from the outbox. */
export interface Delivery {
  id: string;
  accountId: string;
  channelKind: 'webhook' | 'email';
  channelTarget: string;
  event: 'down' | 'up' | 'degraded' | 'test';
  payload: { text: string } & Record<string, unknown>;
  idempotencyKey: string;
  attempts: number;
}

/** The outcome of one attempt; `detail` is shown to the user (e.g. "HTTP 200"). */
export type DeliveryAttempt = { ok: true; detail: string } | { ok: false; error: string; retryable: boolean };

export interface Sender {
  send(delivery: Delivery): Promise<DeliveryAttempt>;
}
