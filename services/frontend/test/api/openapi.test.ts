import { HTTP_METHODS } from '@pingdummy/shared';
import { createLogger, type Pool } from '@pingdummy/shared';
import { buildOpenApiDocument, openApiPath } from '../../src/api/openapi.js';
import { createApiRouter } from '../../src/api/router.js';
import { apiRoutes } from '../../src/api/routes.js';
import { CheckInput, CheckPatch } from '../../src/data/checks.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const document: any = buildOpenApiDocument(apiRoutes);
const inputSchema = document.components.schemas.CheckInput;
const validCheck = { name: 'doc', url: 'https://example.com' };

/** Field names the validator complains about for this body. */
function invalidFields(schema: typeof CheckInput | typeof CheckPatch, body: unknown): string[] {
  const parsed = schema.safeParse(body);
  return parsed.success ? [] : parsed.error.issues.flatMap((issue) => (issue.code === 'unrecognized_keys' ? issue.keys : [String(issue.path[0])]));
}

test('the document is OpenAPI 3.1 with the bearer scheme', () => {
  expect(document.openapi).toBe('3.1.0');
  expect(document.components.securitySchemes.bearerToken).toMatchObject({ type: 'http', scheme: 'bearer' });
});

test("CheckInput's documented properties are exactly the fields the validator accepts", () => {
  const documented = Object.keys(inputSchema.properties).sort();
  // The validator rejects any field outside the document...
  for (const field of ['id', 'accountId', 'state', 'interval', 'createdAt']) {
    expect(invalidFields(CheckInput, { ...validCheck, [field]: 1 })).toEqual([field]);
  }
  expect(inputSchema.additionalProperties).toBe(false);
  // ...and knows every documented one: a wrong type is reported under the documented name.
  for (const field of documented) {
    expect(invalidFields(CheckInput, { ...validCheck, [field]: { nested: true } })).toContain(field);
  }
  // A patch may change exactly the fields a new check has.
  expect(Object.keys(document.components.schemas.CheckPatch.properties).sort()).toEqual(documented);
});

test("CheckInput's required fields are exactly those the validator cannot do without", () => {
  const required = [...inputSchema.required].sort();
  const validatorRequired = Object.keys(inputSchema.properties)
    .filter((field) => {
      const body: Record<string, unknown> = { ...validCheck };
      delete body[field];
      return invalidFields(CheckInput, body).includes(field);
    })
    .sort();
  // Only name is required of every check; which target fields are required depends on kind (their descriptions
  // say so): url for an HTTP check (kind "http", the default, as validCheck is), host and port for a TCP check.
  expect(required).toEqual(['name']);
  expect(validatorRequired).toEqual(['name', 'url']);
  for (const field of ['url', 'host', 'port']) expect(inputSchema.properties[field].description).toMatch(/required for kind/);
  const tcpCheck: Record<string, unknown> = { name: 'doc', kind: 'tcp', host: 'db.example.com', port: 5432 };
  const tcpRequired = Object.keys(tcpCheck).filter((field) => {
    const body = { ...tcpCheck };
    delete body[field];
    return invalidFields(CheckInput, body).includes(field);
  });
  expect(tcpRequired.sort()).toEqual(['host', 'name', 'port']);
  // A patch requires nothing.
  expect(document.components.schemas.CheckPatch.required ?? []).toEqual([]);
  expect(CheckPatch.safeParse({}).success).toBe(true);
});

