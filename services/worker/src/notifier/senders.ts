import type { Dispatcher } from 'undici';
import type { ChannelKind, Sender } from './delivery.js';
import { formatDiscord } from './formats/discord.js';
import { formatOpsgenie } from './formats/opsgenie.js';
import { formatPagerDuty } from './formats/pagerduty.js';
import { formatSlack } from './formats/slack.js';
import { formatTeams } from './formats/teams.js';
import { formatTelegram } from './formats/telegram.js';
import type { ProviderEndpoints } from './provider-endpoints.js';
import { ProviderSender } from './provider-sender.js';
import { WebhookSender } from './webhook-sender.js';

export interface SenderOptions {
  /** For URLs users type (webhook, Slack, Discord, Teams): the guarded agent, with the address policy. */
  userUrlDispatcher: Dispatcher;
  /** For the providers' own API hosts (PagerDuty, Opsgenie, Telegram), set by the operator, not by users. */
  providerDispatcher: Dispatcher;
  endpoints: ProviderEndpoints;
  email: Sender;
}

/** One sender per channel kind. */
export function createSenders(options: SenderOptions): Record<ChannelKind, Sender> {
  const { userUrlDispatcher, providerDispatcher, endpoints } = options;
  return {
    webhook: new WebhookSender(userUrlDispatcher),
    email: options.email,
    slack: new ProviderSender(formatSlack, userUrlDispatcher),
    discord: new ProviderSender(formatDiscord, userUrlDispatcher),
    teams: new ProviderSender(formatTeams, userUrlDispatcher),
    pagerduty: new ProviderSender((delivery) => formatPagerDuty(delivery, endpoints.pagerduty), providerDispatcher),
    opsgenie: new ProviderSender((delivery) => formatOpsgenie(delivery, endpoints.opsgenie), providerDispatcher),
    telegram: new ProviderSender((delivery) => formatTelegram(delivery, endpoints.telegram), providerDispatcher),
  };
}
