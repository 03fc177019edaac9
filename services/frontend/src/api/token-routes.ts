/** API routes of personal API tokens: list, create (the secret is returned once), revoke. */
import { createApiToken, listApiTokens, revokeApiToken } from '../data/tokens.js';
import { ApiTokenListSchema, CreatedApiTokenSchema, TokenInput } from './channel-schemas.js';
import { route } from './route.js';
import type { ApiRoute } from './routes.js';

export const tokenRoutes: ApiRoute[] = [
  route({
    method: 'get',
    path: '/tokens',
    operationId: 'listApiTokens',
    summary: 'List the API tokens of the account, revoked ones included (never their secrets)',
    tag: 'tokens',
    success: { status: 200, description: 'Tokens, newest first', schema: ApiTokenListSchema },
    errors: [401],
    handle: async ({ pool, accountId }) => ({ body: { tokens: await listApiTokens(pool, accountId) } }),
  }),
  route({
    method: 'post',
    path: '/tokens',
    operationId: 'createApiToken',
    summary: 'Create an API token for the user of the calling token; the secret is returned this once',
    tag: 'tokens',
    body: TokenInput,
    success: { status: 201, description: 'The new token with its secret', schema: CreatedApiTokenSchema },
    errors: [400, 401, 413],
    handle: async ({ pool, accountId, userId, body }) => ({ body: await createApiToken(pool, accountId, userId, body.name) }),
  }),
  route({
    method: 'delete',
    path: '/tokens/:id',
    operationId: 'revokeApiToken',
    summary: 'Revoke an API token (it stops working at once; it stays listed as revoked)',
    tag: 'tokens',
    notFound: 'active token',
    success: { status: 204, description: 'Revoked' },
    errors: [401, 404],
    handle: async ({ pool, accountId, params }) => ((await revokeApiToken(pool, accountId, params.id!)) ? {} : null),
  }),
];
