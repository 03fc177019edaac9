import { Browser, checkFormFields, csrfTokenOf, startTestFrontend, type TestFrontend } from './harness.js';

let frontend: TestFrontend;
let owner: Browser;
let intruder: Browser;
let checkId: string;
let channelId: string;
let incidentId: string;
let deliveryId: string;

beforeAll(async () => {
  frontend = await startTestFrontend();
  owner = new Browser(frontend.url);
  intruder = new Browser(frontend.url);
  await owner.signUp('owner@example.com');
  await intruder.signUp('intruder@example.com');
  await owner.submit('/channels/new', '/channels', { name: 'Owner hook', kind: 'webhook', target: 'https://hooks.example.com/owner' });
  channelId = (await frontend.db.pool.query(`SELECT id FROM notification_channels`)).rows[0].id;
  const created = await owner.submit('/checks/new', '/checks', checkFormFields({ name: 'Secret admin panel', url: 'https://internal.example.com/admin', channelIds: [channelId] }));
  checkId = /\/checks\/([0-9a-f-]{36})/.exec(created.location ?? '')![1]!;
  const incident = await frontend.db.pool.query(
    `INSERT INTO incidents (account_id, check_id, started_at, cause)
     SELECT account_id, id, now() - interval '5 minutes', 'HTTP 500 from internal.example.com' FROM checks WHERE id = $1 RETURNING id`,
    [checkId],
  );
  incidentId = incident.rows[0].id;
  const queued = await owner.submit('/channels', `/channels/${channelId}/test`, {});
  deliveryId = /deliveries\/(\d+)/.exec(queued.location ?? '')![1]!;
});
afterAll(async () => {
  await frontend.stop();
});

test('the owner sees their check, incident, channel and delivery', async () => {
  expect((await owner.get(`/checks/${checkId}`)).status).toBe(200);
  expect((await owner.get(`/incidents/${incidentId}`)).body).toContain('HTTP 500 from internal.example.com');
  expect((await owner.get(`/channels/${channelId}/edit`)).status).toBe(200);
  const delivery = await owner.get(`/channels/${channelId}/deliveries/${deliveryId}.json`);
  expect(JSON.parse(delivery.body)).toMatchObject({ status: 'pending', attempts: 0 });
});

test('another account gets 404 for every page and action on the owner’s ids', async () => {
  const gets = [
    `/checks/${checkId}`,
    `/checks/${checkId}/edit`,
    `/checks/${checkId}/series.json?range=24h`,
    `/incidents/${incidentId}`,
    `/channels/${channelId}/edit`,
    `/channels/${channelId}/deliveries/${deliveryId}`,
    `/channels/${channelId}/deliveries/${deliveryId}.json`,
  ];
  for (const path of gets) {
    const response = await intruder.get(path);
    expect([path, response.status]).toEqual([path, 404]);
    expect(response.body).not.toContain('Secret admin panel');
    expect(response.body).not.toContain('internal.example.com');
  }
  const token = csrfTokenOf((await intruder.get('/dashboard')).body);
  const posts: [string, Record<string, string | string[]>][] = [
    [`/checks/${checkId}`, checkFormFields({ name: 'Hijacked' })],
    [`/checks/${checkId}/pause`, {}],
    [`/checks/${checkId}/delete`, {}],
    [`/channels/${channelId}`, { name: 'Hijacked', kind: 'webhook', target: 'https://evil.example.com' }],
    [`/channels/${channelId}/test`, {}],
    [`/channels/${channelId}/delete`, {}],
  ];
  for (const [path, fields] of posts) {
    const response = await intruder.post(path, { _csrf: token, ...fields });
    expect([path, response.status]).toEqual([path, 404]);
  }
  const dashboard = await intruder.get('/dashboard');
  expect(dashboard.body).not.toContain('Secret admin panel');
  expect(JSON.parse((await intruder.get('/dashboard.json')).body).checks).toEqual([]);
  // Nothing changed for the owner.
  const check = await frontend.db.pool.query(`SELECT name, paused FROM checks WHERE id = $1`, [checkId]);
  expect(check.rows[0]).toEqual({ name: 'Secret admin panel', paused: false });
  const channel = await frontend.db.pool.query(`SELECT name FROM notification_channels WHERE id = $1`, [channelId]);
  expect(channel.rows[0].name).toBe('Owner hook');
  const deliveries = await frontend.db.pool.query(`SELECT count(*)::int AS n FROM deliveries`);
  expect(deliveries.rows[0].n).toBe(1);
});

test('another account cannot attach the owner’s channel to its own check', async () => {
  const response = await intruder.submit('/checks/new', '/checks', checkFormFields({ name: 'Sneaky', channelIds: [channelId] }));
  expect(response.status).toBe(422);
  expect(response.body).toMatch(/id="channelIds-error">/);
  const links = await frontend.db.pool.query(`SELECT count(*)::int AS n FROM check_channels WHERE channel_id = $1`, [channelId]);
  expect(links.rows[0].n).toBe(1);
});

test('signed-out visitors are sent to the login page and JSON endpoints answer 401', async () => {
  const visitor = new Browser(frontend.url);
  for (const path of ['/dashboard', `/checks/${checkId}`, '/channels', '/settings', '/checks/new']) {
    const response = await visitor.get(path);
    expect([path, response.status, response.location]).toEqual([path, 303, '/login']);
  }
  const json = await visitor.get('/dashboard.json');
  expect(json.status).toBe(401);
});
