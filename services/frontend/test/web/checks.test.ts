import { Browser, checkFormFields, checkIdFrom, csrfTokenOf, startTestFrontend, type TestFrontend } from './harness.js';

let frontend: TestFrontend;
let browser: Browser;
beforeAll(async () => {
  frontend = await startTestFrontend({ checkLimitPerAccount: 3 });
  browser = new Browser(frontend.url);
  await browser.signUp('owner@example.com');
  await frontend.db.pool.query(`INSERT INTO probe_regions (name) VALUES ('eu-west'), ('us-east')`);
});
afterAll(async () => {
  await frontend.stop();
});

test('a check is created with every option and shown on its page', async () => {
  const channel = await browser.submit('/channels/new', '/channels', { name: 'Ops hook', kind: 'webhook', target: 'https://hooks.example.com/x' });
  expect(channel.status).toBe(303);
  const channelId = (await frontend.db.pool.query(`SELECT id FROM notification_channels`)).rows[0].id;
  const form = await browser.get('/checks/new');
  expect(form.body).toContain('value="eu-west"');
  expect(form.body).toContain(`value="${channelId}"`);

  const created = await browser.submit('/checks/new', '/checks', checkFormFields({
    name: 'API health',
    url: 'https://api.example.com/health',
    method: 'POST',
    headers: 'X-Probe: pingdummy\nAccept: application/json',
    body: '{"ping":true}',
    intervalSeconds: '30',
    timeoutMs: '5000',
    expectedStatusCodes: '200-299,301',
    keyword: 'ok',
    keywordMode: 'present',
    degradedThresholdMs: '800',
    failuresBeforeDown: '3',
    recoveriesBeforeUp: '2',
    regions: ['eu-west'],
    channelIds: [channelId],
    isPublic: 'on',
    showUrlPublicly: 'on',
  }));
  expect(created.status).toBe(303);
  const id = checkIdFrom(created.location);
  const { rows } = await frontend.db.pool.query(`SELECT * FROM checks WHERE id = $1`, [id]);
  expect(rows[0]).toMatchObject({
    name: 'API health',
    method: 'POST',
    headers: { 'X-Probe': 'pingdummy', Accept: 'application/json' },
    body: '{"ping":true}',
    interval_seconds: 30,
    timeout_ms: 5000,
    expected_status_codes: '200-299,301',
    keyword: 'ok',
    keyword_mode: 'present',
    degraded_threshold_ms: 800,
    failures_before_down: 3,
    recoveries_before_up: 2,
    regions: ['eu-west'],
    paused: false,
    is_public: true,
    show_url_publicly: true,
  });
  const links = await frontend.db.pool.query(`SELECT channel_id FROM check_channels WHERE check_id = $1`, [id]);
  expect(links.rows).toEqual([{ channel_id: channelId }]);

  const page = await browser.get(created.location!);
  expect(page.status).toBe(200);
  expect(page.body).toContain('Check created.');
  expect(page.body).toContain('POST https://api.example.com/health');
  expect(page.body).toContain('must contain “ok”');
  expect(page.body).toContain('data-series-url="/checks/' + id + '/series.json?range=24h"');
  const edit = await browser.get(`/checks/${id}/edit`);
  expect(edit.body).toContain('X-Probe: pingdummy');
  expect(edit.body).toMatch(/value="eu-west" checked/);
});

test('validation errors appear beside their fields and keep everything the user typed', async () => {
  const response = await browser.submit('/checks/new', '/checks', checkFormFields({
    name: 'Typed name',
    url: 'ftp://files.example.com',
    intervalSeconds: '5',
    timeoutMs: 'soon',
    expectedStatusCodes: '200-299,abc',
    keyword: 'needle',
    keywordMode: '',
    headers: 'no colon here',
    regions: ['us-east'],
  }));
  expect(response.status).toBe(422);
  expect(response.body).toContain('value="Typed name"');
  expect(response.body).toContain('value="ftp://files.example.com"');
  expect(response.body).toContain('value="5"');
  expect(response.body).toContain('value="soon"');
  expect(response.body).toContain('no colon here</textarea>');
  expect(response.body).toMatch(/value="us-east" checked/);
  expect(response.body).toMatch(/id="url-error">must be an http:\/\/ or https:\/\/ URL/);
  expect(response.body).toMatch(/id="intervalSeconds-error">must be at least 10/);
  expect(response.body).toMatch(/id="timeoutMs-error">must be a whole number/);
  expect(response.body).toMatch(/id="expectedStatusCodes-error">&quot;abc&quot; is not a status code/);
  expect(response.body).toMatch(/id="keywordMode-error">is required when keyword is set/);
  expect(response.body).toMatch(/id="headers-error">line 1 is not &quot;Name: value&quot;/);
  const { rows } = await frontend.db.pool.query(`SELECT count(*)::int AS n FROM checks WHERE name = 'Typed name'`);
  expect(rows[0].n).toBe(0);
});

