/**
 * Every kind of notification channel (notification_channels.kind, migration 005): the frontend validates and
 * stores them, the worker has one sender per kind.
 */
export const CHANNEL_KINDS = ['webhook', 'email', 'slack', 'discord', 'teams', 'pagerduty', 'opsgenie', 'telegram'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];
