import type { Delivery } from '../delivery.js';
import type { ProviderRequest } from '../provider-request.js';
import { alertFacts, headline } from './alert-text.js';

/** Telegram's HTML parse mode needs only these three escaped. */
const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * Telegram Bot API `sendMessage` (`POST /bot<token>/sendMessage`, JSON): the headline in bold, the facts,
 * a link to the check, in HTML parse mode without a link preview. A numeric chat id is sent as a number,
 * a channel's @username as text. The bot token is in the path, so errors are redacted by the sender.
 */
export function formatTelegram(delivery: Delivery, apiBase: string): ProviderRequest[] {
  const { payload } = delivery;
  const lines = [`<b>${escapeHtml(headline(payload))}</b>`];
  for (const fact of alertFacts(payload)) lines.push(`${escapeHtml(fact.name)}: ${escapeHtml(fact.value)}`);
  if (payload.check) lines.push(`<a href="${escapeHtml(payload.check.link)}">Open the check</a>`);
  const chatId = /^-?\d+$/.test(delivery.channelTarget) ? Number(delivery.channelTarget) : delivery.channelTarget;
  return [
    {
      url: `${apiBase.replace(/\/+$/, '')}/bot${delivery.channelSecret}/sendMessage`,
      body: { chat_id: chatId, text: lines.join('\n').slice(0, 4096), parse_mode: 'HTML', link_preview_options: { is_disabled: true } },
    },
  ];
}