test('a check is edited, paused, resumed and deleted; the dashboard lists down checks first', async () => {
  const created = await browser.submit('/checks/new', '/checks', checkFormFields({ name: 'Blog', url: 'https://blog.example.com' }));
  const id = checkIdFrom(created.location);
  const saved = await browser.submit(`/checks/${id}/edit`, `/checks/${id}`, checkFormFields({ name: 'Blog (new)', url: 'https://blog.example.com/new', intervalSeconds: '120' }));
  expect(saved.status).toBe(303);
  expect((await frontend.db.pool.query(`SELECT name, url, interval_seconds FROM checks WHERE id = $1`, [id])).rows[0]).toEqual({
    name: 'Blog (new)',
    url: 'https://blog.example.com/new',
    interval_seconds: 120,
  });

  const paused = await browser.submit(`/checks/${id}`, `/checks/${id}/pause`, {});
  expect(paused.location).toBe(`/checks/${id}?notice=check-paused`);
  let dashboard = await browser.get('/dashboard.json');
  let rows = JSON.parse(dashboard.body).checks as { id: string; state: string; stateLabel: string }[];
  expect(rows.find((row) => row.id === id)).toMatchObject({ state: 'paused', stateLabel: 'Paused' });
  const resumed = await browser.submit(`/checks/${id}`, `/checks/${id}/resume`, {});
  expect(resumed.location).toBe(`/checks/${id}?notice=check-resumed`);

  // The worker would set the state; here a row is marked down directly.
  await frontend.db.pool.query(`UPDATE checks SET state = 'down' WHERE id = $1`, [id]);
  dashboard = await browser.get('/dashboard.json');
  rows = JSON.parse(dashboard.body).checks;
  expect(rows[0]).toMatchObject({ id, state: 'down', stateLabel: 'Down' });
  expect(rows.length).toBeGreaterThan(1);
  const html = await browser.get('/dashboard');
  expect(html.body.indexOf('Blog (new)')).toBeLessThan(html.body.indexOf('API health'));

  const deleted = await browser.submit(`/checks/${id}`, `/checks/${id}/delete`, {});
  expect(deleted.location).toBe('/dashboard?notice=check-deleted');
  expect((await browser.get(`/checks/${id}`)).status).toBe(404);
});

test('the per-account check limit is enforced with a message on the form', async () => {
  const { rows } = await frontend.db.pool.query(`SELECT count(*)::int AS n FROM checks`);
  for (let n = rows[0].n; n < 3; n += 1) {
    expect((await browser.submit('/checks/new', '/checks', checkFormFields({ name: `Filler ${n}` }))).status).toBe(303);
  }
  const refused = await browser.submit('/checks/new', '/checks', checkFormFields({ name: 'One too many' }));
  expect(refused.status).toBe(409);
  expect(refused.body).toContain('You have reached your limit of 3 checks');
  expect(refused.body).toContain('value="One too many"');
});

test('the series endpoint validates its range', async () => {
  const id = (await frontend.db.pool.query(`SELECT id FROM checks LIMIT 1`)).rows[0].id;
  const ok = await browser.get(`/checks/${id}/series.json?range=7d`);
  expect(ok.status).toBe(200);
  expect(JSON.parse(ok.body)).toMatchObject({ range: '7d', bucketSeconds: 3600, points: [], downPeriods: [] });
  const bad = await browser.get(`/checks/${id}/series.json?range=1y`);
  expect(bad.status).toBe(400);
  expect(JSON.parse(bad.body).error).toContain('range must be one of');
});

test('wrong types and unknown fields on the check form are a 400, not a 500', async () => {
  const page = await browser.get('/checks/new');
  const token = csrfTokenOf(page.body);
  const unknown = await browser.post('/checks', { _csrf: token, ...checkFormFields(), accountId: 'someone-else' });
  expect(unknown.status).toBe(400);
  expect(unknown.body).toContain('Unknown form field: accountId');
  const repeated = await browser.post('/checks', { _csrf: token, ...checkFormFields({ name: ['a', 'b'] }) });
  expect(repeated.status).toBe(400);
  expect(repeated.body).toContain('name');
  const notUuid = await browser.get('/checks/not-a-uuid');
  expect(notUuid.status).toBe(404);
});
