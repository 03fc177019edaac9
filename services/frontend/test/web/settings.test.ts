import { buildAlertBody } from '@pingdummy/shared';
import { Browser, checkFormFields, csrfTokenOf, startTestFrontend, type TestFrontend } from './harness.js';

let frontend: TestFrontend;
let browser: Browser;
let slug: string;
beforeAll(async () => {
  frontend = await startTestFrontend();
  browser = new Browser(frontend.url);
  await browser.signUp('jane.doe@example.com');
  slug = (await frontend.db.pool.query(`SELECT slug FROM accounts`)).rows[0].slug;
});
afterAll(async () => {
  await frontend.stop();
});

test('the status page is off until opted in, then lists only public checks and hides private details', async () => {
  expect((await new Browser(frontend.url).get(`/status/${slug}`)).status).toBe(404);
  const settings = await browser.get('/settings');
  expect(settings.body).toContain(`/status/${slug}`);

  await browser.submit('/checks/new', '/checks', checkFormFields({ name: 'Public API', url: 'https://api.example.com/public-path', isPublic: 'on', showUrlPublicly: 'on' }));
  await browser.submit('/checks/new', '/checks', checkFormFields({ name: 'Public site', url: 'https://www.example.com/hidden-path', isPublic: 'on' }));
  await browser.submit('/checks/new', '/checks', checkFormFields({ name: 'Private DB admin', url: 'https://db.example.com/admin' }));
  await frontend.db.pool.query(
    `INSERT INTO incidents (account_id, check_id, started_at, cause)
     SELECT account_id, id, now(), 'connect ECONNREFUSED 10.0.0.7:443' FROM checks WHERE name = 'Public site'`,
  );
  await frontend.db.pool.query(`UPDATE checks SET state = 'down' WHERE name = 'Public site'`);

  expect(slug).not.toMatch(/jane|doe/); // the public address does not reveal the owner's email
  const saved = await browser.submit('/settings', '/settings/status-page', { enabled: 'on', title: 'Example Inc. status', slug });
  expect(saved.location).toBe('/settings?notice=status-page-saved');

  const page = await new Browser(frontend.url).get(`/status/${slug}`);
  expect(page.status).toBe(200);
  expect(page.body).toContain('Example Inc. status');
  expect(page.body).toContain('Public API');
  expect(page.body).toContain('https://api.example.com/public-path');
  expect(page.body).toContain('Public site');
  expect(page.body).toContain('Ongoing incident since');
  expect(page.body).toContain('Some systems are having problems');
  expect(page.body).not.toContain('hidden-path');
  expect(page.body).not.toContain('Private DB admin');
  expect(page.body).not.toContain('db.example.com');
  expect(page.body).not.toContain('10.0.0.7');
  expect(page.body).not.toContain('jane.doe@example.com');
  expect(page.body).not.toContain('_csrf');
  expect(page.headers.getSetCookie()).toEqual([]);
  expect(page.body.match(/class="bar bar-/g)?.length).toBe(180); // 90 daily bars for each public check

  await browser.submit('/settings', '/settings/status-page', { title: '', slug });
  expect((await new Browser(frontend.url).get(`/status/${slug}`)).status).toBe(404);
  expect((await new Browser(frontend.url).get('/status/no-such-page')).status).toBe(404);
});

test('the status page address can be changed, must be well-formed and must not be taken', async () => {
  const other = new Browser(frontend.url);
  await other.signUp('other@example.com');
  const otherSlug = (await frontend.db.pool.query(`SELECT a.slug FROM accounts a JOIN users u ON u.account_id = a.id WHERE u.email = 'other@example.com'`)).rows[0].slug;

  const bad = await browser.submit('/settings', '/settings/status-page', { enabled: 'on', title: 'Mine', slug: 'Not A Slug!' });
  expect(bad.status).toBe(422);
  expect(bad.body).toContain('value="Not A Slug!"');
  expect(bad.body).toMatch(/id="status-slug-error">must be 2 to 63 lowercase letters/);

  const taken = await browser.submit('/settings', '/settings/status-page', { enabled: 'on', title: 'Mine', slug: otherSlug });
  expect(taken.status).toBe(409);
  expect(taken.body).toMatch(/id="status-slug-error">is taken by another account/);

  const moved = await browser.submit('/settings', '/settings/status-page', { enabled: 'on', title: 'Mine', slug: 'example-inc' });
  expect(moved.status).toBe(303);
  expect((await new Browser(frontend.url).get('/status/example-inc')).body).toContain('Mine');
  expect((await new Browser(frontend.url).get(`/status/${slug}`)).status).toBe(404);
  slug = 'example-inc';
});

test('an API token is shown once, works against /api/v1, and stops working when revoked', async () => {
  // Post/redirect/get: the POST answers with a redirect, the token appears on the GET that follows.
  const created = await browser.submit('/settings', '/settings/tokens', { name: 'deploy script' });
  expect(created.status).toBe(303);
  expect(created.location).toBe('/settings#tokens-heading');
  expect(created.body).not.toMatch(/pd_[A-Za-z0-9_-]{43}/);
  const shown = await browser.get(created.location!);
  expect(shown.status).toBe(200);
  expect(shown.headers.get('cache-control')).toBe('no-store');
  const token = /id="new-token" class="token-value" type="text" readonly value="(pd_[A-Za-z0-9_-]+)"/.exec(shown.body)?.[1];
  expect(token).toBeDefined();
  // The copy button is wired by an external script (the CSP forbids inline ones).
  expect(shown.body).toContain('data-copy-target="new-token"');
  expect(shown.body).toMatch(/<script src="\/static\/js\/copy-token\.js\?v=[0-9a-f]+" defer><\/script>/);
  // Reloading the page neither shows the token again nor creates a second one.
  const reloaded = await browser.get(created.location!);
  expect(reloaded.body).not.toContain(token!);
  expect(reloaded.body).not.toContain('id="new-token"');
  expect((await frontend.db.pool.query(`SELECT count(*)::int AS n FROM api_tokens WHERE name = 'deploy script'`)).rows[0].n).toBe(1);

  const api = await fetch(`${frontend.url}/api/v1/checks`, { headers: { authorization: `Bearer ${token}` } });
  expect(api.status).toBe(200);
  const names = JSON.stringify(await api.json());
  expect(names).toContain('Public API');

  const later = await browser.get('/settings');
  expect(later.body).not.toContain(token!);
  expect(later.body).toContain('deploy script');
  expect(later.body).toContain(`${token!.slice(0, 10)}…`);

  const tokenId = (await frontend.db.pool.query(`SELECT id FROM api_tokens WHERE name = 'deploy script'`)).rows[0].id;
  const revoked = await browser.submit('/settings', `/settings/tokens/${tokenId}/revoke`, {});
  expect(revoked.location).toBe('/settings?notice=token-revoked');
  const refused = await fetch(`${frontend.url}/api/v1/checks`, { headers: { authorization: `Bearer ${token}` } });
  expect(refused.status).toBe(401);

  const blank = await browser.submit('/settings', '/settings/tokens', { name: '   ' });
  expect(blank.status).toBe(422);
  expect(blank.body).toMatch(/id="token-name-error">is required/);
});

test('channels: validation beside the field, creation, and a queued test delivery', async () => {
  const bad = await browser.submit('/channels/new', '/channels', { name: 'Mail', kind: 'email', target: 'not-an-address' });
  expect(bad.status).toBe(422);
  expect(bad.body).toContain('value="not-an-address"');
  expect(bad.body).toMatch(/id="target-error">must be an email address/);
  const longLabel = await browser.submit('/channels/new', '/channels', { name: 'Hook', kind: 'webhook', target: `https://${'a'.repeat(64)}.example.com/hook` });
  expect(longLabel.status).toBe(422);
  expect(longLabel.body).toMatch(/id="target-error">host name label &quot;a{20}...&quot; is 64 characters long; at most 63 are allowed/);
  const ok = await browser.submit('/channels/new', '/channels', { name: 'Mail', kind: 'email', target: 'ops@example.com' });
  expect(ok.location).toBe('/channels?notice=channel-created');
  const list = await browser.get('/channels');
  expect(list.body).toContain('ops@example.com');
  const channelId = (await frontend.db.pool.query(`SELECT id FROM notification_channels WHERE name = 'Mail'`)).rows[0].id;

  const page = await browser.get('/channels');
  const token = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
  const queued = await browser.post(`/channels/${channelId}/test`, { _csrf: token }, { accept: 'application/json' });
  expect(queued.status).toBe(202);
  const { deliveryId, statusUrl } = JSON.parse(queued.body);
  expect(statusUrl).toBe(`/channels/${channelId}/deliveries/${deliveryId}.json`);
  const row = await frontend.db.pool.query(`SELECT event, channel_id, payload FROM deliveries WHERE id = $1`, [deliveryId]);
  expect(row.rows[0]).toMatchObject({ event: 'test', channel_id: channelId });
  expect(JSON.parse((await browser.get(statusUrl)).body).status).toBe('pending');

  // The test body has the fields of a real alert (the worker builds those with the same function), text included.
  const realAlert = buildAlertBody({
    event: 'down',
    occurredAt: new Date(),
    check: { id: 'c', name: 'Shop', url: 'https://shop.example.com', state: 'down' },
    incident: null,
    cause: 'http_status: HTTP 500',
    publicUrl: 'http://localhost:3000',
  });
  const testBody = row.rows[0].payload;
  expect(Object.keys(testBody).sort()).toEqual(Object.keys(realAlert).sort());
  expect(testBody).toMatchObject({ event: 'test', text: expect.stringContaining('Test notification from Pingdummy for channel "Mail"') });
});

test('channels: without email delivery configured, creating or listing an email channel says so', async () => {
  const noEmail = await startTestFrontend({ emailDeliveryConfigured: false });
  try {
    const user = new Browser(noEmail.url);
    await user.signUp('no-mail@example.com');
    const form = await user.get('/channels/new');
    expect(form.body).toContain('Email delivery is not configured on this server');

    const webhook = await user.submit('/channels/new', '/channels', { name: 'Hook', kind: 'webhook', target: 'https://hooks.example.com/x' });
    expect(webhook.location).toBe('/channels?notice=channel-created');
    expect((await user.get('/channels')).body).not.toContain('email delivery is not configured');

    const created = await user.submit('/channels/new', '/channels', { name: 'Mail', kind: 'email', target: 'ops@example.com' });
    expect(created.location).toBe('/channels?notice=email-channel-created-unconfigured');
    const afterCreate = await user.get(created.location!);
    expect(afterCreate.body).toMatch(/class="notice" role="status">Channel created, but email delivery is not configured on this server, so email channels receive nothing until the worker is given SMTP_URL or SES_REGION/);

    const list = await user.get('/channels');
    expect(list.body).toMatch(/class="warning" role="alert">Warning: email delivery is not configured/);
    expect(list.body).toContain('not delivered: email is not configured');
  } finally {
    await noEmail.stop();
  }
});

test('channels: with email delivery configured, an email channel gets no warning', async () => {
  const form = await browser.get('/channels/new');
  expect(form.body).not.toContain('Email delivery is not configured');
  const list = await browser.get('/channels');
  expect(list.body).toContain('ops@example.com');
  expect(list.body).not.toContain('email delivery is not configured');
  expect(list.body).not.toContain('not delivered: email is not configured');
});

test('a new token is in the stored session before the redirect is sent (browsers follow a 303 as soon as its headers arrive)', async () => {
  const page = await browser.get('/settings');
  const cookie = [...browser.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  // Hold every stored session row: the session store's write now waits until the lock is released.
  const locker = await frontend.db.pool.connect();
  await locker.query('BEGIN');
  await locker.query('SELECT sid FROM sessions FOR UPDATE');
  const headers = fetch(`${frontend.url}/settings/tokens`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: csrfTokenOf(page.body), name: 'race' }).toString(),
  }).then((response) => response.status);
  const first = await Promise.race([headers, new Promise((resolve) => setTimeout(() => resolve('still waiting'), 1_500))]);
  await locker.query('ROLLBACK');
  locker.release();
  expect(first).toBe('still waiting');
  expect(await headers).toBe(303);
  expect((await browser.get('/settings')).body).toMatch(/id="new-token" class="token-value" type="text" readonly value="pd_/);
});

