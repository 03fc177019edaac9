import { API_ROLE_POLICY, requiredRole } from '../../src/access/role-policy.js';
import { buildOpenApiDocument } from '../../src/api/openapi.js';
import { apiRoutes } from '../../src/api/routes.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const document: any = buildOpenApiDocument(apiRoutes);

test('the audit log route is documented with its query, schema and 403', () => {
  const operation = document.paths['/audit-log'].get;
  expect(operation.operationId).toBe('listAuditLog');
  expect(operation.parameters.map((parameter: { name: string }) => parameter.name)).toEqual(['page', 'pageSize']);
  expect(operation.responses[200].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/AuditLog' });
  expect(Object.keys(operation.responses)).toContain('403');
  expect(document.components.schemas.AuditEntry.properties.actor.properties).toHaveProperty('tokenId');
});

test('every route the role guard restricts documents 403; reads open to every role do not', () => {
  for (const [path, methods] of Object.entries<Record<string, { responses: Record<string, unknown> }>>(document.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      if (path === '/openapi.json') continue;
      // Writes, and every method of an owner-only area (the audit log, tokens, members...), are restricted.
      const restricted = requiredRole(API_ROLE_POLICY, method, path) !== 'read_only';
      if (path === '/audit-log' || method !== 'get') expect([method, path, restricted]).toEqual([method, path, true]);
      expect([method, path, '403' in operation.responses]).toEqual([method, path, restricted]);
    }
  }
});
