import { createTestDatabase, type TestDatabase } from '@pingdummy/shared/testing';
import { IncidentUpdateSchema, MaintenanceWindowSchema } from '../../src/api/maintenance-schemas.js';
import { createApiToken } from '../../src/data/tokens.js';
import { insertAccount, insertCheck, type TestAccount } from '../data/fixtures.js';
import { call, startApiServer, type ApiServer } from './harness.js';

let db: TestDatabase;
let server: ApiServer;
let alice: TestAccount;
let bob: TestAccount;
let aliceToken: string;
let bobToken: string;
let aliceCheck: string;
let bobCheck: string;

const asAlice = (method: string, path: string, body?: unknown) => call(server, method, path, { token: aliceToken, body });
const asBob = (method: string, path: string, body?: unknown) => call(server, method, path, { token: bobToken, body });

beforeAll(async () => {
  db = await createTestDatabase();
  server = await startApiServer(db.pool);
  alice = await insertAccount(db.pool);
  bob = await insertAccount(db.pool);
  aliceToken = (await createApiToken(db.pool, alice.accountId, alice.userId, 'alice')).token;
  bobToken = (await createApiToken(db.pool, bob.accountId, bob.userId, 'bob')).token;
  aliceCheck = await insertCheck(db.pool, alice.accountId, { name: 'shop' });
  bobCheck = await insertCheck(db.pool, bob.accountId, { name: 'bob-shop' });
});
afterAll(async () => {
  await server.close();
  await db.drop();
});

const oneOff = (overrides: Record<string, unknown> = {}) => ({
  title: 'Database upgrade',
  checkIds: [aliceCheck],
  recurrence: 'once',
  startsAt: new Date(Date.now() - 60_000).toISOString(),
  endsAt: new Date(Date.now() + 3_600_000).toISOString(),
  ...overrides,
});

describe('maintenance windows', () => {
  test('create, read, list, replace and delete a one-off window; another account sees none of it', async () => {
    const created = await asAlice('POST', '/maintenance-windows', oneOff());
    expect(created.status).toBe(201);
    expect(MaintenanceWindowSchema.parse(created.json)).toEqual(created.json);
    expect(created.json).toMatchObject({ title: 'Database upgrade', allChecks: false, checkIds: [aliceCheck], recurrence: 'once', weekdays: null });
    expect(created.headers.get('location')).toBe(`/api/v1/maintenance-windows/${created.json.id}`);
    // In progress: the occurrence going on now is its "next".
    expect(created.json.next).toEqual({ startsAt: created.json.startsAt, endsAt: created.json.endsAt });

    const id = created.json.id;
    expect((await asAlice('GET', `/maintenance-windows/${id}`)).json).toEqual(created.json);
    expect((await asAlice('GET', '/maintenance-windows')).json.maintenanceWindows.map((w: { id: string }) => w.id)).toEqual([id]);

    const replaced = await asAlice('PUT', `/maintenance-windows/${id}`, {
      title: 'Weekly deploy',
      allChecks: true,
      recurrence: 'weekly',
      weekdays: [7, 1, 1],
      startTime: '02:30',
      durationMinutes: 90,
      timeZone: 'Europe/Berlin',
    });
    expect(replaced.status).toBe(200);
    expect(replaced.json).toMatchObject({
      title: 'Weekly deploy', allChecks: true, checkIds: [], recurrence: 'weekly', startsAt: null, endsAt: null,
      weekdays: [1, 7], startTime: '02:30', durationMinutes: 90, timeZone: 'Europe/Berlin',
    });
    expect(replaced.json.next).not.toBeNull();

    expect((await asBob('GET', `/maintenance-windows/${id}`)).status).toBe(404);
    expect((await asBob('PUT', `/maintenance-windows/${id}`, oneOff({ checkIds: [bobCheck] }))).status).toBe(404);
    expect((await asBob('DELETE', `/maintenance-windows/${id}`)).status).toBe(404);
    expect((await asBob('GET', '/maintenance-windows')).json).toEqual({ maintenanceWindows: [] });

    expect((await asAlice('DELETE', `/maintenance-windows/${id}`)).status).toBe(204);
    const gone = await asAlice('GET', `/maintenance-windows/${id}`);
    expect(gone.status).toBe(404);
    expect(gone.json).toEqual({ error: 'maintenance window not found' });
  });

  test('an end before the start is a 400 naming endsAt', async () => {
    const response = await asAlice('POST', '/maintenance-windows', oneOff({ startsAt: '2026-12-01T04:00:00Z', endsAt: '2026-12-01T02:00:00Z' }));
    expect(response.status).toBe(400);
    expect(response.json).toEqual({ error: 'validation failed', fields: { endsAt: 'endsAt must be after startsAt' } });
  });

  test('every other bad field is a 400 that names it, never a 500', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [oneOff({ title: '' }), 'title'],
      [oneOff({ startsAt: 'tomorrow' }), 'startsAt'],
      [oneOff({ startsAt: '2026-12-01T02:00:00' }), 'startsAt'], // no zone: ambiguous
      [oneOff({ endsAt: undefined }), 'endsAt'],
      [oneOff({ checkIds: [] }), 'checkIds'],
      [oneOff({ checkIds: [bobCheck] }), 'checkIds'], // another account's check
      [oneOff({ checkIds: ['not-a-uuid'] }), 'checkIds.0'],
      [oneOff({ recurrence: 'daily' }), 'recurrence'],
      [oneOff({ recurrence: 'weekly', weekdays: [], startTime: '02:00', durationMinutes: 60 }), 'weekdays'],
      [oneOff({ recurrence: 'weekly', weekdays: [8], startTime: '02:00', durationMinutes: 60 }), 'weekdays.0'],
      [oneOff({ recurrence: 'weekly', weekdays: [1], startTime: '25:00', durationMinutes: 60 }), 'startTime'],
      [oneOff({ recurrence: 'weekly', weekdays: [1], startTime: '02:00', durationMinutes: 0 }), 'durationMinutes'],
      [oneOff({ recurrence: 'weekly', weekdays: [1], startTime: '02:00', durationMinutes: 60, timeZone: 'Mars/Olympus' }), 'timeZone'],
      [oneOff({ title: 'a\u0000b' }), 'title'],
      [oneOff({ color: 'red' }), 'color'],
    ];
    for (const [body, field] of cases) {
      const response = await asAlice('POST', '/maintenance-windows', body);
      expect([field, response.status]).toEqual([field, 400]);
      expect([field, Object.keys(response.json.fields)]).toEqual([field, [field]]);
    }
  });
});

