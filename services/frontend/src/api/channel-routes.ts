/** API routes of notification channels: list, create, get, change, delete, send a test, rotate a webhook's signing secret. */
import {
  addChannel,
  ChannelInput,
  ChannelPatch,
  deleteChannel,
  getChannel,
  getDelivery,
  listChannels,
  patchChannel,
  queueTestDelivery,
  rotateSigningSecret,
} from '../data/channels.js';
import {
  ChannelListSchema,
  ChannelSchema,
  CreatedChannelSchema,
  DeliverySchema,
  SigningSecretSchema,
  TestDeliverySchema,
} from './channel-schemas.js';
import { found, route } from './route.js';
import type { ApiRoute } from './routes.js';


export const channelRoutes: ApiRoute[] = [
  route({
    method: 'get',
    path: '/channels',
    operationId: 'listChannels',
    summary: 'List the notification channels of the account (secrets are never returned)',
    tag: 'channels',
    success: { status: 200, description: 'All channels, by name', schema: ChannelListSchema },
    errors: [401],
    handle: async ({ pool, accountId }) => ({ body: { channels: await listChannels(pool, accountId) } }),
  }),
  route({
    method: 'post',
    path: '/channels',
    operationId: 'createChannel',
    summary: 'Create a channel: webhook, email, slack, discord, teams, pagerduty, opsgenie or telegram',
    tag: 'channels',
    body: ChannelInput,
    success: { status: 201, description: "The new channel; a webhook's signing secret is in it this once", schema: CreatedChannelSchema },
    errors: [400, 401, 413],
    handle: async ({ pool, accountId, body }) => {
      const { channel, signingSecret } = await addChannel(pool, accountId, body);
      return { body: { ...channel, signingSecret }, location: `/api/v1/channels/${channel.id}` };
    },
  }),
  route({
    method: 'get',
    path: '/channels/:id',
    operationId: 'getChannel',
    summary: 'Get a channel',
    tag: 'channels',
    notFound: 'channel',
    success: { status: 200, description: 'The channel', schema: ChannelSchema },
    errors: [401, 404],
    handle: async ({ pool, accountId, params }) => found(await getChannel(pool, accountId, params.id!)),
  }),
  route({
    method: 'patch',
    path: '/channels/:id',
    operationId: 'updateChannel',
    summary: 'Change some fields of a channel (a secret left out is kept)',
    tag: 'channels',
    body: ChannelPatch,
    notFound: 'channel',
    success: { status: 200, description: 'The changed channel', schema: ChannelSchema },
    errors: [400, 401, 404, 413],
    handle: async ({ pool, accountId, params, body }) => found(await patchChannel(pool, accountId, params.id!, body)),
  }),
  route({
    method: 'delete',
    path: '/channels/:id',
    operationId: 'deleteChannel',
    summary: 'Delete a channel (checks stop notifying it)',
    tag: 'channels',
    notFound: 'channel',
    success: { status: 204, description: 'Deleted' },
    errors: [401, 404],
    handle: async ({ pool, accountId, params }) => ((await deleteChannel(pool, accountId, params.id!)) ? {} : null),
  }),
  route({
    method: 'post',
    path: '/channels/:id/test',
    operationId: 'testChannel',
    summary: 'Send a test notification, in the same format as a real alert',
    tag: 'channels',
    notFound: 'channel',
    success: { status: 202, description: 'Queued; the worker sends it within about a second', schema: TestDeliverySchema },
    errors: [401, 404],
    handle: async ({ pool, accountId, params }) => {
      const deliveryId = await queueTestDelivery(pool, accountId, params.id!);
      if (!deliveryId) return null;
      const statusUrl = `/api/v1/channels/${params.id}/deliveries/${deliveryId}`;
      return { body: { deliveryId, statusUrl }, location: statusUrl };
    },
  }),
  route({
    method: 'get',
    path: '/channels/:id/deliveries/:deliveryId',
    operationId: 'getChannelDelivery',
    summary: 'Status of a delivery to a channel (e.g. a test)',
    tag: 'channels',
    notFound: 'delivery',
    success: { status: 200, description: 'The delivery', schema: DeliverySchema },
    errors: [401, 404],
    handle: async ({ pool, accountId, params }) => found(await getDelivery(pool, accountId, params.deliveryId!, params.id!)),
  }),
  route({
    method: 'post',
    path: '/channels/:id/signing-secret',
    operationId: 'rotateSigningSecret',
    summary: "Replace a webhook's signing secret; the new one is returned this once",
    tag: 'channels',
    notFound: 'webhook channel',
    success: { status: 201, description: 'The new signing secret (the old one stops working at once)', schema: SigningSecretSchema },
    errors: [401, 404],
    handle: async ({ pool, accountId, params }) => found(await rotateSigningSecret(pool, accountId, params.id!), (signingSecret) => ({ signingSecret })),
  }),
];
