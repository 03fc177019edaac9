import { createHmac } from 'node:crypto';

/** The header every signed webhook carries; its verification recipe is in the worker's README. */
export const SIGNATURE_HEADER = 'Pingdummy-Signature';

/**
 * `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" keyed with the channel's secret>`: the timestamp is
 * signed too, so a receiver can refuse an old request replayed later.
 */
export function signWebhookBody(secret: string, body: string, at: Date = new Date()): string {
  const timestamp = Math.floor(at.getTime() / 1000);
  const digest = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return `t=${timestamp},v1=${digest}`;
}
