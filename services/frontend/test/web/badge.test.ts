import { get as httpGet } from 'node:http';
import { createApiToken } from '../../src/data/tokens.js';
import { Browser, checkFormFields, csrfTokenOf, startTestFrontend, type TestFrontend } from './harness.js';

let frontend: TestFrontend;
let owner: Browser;
let checkId: string;
let apiToken: string;

beforeAll(async () => {
  frontend = await startTestFrontend();
  owner = new Browser(frontend.url);
  await owner.signUp('badge@example.com');
  const created = await owner.submit('/checks/new', '/checks', checkFormFields({ name: 'Badge target' }));
  checkId = /\/checks\/([0-9a-f-]{36})/.exec(created.location!)![1]!;
  const pool = frontend.db.pool;
  // 30-day uptime 99.5 % and state up.
  await pool.query(`UPDATE checks SET state = 'up' WHERE id = $1`, [checkId]);
  await pool.query(
    `INSERT INTO rollups_daily (check_id, bucket_start, region, probe_count, up_count, latency_sum, latency_hist)
     VALUES ($1, date_trunc('day', now(), 'UTC') - interval '2 days', 'eu', 1000, 995, 0, '{}')`,
    [checkId],
  );
  const user = (await pool.query(`SELECT id, account_id FROM users WHERE email = 'badge@example.com'`)).rows[0];
  apiToken = (await createApiToken(pool, user.account_id, user.id, 'badge test')).token;
});
afterAll(async () => {
  await frontend.stop();
});

const badgePathOf = (html: string) => /<img src="http:\/\/[^/"]+(\/badge\/[A-Za-z0-9_-]+\.svg)"/.exec(html)?.[1];

async function toggle(browser: Browser, enabled: boolean) {
  const page = await browser.get(`/checks/${checkId}`);
  return browser.post(`/checks/${checkId}/badge`, { _csrf: csrfTokenOf(page.body), enabled: String(enabled) });
}

/**
 * A conditional GET as a browser revalidating its cache sends it (fetch() would add `Cache-Control: no-cache`
 * to any request with If-None-Match, which asks the server for a full answer).
 */
function revalidate(url: string, etag: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    httpGet(url, { headers: { 'if-none-match': etag } }, (response) => {
      let body = '';
      response.on('data', (chunk) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode!, body }));
    }).on('error', reject);
  });
}

async function api(method: string, path: string, body?: unknown) {
  const response = await fetch(`${frontend.url}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${apiToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as { enabled?: boolean; path?: string | null; fields?: Record<string, string> } };
}

test('the badge is off until the owner turns it on; then the check page shows it with Markdown and HTML snippets', async () => {
  const before = await owner.get(`/checks/${checkId}`);
  expect(before.body).toContain('Turn badge on');
  expect(badgePathOf(before.body)).toBeUndefined();
  // The check's id is not a badge address.
  expect((await fetch(`${frontend.url}/badge/${checkId}.svg`)).status).toBe(404);

  const turnedOn = await toggle(owner, true);
  expect(turnedOn.status).toBe(303);
  expect(turnedOn.location).toBe(`/checks/${checkId}#badge`);
  const page = await owner.get(`/checks/${checkId}`);
  const path = badgePathOf(page.body)!;
  expect(path).toMatch(/^\/badge\/[A-Za-z0-9_-]{22}\.svg$/);
  expect(path).not.toContain(checkId);
  const url = `${frontend.url}${path}`;
  expect(page.body).toContain(`[![uptime](${url})](${url})</textarea>`);
  expect(page.body).toContain(`&lt;img src=&quot;${url}&quot; alt=&quot;uptime&quot;&gt;</textarea>`);
  // Turning it on again keeps the address.
  await toggle(owner, true);
  expect(badgePathOf((await owner.get(`/checks/${checkId}`)).body)).toBe(path);
});

