import { jsonErrorHandler, type Logger, type Pool } from '@pingdummy/shared';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { z } from 'zod';
import { roleGuard } from '../access/role-guard.js';
import { API_ROLE_POLICY } from '../access/role-policy.js';
import { auditActorMiddleware } from '../audit/audit-actor.js';
import { createAddressAdvisor, type AddressAdvisor } from '../checks/address-warnings.js';
import { CheckLimitError, FieldValidationError, fieldSentences } from '../data/errors.js';
import { validateInput } from '../data/validate-input.js';
import { authenticateApiToken, type ApiTokenIdentity } from '../data/tokens.js';
import { buildOpenApiDocument } from './openapi.js';
import { apiRoutes, type ApiRoute } from './routes.js';

export interface ApiRouterOptions {
  pool: Pool;
  logger: Logger;
  /** Most checks per account unless accounts.check_limit says otherwise. */
  checkLimit: number;
  /**
   * Warnings about a saved check's URL.
   * @default - the address policy without an allow-list, names resolved with dns.lookup
   */
  addressWarnings?: AddressAdvisor;
  /**
   * Requests per minute per API token (in-memory counter, per process); more get 429.
   * @default 600
   */
  requestsPerMinute?: number;
}

/** Largest JSON body the API accepts. */
export const API_BODY_LIMIT = '64kb';

const BEARER = /^Bearer[ ]+(\S+)$/i;

function sendError(res: Response, status: number, error: string, fields?: Record<string, string>): void {
  res.status(status).json(fields ? { error, fields } : { error });
}

/** Bearer-token auth: 401 JSON for a missing, malformed, unknown or revoked token. */
function requireApiToken(pool: Pool): RequestHandler {
  return async (req, res, next) => {
    const match = BEARER.exec(req.get('authorization') ?? '');
    const identity = match ? await authenticateApiToken(pool, match[1]!) : null;
    if (!identity) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="pingdummy-api"');
      return sendError(res, 401, match ? 'invalid or revoked API token' : 'missing API token: send "Authorization: Bearer pd_..."');
    }
    res.locals.apiIdentity = identity;
    next();
  };
}

/** Validates a body or query with its route schema; sends 400 with one sentence per field and returns undefined on failure. */
function validate(schema: z.ZodType, value: unknown, res: Response): { data: unknown } | undefined {
  const validated = validateInput(schema, value);
  if (validated.success) return { data: validated.data };
  sendError(res, 400, 'validation failed', fieldSentences(validated.errors));
  return undefined;
}

const isJsonObject = (value: unknown): boolean => typeof value === 'object' && value !== null && !Array.isArray(value);

function routeHandler(route: ApiRoute, options: ApiRouterOptions, addressWarnings: AddressAdvisor): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      let body: unknown;
      if (route.body) {
        if (req.body === undefined) return sendError(res, 400, 'request body must be JSON (Content-Type: application/json)');
        if (!isJsonObject(req.body)) return sendError(res, 400, 'request body must be a JSON object');
        const validated = validate(route.body, req.body, res);
        if (!validated) return;
        body = validated.data;
      }
      let query: unknown;
      if (route.query) {
        const validated = validate(route.query, req.query, res);
        if (!validated) return;
        query = validated.data;
      }
      const identity = res.locals.apiIdentity as ApiTokenIdentity;
      const reply = await route.handle({
        pool: options.pool,
        accountId: identity.accountId,
        userId: identity.userId,
        checkLimit: options.checkLimit,
        addressWarnings,
        params: req.params as Record<string, string>,
        body: body as never,
        query: query as never,
      });
      if (reply === null) return sendError(res, 404, `${route.notFound ?? 'resource'} not found`);
      if (reply.location) res.location(reply.location);
      // The server's own time (auth, validation, database), for clients and benchmarks that want it without the network.
      res.setHeader('Server-Timing', `total;dur=${(performance.now() - (res.locals.apiStartedAt as number)).toFixed(1)}`);
      if (route.success.status === 204) return void res.status(204).end();
      res.status(route.success.status).json(reply.body);
    } catch (error) {
      if (error instanceof FieldValidationError) return sendError(res, 400, 'validation failed', fieldSentences(error.fields));
      if (error instanceof CheckLimitError) return sendError(res, 409, error.message);
      next(error);
    }
  };
}

/**
 * The REST API, mounted at /api/v1 before any session or CSRF middleware: it authenticates with personal API
 * tokens, parses its own JSON (64 kB limit) and answers every error as JSON without stack traces.
 */
export function createApiRouter(options: ApiRouterOptions): express.Router {
  const router = express.Router();
  const document = buildOpenApiDocument(apiRoutes);
  const addressWarnings = options.addressWarnings ?? createAddressAdvisor({ allowCidrs: [] });

  router.use((req, res, next) => {
    req.log ??= options.logger; // set by startHttpService; a bare express app (tests) gets the router's logger
    res.locals.apiStartedAt = performance.now();
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  router.get('/openapi.json', (_req, res) => {
    res.json(document);
  });
  // Authenticate before parsing, so anonymous clients cannot make the server read bodies.
  router.use(requireApiToken(options.pool));
  router.use(
    rateLimit({
      windowMs: 60_000,
      limit: options.requestsPerMinute ?? 600,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      keyGenerator: (_req, res) => `token:${(res.locals.apiIdentity as ApiTokenIdentity).tokenId}`,
      handler: (_req, res) => sendError(res, 429, 'too many requests for this API token; wait a minute and retry'),
    }),
  );
  // Every route, including ones added later, gets the role check (writes need a member) and the audit actor.
  const identityOf = (res: Response) => res.locals.apiIdentity as ApiTokenIdentity | undefined;
  router.use(roleGuard(API_ROLE_POLICY, (res) => identityOf(res)?.role, (_req, res, message) => sendError(res, 403, message)));
  router.use(
    auditActorMiddleware((res) => {
      const identity = identityOf(res);
      return identity && { userId: identity.userId, tokenId: identity.tokenId, label: identity.label };
    }),
  );
  // Not strict: a JSON scalar body then gets the same clear 400 as an array ("must be a JSON object").
  router.use(express.json({ limit: API_BODY_LIMIT, strict: false, type: ['application/json', 'application/*+json'] }));
  for (const route of apiRoutes) router[route.method](route.path, routeHandler(route, options, addressWarnings));
  router.use((_req, res) => sendError(res, 404, 'no such API endpoint; see /api/v1/openapi.json'));
  router.use(jsonErrorHandler);
  return router;
}
