/** API routes of maintenance windows and incident updates, appended to the route table in routes.ts. */
import { createIncidentUpdate, deleteIncidentUpdate, IncidentUpdateInput, listIncidentUpdates } from '../data/incident-updates.js';
import {
  createMaintenanceWindow,
  deleteMaintenanceWindow,
  getMaintenanceWindow,
  listMaintenanceWindows,
  MaintenanceWindowInput,
  updateMaintenanceWindow,
} from '../data/maintenance-windows.js';
import { IncidentUpdateListSchema, IncidentUpdateSchema, MaintenanceWindowListSchema, MaintenanceWindowSchema } from './maintenance-schemas.js';
import { found, route } from './route.js';
import type { ApiRoute } from './routes.js';

export const maintenanceRoutes: ApiRoute[] = [
  route({
    method: 'get',
    path: '/maintenance-windows',
    operationId: 'listMaintenanceWindows',
    summary: 'Maintenance windows of the account: current and upcoming first, then past ones',
    tag: 'maintenance',
    success: { status: 200, description: 'Every window', schema: MaintenanceWindowListSchema },
    errors: [401],
    handle: async ({ pool, accountId }) => ({ body: { maintenanceWindows: await listMaintenanceWindows(pool, accountId) } }),
  }),
  route({
    method: 'post',
    path: '/maintenance-windows',
    operationId: 'createMaintenanceWindow',
    summary: 'Plan a maintenance window (state changes inside open no incident and alert no one; uptime leaves it out)',
    tag: 'maintenance',
    body: MaintenanceWindowInput,
    success: { status: 201, description: 'The new window', schema: MaintenanceWindowSchema },
    errors: [400, 401, 413],
    handle: async ({ pool, accountId, body }) => {
      const window = await createMaintenanceWindow(pool, accountId, body);
      return { body: window, location: `/api/v1/maintenance-windows/${window.id}` };
    },
  }),
  route({
    method: 'get',
    path: '/maintenance-windows/:id',
    operationId: 'getMaintenanceWindow',
    summary: 'Get a maintenance window',
    tag: 'maintenance',
    notFound: 'maintenance window',
    success: { status: 200, description: 'The window', schema: MaintenanceWindowSchema },
    errors: [401, 404],
    handle: async ({ pool, accountId, params }) => found(await getMaintenanceWindow(pool, accountId, params.id!)),
  }),
  route({
    method: 'put',
    path: '/maintenance-windows/:id',
    operationId: 'replaceMaintenanceWindow',
    summary: 'Replace a maintenance window (every field, and its checks)',
    tag: 'maintenance',
    body: MaintenanceWindowInput,
    notFound: 'maintenance window',
    success: { status: 200, description: 'The changed window', schema: MaintenanceWindowSchema },
    errors: [400, 401, 404, 413],
    handle: async ({ pool, accountId, params, body }) => found(await updateMaintenanceWindow(pool, accountId, params.id!, body)),
  }),
  route({
    method: 'delete',
    path: '/maintenance-windows/:id',
    operationId: 'deleteMaintenanceWindow',
    summary: 'Delete a maintenance window (past probes keep being left out of uptime)',
    tag: 'maintenance',
    notFound: 'maintenance window',
    success: { status: 204, description: 'Deleted' },
    errors: [401, 404],
    handle: async ({ pool, accountId, params }) => ((await deleteMaintenanceWindow(pool, accountId, params.id!)) ? {} : null),
  }),
  route({
    method: 'get',
    path: '/incidents/:id/updates',
    operationId: 'listIncidentUpdates',
    summary: 'Updates written on an incident, newest first',
    tag: 'incidents',
    notFound: 'incident',
    success: { status: 200, description: 'The updates', schema: IncidentUpdateListSchema },
    errors: [401, 404],
    handle: async ({ pool, accountId, params }) => found(await listIncidentUpdates(pool, accountId, params.id!), (updates) => ({ updates })),
  }),
  route({
    method: 'post',
    path: '/incidents/:id/updates',
    operationId: 'createIncidentUpdate',
    summary: 'Write an update on an incident (shown on the public status page when the check is public)',
    tag: 'incidents',
    body: IncidentUpdateInput,
    notFound: 'incident',
    success: { status: 201, description: 'The new update', schema: IncidentUpdateSchema },
    errors: [400, 401, 404, 413],
    handle: async ({ pool, accountId, params, body }) => found(await createIncidentUpdate(pool, accountId, params.id!, body)),
  }),
  route({
    method: 'delete',
    path: '/incidents/:id/updates/:updateId',
    operationId: 'deleteIncidentUpdate',
    summary: 'Delete an update of an incident',
    tag: 'incidents',
    notFound: 'incident update',
    success: { status: 204, description: 'Deleted' },
    errors: [401, 404],
    handle: async ({ pool, accountId, params }) =>
      (await deleteIncidentUpdate(pool, accountId, params.id!, params.updateId!)) ? {} : null,
  }),
];
