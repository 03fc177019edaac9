import type { Dispatcher } from 'undici';
import type { Delivery, DeliveryAttempt, Sender } from './delivery.js';
import { postJson } from './post-json.js';
import type { Formatter } from './provider-request.js';

/** Sends a delivery as the requests its formatter builds, in order; the first failure ends the attempt. */
export class ProviderSender implements Sender {
  constructor(
    private readonly format: Formatter,
    private readonly dispatcher: Dispatcher,
    private readonly timeoutMs = 10_000,
  ) {}

  async send(delivery: Delivery): Promise<DeliveryAttempt> {
    const requests = this.format(delivery);
    if (requests.length === 0) return { ok: true, detail: `nothing to send for a ${delivery.event} event` };
    const details: string[] = [];
    for (const request of requests) {
      const attempt = await postJson({
        url: request.url,
        body: JSON.stringify(request.body),
        headers: request.headers,
        dispatcher: this.dispatcher,
        timeoutMs: this.timeoutMs,
        secret: delivery.channelSecret,
      });
      if (!attempt.ok) return attempt;
      details.push(attempt.detail);
    }
    return { ok: true, detail: details.join(', ') };
  }
}