describe('incident updates', () => {
  let incidentId: string;
  beforeAll(async () => {
    const { rows } = await db.pool.query(
      `INSERT INTO incidents (account_id, check_id, started_at, cause) VALUES ($1, $2, now() - interval '5 minutes', 'http_status: 503') RETURNING id`,
      [alice.accountId, aliceCheck],
    );
    incidentId = rows[0].id;
  });

  test('write updates and read them newest first; delete one; another account gets 404', async () => {
    expect((await asAlice('GET', `/incidents/${incidentId}/updates`)).json).toEqual({ updates: [] });
    const first = await asAlice('POST', `/incidents/${incidentId}/updates`, { status: 'investigating', message: 'Checkout fails.' });
    expect(first.status).toBe(201);
    expect(IncidentUpdateSchema.parse(first.json)).toEqual(first.json);
    const second = await asAlice('POST', `/incidents/${incidentId}/updates`, { status: 'identified', message: '  A bad deploy.  ' });
    expect(second.json).toMatchObject({ status: 'identified', message: 'A bad deploy.', incidentId });

    const listed = await asAlice('GET', `/incidents/${incidentId}/updates`);
    expect(listed.json.updates.map((update: { status: string }) => update.status)).toEqual(['identified', 'investigating']);

    expect((await asBob('GET', `/incidents/${incidentId}/updates`)).status).toBe(404);
    expect((await asBob('POST', `/incidents/${incidentId}/updates`, { status: 'resolved', message: 'x' })).status).toBe(404);
    expect((await asBob('DELETE', `/incidents/${incidentId}/updates/${first.json.id}`)).status).toBe(404);

    expect((await asAlice('DELETE', `/incidents/${incidentId}/updates/${first.json.id}`)).status).toBe(204);
    expect((await asAlice('GET', `/incidents/${incidentId}/updates`)).json.updates).toHaveLength(1);
    // A "resolved" update is words only: the incident stays open until the probes say the check is up.
    await asAlice('POST', `/incidents/${incidentId}/updates`, { status: 'resolved', message: 'Rolled back.' });
    expect((await asAlice('GET', `/incidents/${incidentId}`)).json.resolvedAt).toBeNull();
  });

  test('a bad status or message is a 400 naming the field', async () => {
    const badStatus = await asAlice('POST', `/incidents/${incidentId}/updates`, { status: 'fixed', message: 'x' });
    expect(badStatus.status).toBe(400);
    expect(Object.keys(badStatus.json.fields)).toEqual(['status']);
    const empty = await asAlice('POST', `/incidents/${incidentId}/updates`, { status: 'monitoring', message: '   ' });
    expect(empty.json.fields).toEqual({ message: 'message is required' });
    const long = await asAlice('POST', `/incidents/${incidentId}/updates`, { status: 'monitoring', message: 'x'.repeat(5001) });
    expect(Object.keys(long.json.fields)).toEqual(['message']);
    expect((await asAlice('POST', '/incidents/not-a-uuid/updates', { status: 'monitoring', message: 'x' })).status).toBe(404);
  });
});

test('the OpenAPI document describes the new routes with their input schemas', async () => {
  const document = (await call(server, 'GET', '/openapi.json')).json;
  expect(Object.keys(document.paths['/maintenance-windows']).sort()).toEqual(['get', 'post']);
  expect(Object.keys(document.paths['/maintenance-windows/{id}']).sort()).toEqual(['delete', 'get', 'put']);
  expect(Object.keys(document.paths['/incidents/{id}/updates']).sort()).toEqual(['get', 'post']);
  expect(Object.keys(document.paths['/incidents/{id}/updates/{updateId}'])).toEqual(['delete']);
  expect(document.paths['/maintenance-windows'].post.requestBody.content['application/json'].schema).toEqual({
    $ref: '#/components/schemas/MaintenanceWindowInput',
  });
  const input = document.components.schemas.MaintenanceWindowInput;
  expect(input.required).toEqual(['title']);
  expect(input.properties.recurrence.enum).toEqual(['once', 'weekly']);
  expect(document.components.schemas.IncidentUpdateInput.properties.status.enum).toEqual(['investigating', 'identified', 'monitoring', 'resolved']);
});
