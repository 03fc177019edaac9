import { createApiToken } from '../../src/data/tokens.js';
import { Browser, checkFormFields, csrfTokenOf, startTestFrontend, type TestFrontend } from './harness.js';

let frontend: TestFrontend;
let browser: Browser;
let token: string;
let checkId: string;
let channelId: string;

/** The API of the same app, with a bearer token of the signed-up user. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function api(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const response = await fetch(`${frontend.url}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, json: await response.json() };
}

beforeAll(async () => {
  frontend = await startTestFrontend();
  browser = new Browser(frontend.url);
  await browser.signUp('careful@example.com');
  const { rows } = await frontend.db.pool.query(`SELECT id, account_id FROM users WHERE email = 'careful@example.com'`);
  token = (await createApiToken(frontend.db.pool, rows[0].account_id, rows[0].id, 'ci')).token;
  await frontend.db.pool.query(`INSERT INTO probe_regions (name) VALUES ('eu-west'), ('us-east')`);
  checkId = (await api('POST', '/checks', { name: 'Existing', url: 'https://example.com/' })).json.id;
  await browser.submit('/channels/new', '/channels', { name: 'Ops', kind: 'webhook', target: 'https://hooks.example.com/x' });
  channelId = (await frontend.db.pool.query(`SELECT id FROM notification_channels`)).rows[0].id;
});
afterAll(async () => {
  await frontend.stop();
});

test('a NUL character in any text field is a 400 naming the field, never a 500', async () => {
  const nul = 'a\u0000b';
  const apiCases: [string, string, Record<string, unknown>, string][] = [
    ['POST', '/checks', { name: nul, url: 'https://e.com' }, 'name'],
    ['POST', '/checks', { name: 'x', url: `https://e.com/${nul}` }, 'url'],
    ['POST', '/checks', { name: 'x', url: 'https://e.com', method: 'POST', body: nul }, 'body'],
    ['POST', '/checks', { name: 'x', url: 'https://e.com', keyword: nul, keywordMode: 'present' }, 'keyword'],
    ['POST', '/checks', { name: 'x', url: 'https://e.com', headers: { 'X-A': nul } }, 'headers.X-A'],
    ['POST', '/checks', { name: 'x', url: 'https://e.com', expectedStatusCodes: `200${nul}` }, 'expectedStatusCodes'],
    ['PATCH', `/checks/${checkId}`, { name: nul }, 'name'],
  ];
  for (const [method, path, body, field] of apiCases) {
    const response = await api(method, path, body);
    expect([method, path, field, response.status]).toEqual([method, path, field, 400]);
    expect(response.json.fields[field]).toBe(`${field} must not contain NUL characters (U+0000)`);
  }
  for (const query of ['/checks/' + checkId + '/results?limit=1%00', '/incidents?checkId=%00']) {
    const response = await api('GET', query);
    expect([query, response.status]).toEqual([query, 400]);
  }

  const formCases: [string, string, Record<string, string | string[]>, string][] = [
    ['/checks/new', '/checks', checkFormFields({ name: nul }), 'name'],
    ['/checks/new', '/checks', checkFormFields({ url: `https://e.com/${nul}` }), 'url'],
    ['/checks/new', '/checks', checkFormFields({ method: 'POST', body: nul }), 'body'],
    ['/checks/new', '/checks', checkFormFields({ keyword: nul, keywordMode: 'present' }), 'keyword'],
    ['/checks/new', '/checks', checkFormFields({ headers: `X-A: ${nul}` }), 'headers'],
    ['/checks/new', '/checks', checkFormFields({ regions: [`eu-west${nul}`] }), 'regions'],
    [`/checks/${checkId}/edit`, `/checks/${checkId}`, checkFormFields({ name: nul }), 'name'],
    ['/channels/new', '/channels', { name: nul, kind: 'webhook', target: 'https://hooks.example.com/y' }, 'name'],
    ['/channels/new', '/channels', { name: 'Ops 2', kind: 'webhook', target: `https://hooks.example.com/${nul}` }, 'target'],
    [`/channels/${channelId}/edit`, `/channels/${channelId}`, { name: nul, kind: 'webhook', target: 'https://hooks.example.com/x' }, 'name'],
    ['/settings', '/settings/status-page', { enabled: 'on', title: nul, slug: 'careful-status' }, 'title'],
    ['/settings', '/settings/tokens', { name: nul }, 'name'],
    ['/settings', '/settings/password', { currentPassword: nul, newPassword: 'x'.repeat(12), confirmPassword: 'x'.repeat(12) }, 'currentPassword'],
  ];
  for (const [page, action, fields, field] of formCases) {
    const response = await browser.submit(page, action, fields);
    expect([action, field, response.status]).toEqual([action, field, 400]);
    expect(response.body).toContain(`Form field &quot;${field}&quot; must not contain NUL characters`);
  }
  const visitor = new Browser(frontend.url);
  for (const action of ['/signup', '/login']) {
    const response = await visitor.submit(action, action, { email: `x${nul}@example.com`, password: 'correct horse battery' });
    expect([action, response.status]).toEqual([action, 400]);
    expect(response.body).toContain('Form field &quot;email&quot;');
  }
  // A search is not a form: a NUL there is malformed and falls back to no search, like any other bad parameter.
  expect((await browser.get('/dashboard?q=a%00b')).status).toBe(200);

  const stored = await frontend.db.pool.query(`SELECT count(*)::int AS n FROM checks`);
  expect(stored.rows[0].n).toBe(1);
});

test('text inputs carry the maxlength of their field', async () => {
  const maxlength = (html: string, id: string) => new RegExp(`<(input|textarea) id="${id}"[^>]* maxlength="(\\d+)"`).exec(html)?.[2];
  const checkForm = (await browser.get('/checks/new')).body;
  expect([maxlength(checkForm, 'name'), maxlength(checkForm, 'url'), maxlength(checkForm, 'body'), maxlength(checkForm, 'keyword')]).toEqual([
    '200',
    '2048',
    '16384',
    '1024',
  ]);
  const channelForm = (await browser.get('/channels/new')).body;
  expect([maxlength(channelForm, 'name'), maxlength(channelForm, 'target')]).toEqual(['200', '2048']);
  const settings = (await browser.get('/settings')).body;
  expect([maxlength(settings, 'status-title'), maxlength(settings, 'status-slug'), maxlength(settings, 'token-name')]).toEqual(['200', '63', '100']);
});

test('overlong fields re-render the form with the error beside the field and the text kept', async () => {
  const longName = 'n'.repeat(501);
  const check = await browser.submit('/checks/new', '/checks', checkFormFields({ name: longName, url: `https://e.com/${'u'.repeat(4100)}` }));
  expect(check.status).toBe(422);
  expect(check.body).toContain(`value="${longName}"`);
  expect(check.body).toMatch(/id="name-error">must be at most 200 characters/);
  expect(check.body).toMatch(/id="url-error">must be at most 2048 characters/);

  const channel = await browser.submit('/channels/new', '/channels', { name: longName, kind: 'webhook', target: `https://e.com/${'t'.repeat(4100)}` });
  expect(channel.status).toBe(422);
  expect(channel.body).toMatch(/id="name-error">must be at most 200 characters/);
  expect(channel.body).toMatch(/id="target-error">must be at most 2048 characters/);

  const title = await browser.submit('/settings', '/settings/status-page', { enabled: 'on', title: 't'.repeat(501), slug: 'careful-status' });
  expect(title.status).toBe(422);
  expect(title.body).toMatch(/id="status-title-error">must be at most 200 characters/);

  const tokenName = await browser.submit('/settings', '/settings/tokens', { name: longName });
  expect(tokenName.status).toBe(422);
  expect(tokenName.body).toMatch(/id="token-name-error">must be at most 100 characters/);
  expect(tokenName.body).toContain(`value="${longName}"`);
});

test('a form too large to read (413) does not expire the forms open in other tabs', async () => {
  const tab = await browser.get('/checks/new');
  const tokenBefore = csrfTokenOf(tab.body);
  const tooLarge = await browser.post('/checks', { _csrf: tokenBefore, ...checkFormFields({ body: 'x'.repeat(70 * 1024) }) });
  expect(tooLarge.status).toBe(413);
  expect(tooLarge.headers.getSetCookie()).toEqual([]);
  const saved = await browser.post('/checks', { _csrf: tokenBefore, ...checkFormFields({ name: 'After the 413' }) });
  expect(saved.status).toBe(303);
});

test('a region without a beacon is refused, naming the field, in the API and the form', async () => {
  const viaApi = await api('POST', '/checks', { name: 'Mars', url: 'https://e.com', regions: ['mars-1'] });
  expect(viaApi.status).toBe(400);
  expect(viaApi.json.fields).toEqual({ regions: 'regions must name regions with a beacon; mars-1 has none (available: eu-west, us-east)' });
  const patched = await api('PATCH', `/checks/${checkId}`, { regions: ['eu-west', 'mars-1'] });
  expect(patched.status).toBe(400);
  expect(Object.keys(patched.json.fields)).toEqual(['regions']);

  const viaForm = await browser.submit('/checks/new', '/checks', checkFormFields({ name: 'Mars', regions: ['mars-1'] }));
  expect(viaForm.status).toBe(422);
  expect(viaForm.body).toMatch(/id="regions-error">must name regions with a beacon; mars-1 has none/);
  expect((await api('POST', '/checks', { name: 'EU', url: 'https://e.com', regions: ['eu-west'] })).status).toBe(201);
});

test('a header value with a line break is refused by the API and the form alike', async () => {
  const viaApi = await api('POST', '/checks', { name: 'Smuggler', url: 'https://e.com', headers: { 'X-A': 'a\r\nInjected: 1' } });
  expect(viaApi.status).toBe(400);
  expect(viaApi.json.fields).toEqual({
    'headers.X-A': 'headers.X-A must not contain line breaks, control characters or characters beyond Latin-1',
  });
  const patched = await api('PATCH', `/checks/${checkId}`, { headers: { 'X-A': 'a\nb' } });
  expect(patched.status).toBe(400);

  // The form splits lines at \n: a lone carriage return stays inside the value.
  const viaForm = await browser.submit('/checks/new', '/checks', checkFormFields({ name: 'Smuggler', headers: 'X-A: a\rInjected: 1' }));
  expect(viaForm.status).toBe(422);
  expect(viaForm.body).toMatch(/id="headers-error">X-A: must not contain line breaks/);
  expect((await frontend.db.pool.query(`SELECT count(*)::int AS n FROM checks WHERE name = 'Smuggler'`)).rows[0].n).toBe(0);
});
