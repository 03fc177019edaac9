/**
 * The REST API as one table: each route's method, path, request schemas, documented responses and handler.
 * The router registers these and the OpenAPI document is generated from them, so an undocumented route cannot exist.
 */
import type { Pool } from '@pingdummy/shared';
import type { z } from 'zod';
import type { AddressAdvisor } from '../checks/address-warnings.js';
import { getBadgeSetting, setBadgeEnabled, type BadgeSetting } from '../data/badges.js';
import { CheckInput, CheckPatch, createCheck, deleteCheck, getCheck, listChecks, setCheckPaused, updateCheck } from '../data/checks.js';
import { getIncident, listIncidents } from '../data/incidents.js';
import { channelRoutes } from './channel-routes.js';
import { found, route } from './route.js';
import { tokenRoutes } from './token-routes.js';
import { auditApiRoutes } from './audit-routes.js';
import { heartbeatApiRoutes } from './heartbeat-routes.js';
import { listResults } from '../data/results.js';
import { maintenanceRoutes } from './maintenance-routes.js';
import { getCheckSummaries, getCheckSummary } from '../data/summaries.js';
import {
  BadgeInput,
  BadgeSettingSchema,
  CheckListSchema,
  CheckSchema,
  CheckUptimeSchema,
  IncidentListSchema,
  IncidentSchema,
  IncidentsQuery,
  ResultListSchema,
  ResultsQuery,
  SavedCheckSchema,
  UptimeListSchema,
} from './schemas.js';

export interface ApiRequestContext<Body, Query> {
  pool: Pool;
  accountId: string;
  userId: string;
  checkLimit: number;
  /** Warnings about a check's URL (an address the beacons refuse); they never stop a save. */
  addressWarnings: AddressAdvisor;
  params: Record<string, string>;
  body: Body;
  query: Query;
}

/** What a handler answers: a body with the route's success status, or `null` for "not found in this account". */
export type ApiReply = { body?: unknown; location?: string } | null;

export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 429;

export interface ApiRoute<BodySchema extends z.ZodType | undefined = z.ZodType | undefined, QuerySchema extends z.ZodType | undefined = z.ZodType | undefined> {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Express path relative to /api/v1, e.g. /checks/:id. */
  path: string;
  operationId: string;
  summary: string;
  tag: 'checks' | 'incidents' | 'uptime' | 'maintenance' | 'channels' | 'tokens' | 'audit';
  body?: BodySchema;
  query?: QuerySchema;
  /** What `null` from the handler means, for the 404 message ("check not found"). */
  notFound?: string;
  success: { status: 200 | 201 | 202 | 204; description: string; schema?: z.ZodType };
  errors: ErrorStatus[];
  handle(
    context: ApiRequestContext<
      BodySchema extends z.ZodType ? z.output<BodySchema> : undefined,
      QuerySchema extends z.ZodType ? z.output<QuerySchema> : undefined
    >,
  ): Promise<ApiReply>;
}


const badgeBody = (badge: BadgeSetting) => ({ enabled: badge.enabled, path: badge.token ? `/badge/${badge.token}.svg` : null });

