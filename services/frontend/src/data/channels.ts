import { randomUUID } from 'node:crypto';
import { buildAlertBody, hostNameProblem, type Pool } from '@pingdummy/shared';
import { z } from 'zod';
import { inputErrorMap } from './error-messages.js';
import { parseOrThrow } from './validate-input.js';
import { isUuid } from './ids.js';

export const CHANNEL_KINDS = ['webhook', 'email'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

const webhookTarget = z
  .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
  .max(2048)
  // The notifier would refuse such a host at every delivery (invalid_url); say it now instead.
  .superRefine((url, ctx) => {
    // Refinements run even after z.url() failed; that failure is already reported.
    if (!URL.canParse(url)) return;
    const problem = hostNameProblem(new URL(url).hostname);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
const emailTarget = z.email('must be an email address').max(320);

/** The longest text each field may hold (characters): the schema's limits and the form's maxlength attributes. */
export const CHANNEL_TEXT_LIMITS = { name: 200, target: 2048 } as const;

/** A notification channel: a webhook URL or an email address, depending on kind. */
export const ChannelInput = z
  .strictObject({
    name: z.string().trim().min(1, 'is required').max(CHANNEL_TEXT_LIMITS.name).describe('Display name.'),
    kind: z.enum(CHANNEL_KINDS).describe('webhook: POST JSON to target; email: mail target.'),
    target: z.string().trim().min(1, 'is required').max(CHANNEL_TEXT_LIMITS.target).describe('Webhook URL (http/https) or email address.'),
  })
  .superRefine((channel, ctx) => {
    const check = channel.kind === 'webhook' ? webhookTarget : emailTarget;
    const parsed = check.safeParse(channel.target, { error: inputErrorMap });
    if (!parsed.success) ctx.addIssue({ code: 'custom', path: ['target'], message: parsed.error.issues[0]!.message });
  });
export type ChannelInput = z.input<typeof ChannelInput>;

export interface Channel {
  id: string;
  name: string;
  kind: ChannelKind;
  target: string;
  createdAt: string;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface Delivery {
  status: DeliveryStatus;
  attempts: number;
  lastError: string | null;
  deliveredAt: string | null;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function toChannel(row: any): Channel {
  return { id: row.id, name: row.name, kind: row.kind, target: row.target, createdAt: row.created_at.toISOString() };
}

export async function listChannels(db: Pool, accountId: string): Promise<Channel[]> {
  if (!isUuid(accountId)) return [];
  const { rows } = await db.query(
    `SELECT id, name, kind, target, created_at FROM notification_channels WHERE account_id = $1 ORDER BY name, id`,
    [accountId],
  );
  return rows.map(toChannel);
}

/** The channel, or null when it is not in this account. */
export async function getChannel(db: Pool, accountId: string, id: string): Promise<Channel | null> {
  if (!isUuid(accountId) || !isUuid(id)) return null;
  const { rows } = await db.query(
    `SELECT id, name, kind, target, created_at FROM notification_channels WHERE id = $1 AND account_id = $2`,
    [id, accountId],
  );
  return rows[0] ? toChannel(rows[0]) : null;
}

/** Validates (FieldValidationError) and stores a channel. */
export async function createChannel(db: Pool, accountId: string, input: ChannelInput): Promise<Channel> {
  const channel = parseOrThrow(ChannelInput, input);
  const { rows } = await db.query(
    `INSERT INTO notification_channels (account_id, name, kind, target) VALUES ($1, $2, $3, $4)
     RETURNING id, name, kind, target, created_at`,
    [accountId, channel.name, channel.kind, channel.target],
  );
  return toChannel(rows[0]);
}

/** Replaces name, kind and target; null when the channel is not in this account. */
export async function updateChannel(db: Pool, accountId: string, id: string, input: ChannelInput): Promise<Channel | null> {
  const channel = parseOrThrow(ChannelInput, input);
  if (!isUuid(accountId) || !isUuid(id)) return null;
  const { rows } = await db.query(
    `UPDATE notification_channels SET name = $3, kind = $4, target = $5 WHERE id = $1 AND account_id = $2
     RETURNING id, name, kind, target, created_at`,
    [id, accountId, channel.name, channel.kind, channel.target],
  );
  return rows[0] ? toChannel(rows[0]) : null;
}

/** Deletes the channel (checks stop alerting it); false when it is not in this account. */
export async function deleteChannel(db: Pool, accountId: string, id: string): Promise<boolean> {
  if (!isUuid(accountId) || !isUuid(id)) return false;
  const { rowCount } = await db.query(`DELETE FROM notification_channels WHERE id = $1 AND account_id = $2`, [id, accountId]);
  return (rowCount ?? 0) > 0;
}

/**
 * Puts a 'test' delivery for the channel into the outbox; the worker's notifier sends it within about a second.
 * Its body is built like a real alert's (buildAlertBody), so a receiver set up with a test handles alerts too.
 * Returns the delivery id (poll it with getDelivery), or null when the channel is not in this account.
 */
export async function queueTestDelivery(db: Pool, accountId: string, channelId: string): Promise<string | null> {
  const channel = await getChannel(db, accountId, channelId);
  if (!channel) return null;
  const payload = buildAlertBody({ event: 'test', occurredAt: new Date(), channelName: channel.name });
  const { rows } = await db.query(
    `INSERT INTO deliveries (account_id, channel_id, event, payload, idempotency_key)
     SELECT ch.account_id, ch.id, 'test', $3::jsonb, $4
     FROM notification_channels ch WHERE ch.id = $1 AND ch.account_id = $2
     RETURNING id::text`,
    [channel.id, accountId, JSON.stringify(payload), `test:${channel.id}:${randomUUID()}`],
  );
  return rows[0]?.id ?? null;
}

/** Status of a delivery; null when it is not in this account (or the id is not a delivery id). */
export async function getDelivery(db: Pool, accountId: string, deliveryId: string): Promise<Delivery | null> {
  if (!isUuid(accountId) || !/^[1-9]\d{0,17}$/.test(String(deliveryId))) return null;
  const { rows } = await db.query(
    `SELECT status, attempts, last_error, delivered_at FROM deliveries WHERE id = $1 AND account_id = $2`,
    [deliveryId, accountId],
  );
  const row = rows[0];
  if (!row) return null;
  return {
    status: row.status,
    attempts: row.attempts,
    lastError: row.last_error,
    deliveredAt: row.delivered_at ? row.delivered_at.toISOString() : null,
  };
}
