-- Up Migration

-- Native integrations: chat (Slack, Discord, Microsoft Teams, Telegram) and paging (PagerDuty, Opsgenie)
-- channels next to the generic webhook and email.
ALTER TABLE notification_channels DROP CONSTRAINT notification_channels_kind_check;
ALTER TABLE notification_channels ADD CONSTRAINT notification_channels_kind_check
  CHECK (kind IN ('webhook', 'email', 'slack', 'discord', 'teams', 'pagerduty', 'opsgenie', 'telegram'));

-- What a channel needs that must never be shown again after creation: the HMAC signing secret of a
-- webhook (generated), the PagerDuty routing key, the Opsgenie API key or the Telegram bot token.
ALTER TABLE notification_channels ADD COLUMN secret text;

-- Existing webhooks get a signing secret too (244 random bits from two v4 UUIDs; pgcrypto is not assumed).
UPDATE notification_channels
   SET secret = 'whsec_' || replace(gen_random_uuid()::text, '-', '') || replace(gen_random_uuid()::text, '-', '')
 WHERE kind = 'webhook';

-- Down Migration
DELETE FROM notification_channels WHERE kind NOT IN ('webhook', 'email');
ALTER TABLE notification_channels DROP COLUMN secret;
ALTER TABLE notification_channels DROP CONSTRAINT notification_channels_kind_check;
ALTER TABLE notification_channels ADD CONSTRAINT notification_channels_kind_check CHECK (kind IN ('webhook', 'email'));
