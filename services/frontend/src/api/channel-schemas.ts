/** Response schemas of the channel and API token routes (request bodies are the data layer's validators). */
import { z } from 'zod';
import { CHANNEL_KINDS, ChannelInput, ChannelPatch, type Channel, type Delivery } from '../data/channels.js';
import { MAX_TOKEN_NAME_LENGTH, type ApiTokenInfo, type CreatedApiToken } from '../data/tokens.js';
import { apiSchemas } from './schemas.js';

const timestamp = z.string().describe('ISO 8601 timestamp');

export const ChannelSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  kind: z.enum(CHANNEL_KINDS),
  target: z.string(),
  secretSet: z.boolean().describe('Whether a secret is stored; secrets are never returned (a webhook\'s only once, when created or rotated).'),
  createdAt: timestamp,
});
export const ChannelListSchema = z.object({ channels: z.array(ChannelSchema) });
export const CreatedChannelSchema = ChannelSchema.extend({
  signingSecret: z
    .string()
    .nullable()
    .describe('Webhook channels: the HMAC-SHA256 signing secret of the Pingdummy-Signature header, returned this once. Null for other kinds.'),
});
export const SigningSecretSchema = z.object({ signingSecret: z.string().describe('The new signing secret, returned this once.') });

export const TestDeliverySchema = z.object({
  deliveryId: z.string().describe('Poll statusUrl until status is no longer pending.'),
  statusUrl: z.string(),
});
export const DeliverySchema = z.object({
  status: z.enum(['pending', 'delivered', 'failed']),
  attempts: z.number().int(),
  lastError: z.string().nullable().describe('What the receiver answered or what failed, e.g. "HTTP 404"; never holds a secret.'),
  deliveredAt: timestamp.nullable(),
});

export const TokenInput = z.strictObject({
  name: z.string().trim().min(1, 'is required').max(MAX_TOKEN_NAME_LENGTH).describe('What uses the token, e.g. "deploy script".'),
});
export const ApiTokenSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  tokenPrefix: z.string().describe('The first characters of the token, to recognise it.'),
  userId: z.uuid(),
  createdAt: timestamp,
  lastUsedAt: timestamp.nullable(),
  revokedAt: timestamp.nullable(),
});
export const ApiTokenListSchema = z.object({ tokens: z.array(ApiTokenSchema) });
export const CreatedApiTokenSchema = z.object({
  token: z.string().describe('The secret (pd_...), returned this once; only its SHA-256 is stored.'),
  id: z.uuid(),
  name: z.string(),
  tokenPrefix: z.string(),
  createdAt: timestamp,
});

apiSchemas.add(ChannelInput, { id: 'ChannelInput' });
apiSchemas.add(ChannelPatch, { id: 'ChannelPatch' });
apiSchemas.add(ChannelSchema, { id: 'Channel' });
apiSchemas.add(ChannelListSchema, { id: 'ChannelList' });
apiSchemas.add(CreatedChannelSchema, { id: 'CreatedChannel' });
apiSchemas.add(SigningSecretSchema, { id: 'SigningSecret' });
apiSchemas.add(TestDeliverySchema, { id: 'TestDelivery' });
apiSchemas.add(DeliverySchema, { id: 'Delivery' });
apiSchemas.add(TokenInput, { id: 'TokenInput' });
apiSchemas.add(ApiTokenSchema, { id: 'ApiToken' });
apiSchemas.add(ApiTokenListSchema, { id: 'ApiTokenList' });
apiSchemas.add(CreatedApiTokenSchema, { id: 'CreatedApiToken' });

// Compile-time proof that the documented responses are exactly what the data layer returns.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const responsesMatchDataLayer: [
  Same<z.infer<typeof ChannelSchema>, Channel>,
  Same<z.infer<typeof DeliverySchema>, Delivery>,
  Same<z.infer<typeof ApiTokenSchema>, ApiTokenInfo>,
  Same<z.infer<typeof CreatedApiTokenSchema>, CreatedApiToken>,
] = [true, true, true, true];
void responsesMatchDataLayer;