test('the badge is a cacheable SVG with state and 30-day uptime: max-age 60, ETag, 304, no cookie, embeddable', async () => {
  await toggle(owner, true);
  const path = badgePathOf((await owner.get(`/checks/${checkId}`)).body)!;
  const response = await fetch(`${frontend.url}${path}`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('image/svg+xml; charset=utf-8');
  expect(response.headers.get('cache-control')).toBe('public, max-age=60');
  expect(response.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
  expect(response.headers.get('set-cookie')).toBeNull();
  const etag = response.headers.get('etag')!;
  expect(etag).toMatch(/^W\/".+"$/);
  const svg = await response.text();
  expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  expect(svg).toContain('aria-label="uptime: up · 99.50%"');
  expect(svg).toContain('fill="#15803d"');

  expect(await revalidate(`${frontend.url}${path}`, etag)).toEqual({ status: 304, body: '' });

  // A change of state is a new badge (and a new ETag): paused, then down.
  await frontend.db.pool.query(`UPDATE checks SET paused = true WHERE id = $1`, [checkId]);
  const paused = await revalidate(`${frontend.url}${path}`, etag);
  expect(paused.status).toBe(200);
  expect(paused.body).toContain('aria-label="uptime: paused · 99.50%"');
  await frontend.db.pool.query(`UPDATE checks SET paused = false, state = 'down' WHERE id = $1`, [checkId]);
  const down = await (await fetch(`${frontend.url}${path}`)).text();
  expect(down).toContain('aria-label="uptime: down · 99.50%"');
  expect(down).toContain('fill="#b91c1c"');
  await frontend.db.pool.query(`UPDATE checks SET state = 'up' WHERE id = $1`, [checkId]);
});

test('turning the badge off makes its address a 404; turning it on again gives a new address', async () => {
  await toggle(owner, true);
  const path = badgePathOf((await owner.get(`/checks/${checkId}`)).body)!;
  expect((await toggle(owner, false)).status).toBe(303);
  const gone = await fetch(`${frontend.url}${path}`);
  expect(gone.status).toBe(404);
  expect(gone.headers.get('cache-control')).toBe('no-store');
  expect((await owner.get(`/checks/${checkId}`)).body).toContain('Turn badge on');
  await toggle(owner, true);
  const again = badgePathOf((await owner.get(`/checks/${checkId}`)).body)!;
  expect(again).not.toBe(path);
  expect((await fetch(`${frontend.url}${again}`)).status).toBe(200);
  for (const bad of ['/badge/x.svg', '/badge/not-a-token-at-all-but-long.png', `/badge/${'a'.repeat(65)}.svg`]) {
    expect([bad, (await fetch(`${frontend.url}${bad}`)).status]).toEqual([bad, 404]);
  }
});

test('another account cannot turn the badge on or off; a bad form value is a 400 naming the field', async () => {
  const stranger = new Browser(frontend.url);
  await stranger.signUp('badge-stranger@example.com');
  const csrf = csrfTokenOf((await stranger.get('/dashboard')).body);
  expect((await stranger.post(`/checks/${checkId}/badge`, { _csrf: csrf, enabled: 'false' })).status).toBe(404);
  const page = await owner.get(`/checks/${checkId}`);
  const bad = await owner.post(`/checks/${checkId}/badge`, { _csrf: csrfTokenOf(page.body), enabled: 'maybe' });
  expect(bad.status).toBe(400);
  expect(bad.body).toContain('Form field &quot;enabled&quot; must be true or false.');
});

test('the API reads and sets the badge (enabled), with a 400 naming the field for a bad body', async () => {
  const off = await api('PATCH', `/checks/${checkId}/badge`, { enabled: false });
  expect(off).toEqual({ status: 200, json: { enabled: false, path: null } });
  expect(await api('GET', `/checks/${checkId}/badge`)).toEqual({ status: 200, json: { enabled: false, path: null } });
  const on = await api('PATCH', `/checks/${checkId}/badge`, { enabled: true });
  expect(on.status).toBe(200);
  expect(on.json.enabled).toBe(true);
  expect(on.json.path).toMatch(/^\/badge\/[A-Za-z0-9_-]{22}\.svg$/);
  expect((await fetch(`${frontend.url}${on.json.path!}`)).status).toBe(200);
  const bad = await api('PATCH', `/checks/${checkId}/badge`, { enabled: 'yes' });
  expect(bad.status).toBe(400);
  expect(Object.keys(bad.json.fields ?? {})).toEqual(['enabled']);
  expect((await api('PATCH', '/checks/00000000-0000-4000-8000-000000000000/badge', { enabled: true })).status).toBe(404);
});

test('a heartbeat check has a badge too: its page turns it on and shows it, and the badge reads its state', async () => {
  const created = await owner.submit('/heartbeats/new', '/heartbeats', {
    name: 'Nightly backup', schedule: 'period', periodSeconds: '86400', cron: '', timezone: 'UTC', graceSeconds: '3600',
  });
  const heartbeatId = /\/checks\/([0-9a-f-]{36})/.exec(created.location!)![1]!;
  const page = await owner.get(`/checks/${heartbeatId}`);
  expect(page.body).toContain('Turn badge on');
  await owner.post(`/checks/${heartbeatId}/badge`, { _csrf: csrfTokenOf(page.body), enabled: 'true' });
  const badgePath = badgePathOf((await owner.get(`/checks/${heartbeatId}`)).body);
  expect(badgePath).toBeDefined();
  const badge = await fetch(`${frontend.url}${badgePath}`);
  expect(badge.status).toBe(200);
  expect(await badge.text()).toContain('pending');
});
