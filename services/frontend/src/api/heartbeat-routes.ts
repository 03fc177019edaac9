/** The heartbeat-check routes of the REST API (delete, pause, resume, incidents and uptime are the /checks ones). */
import { createHeartbeatCheck, getHeartbeatCheck, HeartbeatInput, HeartbeatPatch, listPings, updateHeartbeatCheck } from '../data/heartbeats.js';
import { HeartbeatCheckSchema, PingListSchema, PingsQuery } from './heartbeat-schemas.js';
import { found, route } from './route.js';
import type { ApiRoute } from './routes.js';

export const heartbeatApiRoutes: ApiRoute[] = [
  route({
    method: 'post',
    path: '/heartbeat-checks',
    operationId: 'createHeartbeatCheck',
    summary: 'Create a heartbeat check: a job pings its secret URL, and the check is down when a ping is late',
    tag: 'checks',
    body: HeartbeatInput,
    success: { status: 201, description: 'The new heartbeat check, with its ping URL path', schema: HeartbeatCheckSchema },
    errors: [400, 401, 409, 413],
    handle: async ({ pool, accountId, body, checkLimit }) => {
      const check = await createHeartbeatCheck(pool, accountId, body, { checkLimit });
      return { body: check, location: `/api/v1/heartbeat-checks/${check.id}` };
    },
  }),
  route({
    method: 'get',
    path: '/heartbeat-checks/:id',
    operationId: 'getHeartbeatCheck',
    summary: 'Get a heartbeat check, with its last ping and job run time',
    tag: 'checks',
    notFound: 'heartbeat check',
    success: { status: 200, description: 'The heartbeat check', schema: HeartbeatCheckSchema },
    errors: [401, 404],
    handle: async ({ pool, accountId, params }) => found(await getHeartbeatCheck(pool, accountId, params.id!)),
  }),
  route({
    method: 'patch',
    path: '/heartbeat-checks/:id',
    operationId: 'updateHeartbeatCheck',
    summary: 'Change some fields of a heartbeat check (setting cron clears periodSeconds and the other way round)',
    tag: 'checks',
    body: HeartbeatPatch,
    notFound: 'heartbeat check',
    success: { status: 200, description: 'The changed heartbeat check', schema: HeartbeatCheckSchema },
    errors: [400, 401, 404, 413],
    handle: async ({ pool, accountId, params, body }) => found(await updateHeartbeatCheck(pool, accountId, params.id!, body)),
  }),
  route({
    method: 'get',
    path: '/heartbeat-checks/:id/pings',
    operationId: 'listHeartbeatPings',
    summary: 'Latest pings of a heartbeat check, newest first',
    tag: 'checks',
    query: PingsQuery,
    notFound: 'heartbeat check',
    success: { status: 200, description: 'Pings', schema: PingListSchema },
    errors: [400, 401, 404],
    handle: async ({ pool, accountId, params, query }) => found(await listPings(pool, accountId, params.id!, query.limit), (pings) => ({ pings })),
  }),
];