test('documented enums and bounds are the values the validator accepts', () => {
  const methods: string[] = inputSchema.properties.method.enum;
  expect(methods).toEqual([...HTTP_METHODS]);
  for (const method of methods) expect(invalidFields(CheckInput, { ...validCheck, method })).toEqual([]);
  for (const method of ['TRACE', 'get', 'CONNECT']) expect(invalidFields(CheckInput, { ...validCheck, method })).toEqual(['method']);

  const modes: (string | null)[] = inputSchema.properties.keywordMode.anyOf.flatMap(
    (option: { enum?: string[]; type?: string }) => option.enum ?? (option.type === 'null' ? [null] : []),
  );
  for (const keywordMode of modes) {
    expect(invalidFields(CheckInput, { ...validCheck, keywordMode, keyword: keywordMode ? 'ok' : null })).toEqual([]);
  }
  expect(invalidFields(CheckInput, { ...validCheck, keywordMode: 'maybe', keyword: 'ok' })).toEqual(['keywordMode']);

  for (const field of ['intervalSeconds', 'timeoutMs', 'failuresBeforeDown', 'recoveriesBeforeUp']) {
    const { minimum, maximum } = inputSchema.properties[field];
    const withInterval = (value: number) =>
      field === 'timeoutMs' ? { ...validCheck, intervalSeconds: 86_400, [field]: value } : { ...validCheck, timeoutMs: 100, [field]: value };
    expect([field, invalidFields(CheckInput, withInterval(minimum))]).toEqual([field, []]);
    expect([field, invalidFields(CheckInput, withInterval(maximum))]).toEqual([field, []]);
    expect([field, invalidFields(CheckInput, withInterval(minimum - 1))]).toEqual([field, [field]]);
    expect([field, invalidFields(CheckInput, withInterval(maximum + 1))]).toEqual([field, [field]]);
  }
  expect(inputSchema.properties.intervalSeconds).toMatchObject({ minimum: 10, maximum: 86_400, default: 60 });
});

test('the documented header rules are the ones the validator applies', () => {
  const { propertyNames, additionalProperties } = inputSchema.properties.headers;
  const namePattern = new RegExp(propertyNames.pattern);
  const valuePattern = new RegExp(additionalProperties.pattern);
  for (const name of ['X-Probe', 'bad name', 'X:A', '']) {
    expect([name, namePattern.test(name)]).toEqual([name, invalidFields(CheckInput, { ...validCheck, headers: { [name]: 'v' } }).length === 0]);
  }
  for (const value of ['plain', 'tab\tok', 'caf\u00e9', 'a\r\nInjected: 1', 'a\nb', 'a\rb', 'euro \u20ac']) {
    expect([value, valuePattern.test(value)]).toEqual([value, invalidFields(CheckInput, { ...validCheck, headers: { 'X-A': value } }).length === 0]);
  }
  expect(valuePattern.test('a\r\nInjected: 1')).toBe(false);
});

test('every route the router serves is documented, with its request body and responses', () => {
  const router = createApiRouter({ pool: {} as Pool, logger: createLogger('openapi-test', 'silent'), checkLimit: 1 });
  const served: string[] = [];
  for (const layer of router.stack as { route?: { path: string; methods: Record<string, boolean> } }[]) {
    if (!layer.route) continue;
    for (const method of Object.keys(layer.route.methods)) served.push(`${method} ${openApiPath(layer.route.path)}`);
  }
  const documented = Object.entries(document.paths).flatMap(([path, operations]) =>
    Object.keys(operations as object).map((method) => `${method} ${path}`),
  );
  expect(served.sort()).toEqual(documented.sort());
  expect(served).toEqual(
    expect.arrayContaining([
      'get /checks',
      'post /checks',
      'get /checks/{id}',
      'patch /checks/{id}',
      'delete /checks/{id}',
      'post /checks/{id}/pause',
      'post /checks/{id}/resume',
      'get /checks/{id}/results',
      'get /checks/{id}/uptime',
      'get /uptime',
      'get /incidents',
      'get /incidents/{id}',
      'get /openapi.json',
    ]),
  );
  expect(document.paths['/checks'].post.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/CheckInput' });
  expect(document.paths['/checks/{id}'].patch.requestBody.content['application/json'].schema).toEqual({
    $ref: '#/components/schemas/CheckPatch',
  });
  expect(document.paths['/checks/{id}'].get.responses['404'].content['application/json'].schema).toEqual({
    $ref: '#/components/schemas/Error',
  });
  expect(document.paths['/checks/{id}/results'].get.parameters).toEqual(
    expect.arrayContaining([expect.objectContaining({ name: 'limit', in: 'query' }), expect.objectContaining({ name: 'id', in: 'path' })]),
  );
  // Every $ref points at a component that exists.
  const refs = JSON.stringify(document).match(/"\$ref":"#\/components\/schemas\/\w+"/g) ?? [];
  for (const ref of refs) expect(document.components.schemas).toHaveProperty(ref.split('/').pop()!.replace('"', ''));
});