export const apiRoutes: ApiRoute[] = [
  route({
    method: 'get',
    path: '/checks',
    operationId: 'listChecks',
    summary: 'List the checks of the account',
    tag: 'checks',
    success: { status: 200, description: 'All checks, oldest first', schema: CheckListSchema },
    errors: [401],
    handle: async ({ pool, accountId }) => ({ body: { checks: await listChecks(pool, accountId) } }),
  }),
  route({
    method: 'post',
    path: '/checks',
    operationId: 'createCheck',
    summary: 'Create a check',
    tag: 'checks',
    body: CheckInput,
    success: { status: 201, description: 'The new check, with warnings about its URL (the check is created either way)', schema: SavedCheckSchema },
    errors: [400, 401, 409, 413],
    handle: async ({ pool, accountId, body, checkLimit, addressWarnings }) => {
      const check = await createCheck(pool, accountId, body, { checkLimit });
      return { body: { ...check, warnings: await addressWarnings(check.url) }, location: `/api/v1/checks/${check.id}` };
    },
  }),
  route({
    method: 'get',
    path: '/checks/:id',
    operationId: 'getCheck',
    summary: 'Get a check',
    tag: 'checks',
    notFound: 'check',
    success: { status: 200, description: 'The check', schema: CheckSchema },
    errors: [401, 404],
    handle: async ({ pool, accountId, params }) => found(await getCheck(pool, accountId, params.id!)),
  }),
  route({
    method: 'patch',
    path: '/checks/:id',
    operationId: 'updateCheck',
    summary: 'Change some fields of a check',
    tag: 'checks',
    body: CheckPatch,
    notFound: 'check',
    success: { status: 200, description: 'The changed check, with warnings about its URL (the change is saved either way)', schema: SavedCheckSchema },
    errors: [400, 401, 404, 413],
    handle: async ({ pool, accountId, params, body, addressWarnings }) => {
      const check = await updateCheck(pool, accountId, params.id!, body);
      return check === null ? null : { body: { ...check, warnings: await addressWarnings(check.url) } };
    },
  }),
  route({
    method: 'delete',
    path: '/checks/:id',
    operationId: 'deleteCheck',
    summary: 'Delete a check with its history',
    tag: 'checks',
    notFound: 'check',
    success: { status: 204, description: 'Deleted' },
    errors: [401, 404],
    handle: async ({ pool, accountId, params }) => ((await deleteCheck(pool, accountId, params.id!)) ? {} : null),
  }),
  route({
    method: 'post',
    path: '/checks/:id/pause',
    operationId: 'pauseCheck',
    summary: 'Stop probing a check',
    tag: 'checks',
    notFound: 'check',
    success: { status: 200, description: 'The paused check', schema: CheckSchema },
    errors: [401, 404],
    handle: async ({ pool, accountId, params }) => found(await setCheckPaused(pool, accountId, params.id!, true)),
  }),
  route({
    method: 'post',
    path: '/checks/:id/resume',
    operationId: 'resumeCheck',
    summary: 'Resume probing a check (it is probed at once)',
    tag: 'checks',
    notFound: 'check',
    success: { status: 200, description: 'The resumed check', schema: CheckSchema },
    errors: [401, 404],
    handle: async ({ pool, accountId, params }) => found(await setCheckPaused(pool, accountId, params.id!, false)),
  }),
  route({
    method: 'get',
    path: '/checks/:id/badge',
    operationId: 'getCheckBadge',
    summary: "Whether the check's public status badge is on, and its address",
    tag: 'checks',
    notFound: 'check',
    success: { status: 200, description: 'The badge setting', schema: BadgeSettingSchema },
    errors: [401, 404],
    handle: async ({ pool, accountId, params }) => found(await getBadgeSetting(pool, accountId, params.id!), badgeBody),
  }),
  route({
    method: 'patch',
    path: '/checks/:id/badge',
    operationId: 'setCheckBadge',
    summary: "Turn the check's public status badge on or off",
    tag: 'checks',
    body: BadgeInput,
    notFound: 'check',
    success: { status: 200, description: 'The badge setting', schema: BadgeSettingSchema },
    errors: [400, 401, 404, 413],
    handle: async ({ pool, accountId, params, body }) => found(await setBadgeEnabled(pool, accountId, params.id!, body.enabled), badgeBody),
  }),
  route({
    method: 'get',
    path: '/checks/:id/results',
    operationId: 'listCheckResults',
    summary: 'Latest raw probe results of a check, newest first',
    tag: 'checks',
    query: ResultsQuery,
    notFound: 'check',
    success: { status: 200, description: 'Probe results', schema: ResultListSchema },
    errors: [400, 401, 404],
    handle: async ({ pool, accountId, params, query }) => found(await listResults(pool, accountId, params.id!, { limit: query.limit }), (results) => ({ results })),
  }),
  route({
    method: 'get',
    path: '/checks/:id/uptime',
    operationId: 'getCheckUptime',
    summary: 'Uptime (24h, 7d, 30d) and 24h latency percentiles of a check',
    tag: 'uptime',
    notFound: 'check',
    success: { status: 200, description: 'Summary', schema: CheckUptimeSchema },
    errors: [401, 404],
    handle: async ({ pool, accountId, params }) => found(await getCheckSummary(pool, accountId, params.id!), (summary) => ({ checkId: params.id, ...summary })),
  }),
  route({
    method: 'get',
    path: '/uptime',
    operationId: 'listUptime',
    summary: 'Uptime and latency summaries of every check',
    tag: 'uptime',
    success: { status: 200, description: 'One summary per check', schema: UptimeListSchema },
    errors: [401],
    handle: async ({ pool, accountId }) => {
      const summaries = await getCheckSummaries(pool, accountId);
      return { body: { checks: [...summaries].map(([checkId, summary]) => ({ checkId, ...summary })) } };
    },
  }),
  route({
    method: 'get',
    path: '/incidents',
    operationId: 'listIncidents',
    summary: 'Incidents of the account, newest first',
    tag: 'incidents',
    query: IncidentsQuery,
    notFound: 'check',
    success: { status: 200, description: 'Incidents', schema: IncidentListSchema },
    errors: [400, 401, 404],
    handle: async ({ pool, accountId, query }) => {
      if (query.checkId && !(await getCheck(pool, accountId, query.checkId))) return null;
      return { body: { incidents: await listIncidents(pool, accountId, query) } };
    },
  }),
  route({
    method: 'get',
    path: '/incidents/:id',
    operationId: 'getIncident',
    summary: 'Get an incident',
    tag: 'incidents',
    notFound: 'incident',
    success: { status: 200, description: 'The incident', schema: IncidentSchema },
    errors: [401, 404],
    handle: async ({ pool, accountId, params }) => found(await getIncident(pool, accountId, params.id!)),
  }),
  ...maintenanceRoutes,
  ...channelRoutes,
  ...tokenRoutes,
  ...auditApiRoutes,
  ...heartbeatApiRoutes,
];
