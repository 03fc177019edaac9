import { request, type Dispatcher } from 'undici';
import type { Delivery, DeliveryAttempt, Sender } from './delivery.js';

/**
 * POSTs the payload as JSON (Slack's incoming webhooks read its `text`), with an Idempotency-Key
 * header so a receiver can drop a redelivery. 2xx is success; 4xx other than 408/429 is not retried.
 */
export class WebhookSender implements Sender {
  constructor(
    private readonly dispatcher: Dispatcher,
    private readonly timeoutMs = 10_000,
  ) {}

  async send(delivery: Delivery): Promise<DeliveryAttempt> {
    try {
      const response = await request(delivery.channelTarget, {
        method: 'POST',
        dispatcher: this.dispatcher,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Pingdummy-Notifier/1.0',
          'idempotency-key': delivery.idempotencyKey,
        },
        body: JSON.stringify(delivery.payload),
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
      });
      await response.body.dump();
      if (response.statusCode >= 200 && response.statusCode < 300) {
        return { ok: true, detail: `HTTP ${response.statusCode}` };
      }
      const retryable = response.statusCode >= 500 || response.statusCode === 408 || response.statusCode === 429;
      return { ok: false, error: `HTTP ${response.statusCode}`, retryable };
    } catch (error) {
      return { ok: false, error: (error as Error).message.slice(0, 300), retryable: true };
    }
  }
}
