import type { Dispatcher } from 'undici';
import type { Delivery, DeliveryAttempt, Sender } from './delivery.js';
import { postJson } from './post-json.js';
import { SIGNATURE_HEADER, signWebhookBody } from './webhook-signature.js';

/**
 * POSTs the payload as JSON (Slack's incoming webhooks read its `text`), with an Idempotency-Key
 * header so a receiver can drop a redelivery, and a Pingdummy-Signature header (HMAC-SHA256 with the
 * channel's secret) so it can tell the request came from this channel.
 */
export class WebhookSender implements Sender {
  constructor(
    private readonly dispatcher: Dispatcher,
    private readonly timeoutMs = 10_000,
  ) {}

  async send(delivery: Delivery): Promise<DeliveryAttempt> {
    const body = JSON.stringify(delivery.payload);
    const headers: Record<string, string> = { 'idempotency-key': delivery.idempotencyKey };
    // Webhooks created before signing existed got a secret in migration 005; the check is for safety only.
    if (delivery.channelSecret) headers[SIGNATURE_HEADER.toLowerCase()] = signWebhookBody(delivery.channelSecret, body);
    return postJson({ url: delivery.channelTarget, body, headers, dispatcher: this.dispatcher, timeoutMs: this.timeoutMs });
  }
}
