import type { ChannelKind } from '../data/channels.js';

/** How each kind is named in the channel form's menu, and what its target and secret fields mean. */
export const CHANNEL_KIND_LABELS: Record<ChannelKind, { label: string; target: string; secret: string | null }> = {
  webhook: { label: 'Webhook (signed JSON POST)', target: 'URL (http or https)', secret: null },
  email: { label: 'Email', target: 'Email address', secret: null },
  slack: { label: 'Slack (incoming webhook)', target: 'Incoming-webhook URL, https://hooks.slack.com/services/...', secret: null },
  discord: { label: 'Discord (webhook)', target: 'Webhook URL, https://discord.com/api/webhooks/...', secret: null },
  teams: { label: 'Microsoft Teams (Workflows webhook)', target: 'The URL of the "When a Teams webhook request is received" workflow', secret: null },
  pagerduty: { label: 'PagerDuty (Events API v2)', target: 'us or eu (empty: us)', secret: 'Integration (routing) key' },
  opsgenie: { label: 'Opsgenie', target: 'us or eu (empty: us)', secret: 'API integration key' },
  telegram: { label: 'Telegram (bot)', target: 'Chat id (e.g. -1001234567890) or @channel', secret: 'Bot token from @BotFather' },
};
