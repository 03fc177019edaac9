import type { Delivery } from '../delivery.js';
import type { ProviderRequest } from '../provider-request.js';
import { EVENT_COLORS, alertFacts, headline } from './alert-text.js';

/**
 * A Discord webhook message with one embed (title linking to the check, colour by event, facts as inline
 * fields, ISO timestamp). `allowed_mentions` is empty so a check named "@everyone" pings nobody. Discord
 * answers 204 No Content.
 */
export function formatDiscord(delivery: Delivery): ProviderRequest[] {
  const { payload } = delivery;
  const embed = {
    title: headline(payload).slice(0, 256),
    ...(payload.check ? { url: payload.check.link } : {}),
    color: EVENT_COLORS[payload.event],
    timestamp: payload.occurredAt,
    fields: alertFacts(payload).map((fact) => ({ name: fact.name, value: fact.value.slice(0, 1024), inline: true })),
    footer: { text: 'Pingdummy' },
  };
  return [{ url: delivery.channelTarget, body: { username: 'Pingdummy', allowed_mentions: { parse: [] }, embeds: [embed] } }];
}
