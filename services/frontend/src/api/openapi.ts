import { z } from 'zod';
import { API_ROLE_POLICY, requiredRole } from '../access/role-policy.js';
import type { ApiRoute, ErrorStatus } from './routes.js';
import { apiSchemas } from './schemas.js';

type JsonSchema = Record<string, unknown>;

const ERROR_DESCRIPTIONS: Record<ErrorStatus, string> = {
  400: 'Validation failed (see fields), malformed JSON, a body that is not a JSON object, or a bad query parameter',
  401: 'Missing, invalid or revoked API token',
  403: "The token's user's role may not do this (read-only users only read; owners alone manage members, tokens, settings and the audit log)",
  404: 'Not found in this account',
  409: 'The account reached its check limit',
  413: 'Body larger than 64 kB',
  429: 'Too many requests for this API token (per minute)',
};

/** Express `/checks/:id` -> OpenAPI `/checks/{id}`. */
export function openApiPath(expressPath: string): string {
  return expressPath.replace(/:(\w+)/g, '{$1}');
}

function componentSchemas(): Record<string, JsonSchema> {
  const { schemas } = z.toJSONSchema(apiSchemas, {
    io: 'input',
    target: 'draft-2020-12',
    uri: (id) => `#/components/schemas/${id}`,
  });
  return Object.fromEntries(
    Object.entries(schemas).map(([id, schema]) => {
      const { $schema: _schema, $id: _id, ...rest } = schema as JsonSchema;
      return [id, rest];
    }),
  );
}

/** A $ref when the schema is a named component, the inline JSON Schema otherwise. */
function schemaRef(schema: z.ZodType): JsonSchema {
  const id = apiSchemas.get(schema)?.id;
  if (id) return { $ref: `#/components/schemas/${id}` };
  const { $schema: _schema, ...inline } = z.toJSONSchema(schema, { io: 'input', target: 'draft-2020-12' }) as JsonSchema;
  return inline;
}

function queryParameters(query: z.ZodType): JsonSchema[] {
  const schema = z.toJSONSchema(query, { io: 'input', target: 'draft-2020-12' }) as {
    properties?: Record<string, JsonSchema>;
    required?: string[];
  };
  return Object.entries(schema.properties ?? {}).map(([name, property]) => {
    const { description, ...rest } = property;
    return { name, in: 'query', required: schema.required?.includes(name) ?? false, description, schema: rest };
  });
}

function operation(route: ApiRoute): JsonSchema {
  const pathParameters = [...route.path.matchAll(/:(\w+)/g)].map((match) => ({
    name: match[1],
    in: 'path',
    required: true,
    // Every id is a uuid but a delivery's, which is a number (a bigint, sent as text).
    schema: match[1] === 'deliveryId' ? { type: 'string', pattern: '^[1-9][0-9]{0,17}$' } : { type: 'string', format: 'uuid' },
  }));
  const responses: Record<string, JsonSchema> = {
    [route.success.status]: {
      description: route.success.description,
      ...(route.success.schema ? { content: { 'application/json': { schema: schemaRef(route.success.schema) } } } : {}),
    },
  };
  // Every authenticated route can answer 429 (rate limit) and 500; a route the role guard restricts, 403.
  const restricted = requiredRole(API_ROLE_POLICY, route.method, route.path) !== 'read_only';
  const statuses = new Set([...route.errors, ...(restricted ? [403 as const] : []), 429 as const, 500 as const]);
  for (const status of [...statuses].sort()) {
    responses[status] = {
      description: status === 500 ? 'Unexpected server error (no details are disclosed)' : ERROR_DESCRIPTIONS[status],
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    };
  }
  return {
    operationId: route.operationId,
    summary: route.summary,
    tags: [route.tag],
    parameters: [...pathParameters, ...(route.query ? queryParameters(route.query) : [])],
    ...(route.body
      ? { requestBody: { required: true, content: { 'application/json': { schema: schemaRef(route.body) } } } }
      : {}),
    responses,
  };
}

/** The OpenAPI 3.1 document of the API, generated from the route table and the zod schemas that validate requests. */
export function buildOpenApiDocument(routes: readonly ApiRoute[]): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {
    '/openapi.json': {
      get: {
        operationId: 'getOpenApiDocument',
        summary: 'This document',
        tags: ['meta'],
        security: [],
        responses: { 200: { description: 'OpenAPI 3.1 document', content: { 'application/json': { schema: { type: 'object' } } } } },
      },
    },
  };
  for (const route of routes) {
    const path = openApiPath(route.path);
    paths[path] = { ...paths[path], [route.method]: operation(route) };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Pingdummy API',
      version: '1.0.0',
      description:
        'Manage uptime checks, notification channels and API tokens, and read results, uptime and incidents. Authenticate with a personal API token: ' +
        '`Authorization: Bearer pd_...` (create one in the web app under API tokens). ' +
        'No text may contain the NUL character (U+0000); such a field is refused with 400 like any other invalid one.',
    },
    servers: [{ url: '/api/v1' }],
    security: [{ bearerToken: [] }],
    paths,
    components: {
      securitySchemes: { bearerToken: { type: 'http', scheme: 'bearer', description: 'Personal API token (pd_...)' } },
      schemas: componentSchemas(),
    },
  };
}
