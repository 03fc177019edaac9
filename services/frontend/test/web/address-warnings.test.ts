import { createApiToken } from '../../src/data/tokens.js';
import { call } from '../api/harness.js';
import { Browser, checkFormFields, startTestFrontend, type TestFrontend } from './harness.js';

let frontend: TestFrontend;
let browser: Browser;
let token: string;
beforeAll(async () => {
  frontend = await startTestFrontend();
  browser = new Browser(frontend.url);
  await browser.signUp('first-check@example.com');
  const user = (await frontend.db.pool.query(`SELECT id, account_id FROM users`)).rows[0];
  token = (await createApiToken(frontend.db.pool, user.account_id, user.id, 'test')).token;
});
afterAll(async () => {
  await frontend.stop();
});

const api = (method: string, path: string, body?: unknown) =>
  call({ url: `${frontend.url}/api/v1`, close: async () => {} }, method, path, { token, body });

test('the check form creates a check on localhost, and its page says why the beacons will not reach it', async () => {
  const created = await browser.submit('/checks/new', '/checks', checkFormFields({ name: 'My dev server', url: 'http://localhost:8080/' }));
  expect(created.status).toBe(303);
  expect(created.location).toMatch(/^\/checks\/[0-9a-f-]{36}\?notice=check-created$/);
  const page = await browser.get(created.location!);
  expect(page.body).toContain('Check created.');
  expect(page.body).toContain('localhost resolves to 127.0.0.1 (loopback), which is not allowed by this installation&#39;s address policy');
  expect(page.body).toContain('BEACON_ALLOW_CIDRS (e.g. 127.0.0.1/32)');
  // Shown once, after the save; a reload no longer repeats it.
  expect((await browser.get(created.location!)).body).not.toContain('which is not allowed');

  const checkPath = created.location!.replace(/\?.*$/, '');
  const saved = await browser.submit(`${checkPath}/edit`, checkPath, checkFormFields({ name: 'My dev server', url: 'http://192.168.1.20/' }));
  expect((await browser.get(saved.location!)).body).toContain('192.168.1.20 (private) is not allowed');

  const publicCheck = await browser.submit('/checks/new', '/checks', checkFormFields({ url: 'https://example.com/' }));
  expect((await browser.get(publicCheck.location!)).body).not.toContain('Warning:');
});

test('the API creates the check and returns the warning with it; a public URL has none', async () => {
  const loopback = await api('POST', '/checks', { name: 'local', url: 'http://127.0.0.1:3000/' });
  expect(loopback.status).toBe(201);
  expect(loopback.json.warnings).toEqual([{ field: 'url', message: expect.stringContaining('127.0.0.1 (loopback) is not allowed') }]);
  expect(loopback.json.warnings[0].message).toContain('BEACON_ALLOW_CIDRS');
  expect((await api('GET', `/checks/${loopback.json.id}`)).status).toBe(200);

  const fine = await api('POST', '/checks', { name: 'site', url: 'https://example.com/' });
  expect(fine.json.warnings).toEqual([]);
  const moved = await api('PATCH', `/checks/${fine.json.id}`, { url: 'https://intranet.example.test/' });
  expect(moved.status).toBe(200);
  expect(moved.json.warnings).toEqual([{ field: 'url', message: expect.stringContaining('resolves to 10.1.2.3 (private)') }]);

  const openapi = (await api('GET', '/openapi.json')).json;
  const created = openapi.paths['/checks'].post.responses['201'].content['application/json'].schema;
  expect(created).toEqual({ $ref: '#/components/schemas/SavedCheck' });
  expect(openapi.components.schemas.SavedCheck.properties.warnings.items).toEqual({ $ref: '#/components/schemas/CheckWarning' });
  expect(openapi.components.schemas.SavedCheck.required).toContain('warnings');
});

test('with the beacons’ allow-list configured in the frontend too, an allowed address gets no warning', async () => {
  const allowing = await startTestFrontend({ beaconAllowCidrs: ['127.0.0.0/8'] });
  try {
    const other = new Browser(allowing.url);
    await other.signUp('internal@example.com');
    const created = await other.submit('/checks/new', '/checks', checkFormFields({ url: 'http://127.0.0.1:9000/' }));
    const page = await other.get(created.location!);
    expect(page.body).toContain('Check created.');
    expect(page.body).not.toContain('Warning:');
  } finally {
    await allowing.stop();
  }
});

test('when the latest results were refused by the address policy, the check page says so instead of up or down', async () => {
  const created = await browser.submit('/checks/new', '/checks', checkFormFields({ name: 'Refused', url: 'http://127.0.0.1:5000/' }));
  const checkPath = created.location!.replace(/\?.*$/, '');
  const checkId = checkPath.split('/').pop();
  await frontend.db.pool.query(
    `INSERT INTO results (check_id, scheduled_at, region, started_at, outcome, error_class, error_message)
     VALUES ($1, now() - interval '1 minute', 'eu-west', now(), 'infra_error', 'blocked_address', '127.0.0.1 (loopback) is not allowed')`,
    [checkId],
  );
  const page = await browser.get(checkPath);
  expect(page.body).toContain('data-state="blocked"');
  expect(page.body).toContain('Blocked by address policy');
  expect(page.body).toMatch(/id="blocked-hint"><strong>Blocked by address policy:<\/strong> 127\.0\.0\.1 \(loopback\) is not allowed\./);
  expect(page.body).toContain('<code>BEACON_ALLOW_CIDRS</code>');

  // A later round that reached the target ends the hint.
  await frontend.db.pool.query(
    `INSERT INTO results (check_id, scheduled_at, region, started_at, outcome, status_code, latency_ms)
     VALUES ($1, now(), 'eu-west', now(), 'up', 200, 12)`,
    [checkId],
  );
  expect((await browser.get(checkPath)).body).not.toContain('id="blocked-hint"');
});
