import type { Delivery } from '../delivery.js';
import type { ProviderRequest } from '../provider-request.js';
import { alertFacts, headline } from './alert-text.js';

/** Slack's mrkdwn treats &, < and > as markup: escape them in text that comes from users (check names, URLs). */
const escapeMrkdwn = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * A Slack incoming-webhook message in Block Kit: `text` is the notification fallback, then a section with
 * the headline, the facts as section fields and a context line with the time. Slack answers 200 "ok".
 */
export function formatSlack(delivery: Delivery): ProviderRequest[] {
  const { payload } = delivery;
  const link = payload.check?.link;
  const title = escapeMrkdwn(headline(payload));
  const facts = alertFacts(payload);
  const blocks: unknown[] = [{ type: 'section', text: { type: 'mrkdwn', text: link ? `*<${link}|${title}>*` : `*${title}*` } }];
  if (facts.length > 0) {
    blocks.push({ type: 'section', fields: facts.slice(0, 10).map((fact) => ({ type: 'mrkdwn', text: `*${fact.name}*\n${escapeMrkdwn(fact.value)}` })) });
  }
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `Pingdummy · ${payload.event} · ${payload.occurredAt}` }] });
  return [{ url: delivery.channelTarget, body: { text: payload.text, blocks } }];
}
