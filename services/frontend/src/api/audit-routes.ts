import { z } from 'zod';
import { listAuditLog, MAX_AUDIT_PAGE_SIZE } from '../audit/audit-log.js';
import { route } from './route.js';
import type { ApiRoute } from './routes.js';
import { apiSchemas } from './schemas.js';

const AuditEntrySchema = z.object({
  id: z.string().describe('Increasing number of the entry'),
  at: z.string().describe('ISO 8601 timestamp'),
  actor: z.object({
    userId: z.uuid().nullable().describe('The person, or the API token\'s user; null once removed'),
    tokenId: z.uuid().nullable().describe('Set when the change came through an API token'),
    label: z.string().describe('Email, or token name and its user\'s email, at the time of the change'),
  }),
  action: z.enum(['created', 'changed', 'deleted']),
  targetType: z.string().describe('check, channel, token, member, invitation or settings'),
  targetId: z.string(),
  targetName: z.string().nullable(),
  changes: z
    .record(z.string(), z.object({ before: z.unknown().optional(), after: z.unknown().optional() }))
    .describe('Changed fields with their values before and after; secret fields say "(changed)"'),
});
const AuditLogSchema = z.object({
  entries: z.array(AuditEntrySchema),
  page: z.number().int(),
  pageSize: z.number().int(),
  total: z.number().int(),
});
const pageMessage = 'must be a single whole number of at least 1';
const sizeMessage = `must be a single whole number between 1 and ${MAX_AUDIT_PAGE_SIZE}`;
export const AuditLogQuery = z.object({
  page: z.coerce.number({ error: pageMessage }).int({ error: pageMessage }).min(1, pageMessage).max(1_000_000, pageMessage).default(1).describe('Page number, newest entries first'),
  pageSize: z.coerce.number({ error: sizeMessage }).int({ error: sizeMessage }).min(1, sizeMessage).max(MAX_AUDIT_PAGE_SIZE, sizeMessage).default(50).describe('Entries per page'),
});
apiSchemas.add(AuditEntrySchema, { id: 'AuditEntry' });
apiSchemas.add(AuditLogSchema, { id: 'AuditLog' });

/** The account's audit log (owners only, see API_ROLE_POLICY). */
export const auditApiRoutes: ApiRoute[] = [
  route({
    method: 'get',
    path: '/audit-log',
    operationId: 'listAuditLog',
    summary: 'Audit log of the account, newest first (owners only)',
    tag: 'audit',
    query: AuditLogQuery,
    success: { status: 200, description: 'A page of audit entries', schema: AuditLogSchema },
    errors: [400, 401],
    handle: async ({ pool, accountId, query }) => ({ body: await listAuditLog(pool, accountId, query) }),
  }),
];
