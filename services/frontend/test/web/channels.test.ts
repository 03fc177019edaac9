import { Browser, startTestFrontend, type TestFrontend } from './harness.js';

let frontend: TestFrontend;
let browser: Browser;

beforeAll(async () => {
  frontend = await startTestFrontend();
  browser = new Browser(frontend.url);
  await browser.signUp('channels@example.com');
});
afterAll(async () => {
  await frontend.stop();
});

const secretOf = (html: string) => /id="signing-secret"[^>]*value="([^"]+)"/.exec(html)?.[1];

test("a new webhook's signing secret is shown once, then only on demand", async () => {
  const created = await browser.submit('/channels/new', '/channels', { name: 'Signed hook', kind: 'webhook', target: 'https://hooks.example.com/s' });
  expect(created.status).toBe(303);
  const { rows } = await frontend.db.pool.query(`SELECT id, secret FROM notification_channels WHERE name = 'Signed hook'`);
  const first = await browser.get('/channels');
  expect(secretOf(first.body)).toBe(rows[0].secret);
  expect(secretOf((await browser.get('/channels')).body)).toBeUndefined(); // once

  const edit = await browser.get(`/channels/${rows[0].id}/edit`);
  expect(edit.body).toContain('Show signing secret');
  expect(edit.body).not.toContain(rows[0].secret);
  const revealed = await browser.submit(`/channels/${rows[0].id}/edit`, `/channels/${rows[0].id}/signing-secret`, {});
  expect(revealed.status).toBe(200);
  expect(secretOf(revealed.body)).toBe(rows[0].secret);
  expect(revealed.headers.get('cache-control')).toContain('no-store');
});

test('native kinds are offered; a credential is required, checked by field, never written back into the page', async () => {
  const form = await browser.get('/channels/new');
  for (const label of ['Slack (incoming webhook)', 'Discord (webhook)', 'Microsoft Teams (Workflows webhook)', 'PagerDuty (Events API v2)', 'Opsgenie', 'Telegram (bot)']) {
    expect(form.body).toContain(`>${label}</option>`);
  }
  const missing = await browser.submit('/channels/new', '/channels', { name: 'Pager', kind: 'pagerduty', target: '', secret: '' });
  expect(missing.status).toBe(422);
  expect(missing.body).toMatch(/id="secret-error">is required for a pagerduty channel/);
  const wrong = await browser.submit('/channels/new', '/channels', { name: 'Bot', kind: 'telegram', target: '42', secret: 'not-a-token-but-secret-ish' });
  expect(wrong.status).toBe(422);
  expect(wrong.body).toMatch(/id="secret-error">must be a bot token/);
  expect(wrong.body).not.toContain('not-a-token-but-secret-ish');

  const key = 'K3yK3yK3yK3yK3yK3yK3yK3yK3yK3y12';
  expect((await browser.submit('/channels/new', '/channels', { name: 'Pager', kind: 'pagerduty', target: 'eu', secret: key })).status).toBe(303);
  const list = await browser.get('/channels');
  expect(list.body).toContain('Pager');
  expect(list.body).not.toContain(key);
  const { rows } = await frontend.db.pool.query(`SELECT id FROM notification_channels WHERE name = 'Pager'`);
  const edit = await browser.get(`/channels/${rows[0].id}/edit`);
  expect(edit.body).not.toContain(key);
  expect(edit.body).toContain('leave empty to keep the stored one');
  // Saved without a secret: the stored key is kept.
  expect((await browser.submit(`/channels/${rows[0].id}/edit`, `/channels/${rows[0].id}`, { name: 'Pager EU', kind: 'pagerduty', target: 'eu', secret: '' })).status).toBe(303);
  expect((await frontend.db.pool.query(`SELECT name, secret FROM notification_channels WHERE id = $1`, [rows[0].id])).rows[0]).toEqual({ name: 'Pager EU', secret: key });
  // Not a webhook: no signing secret to show.
  expect((await browser.submit(`/channels/${rows[0].id}/edit`, `/channels/${rows[0].id}/signing-secret`, {})).status).toBe(404);
});
