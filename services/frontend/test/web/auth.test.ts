import { Browser, csrfTokenOf, startTestFrontend, type TestFrontend } from './harness.js';

let frontend: TestFrontend;
beforeAll(async () => {
  frontend = await startTestFrontend();
});
afterAll(async () => {
  await frontend.stop();
});

test('sign-up creates an account, signs in with an HttpOnly SameSite=Lax cookie and stores ids in the session', async () => {
  const browser = new Browser(frontend.url);
  const response = await browser.signUp('alice@example.com');
  expect(response.location).toBe('/dashboard');
  const setCookie = response.headers.getSetCookie().find((header) => header.startsWith('pd.sid='));
  expect(setCookie).toMatch(/HttpOnly/i);
  expect(setCookie).toMatch(/SameSite=Lax/i);
  expect(setCookie).not.toMatch(/Secure/i); // cookieSecure=false in this test app

  const dashboard = await browser.get('/dashboard');
  expect(dashboard.status).toBe(200);
  expect(dashboard.body).toContain('No checks yet');

  const { rows } = await frontend.db.pool.query(`SELECT sess FROM sessions`);
  const user = await frontend.db.pool.query(`SELECT id, account_id, password_hash FROM users WHERE email = 'alice@example.com'`);
  expect(rows.map((row) => row.sess.userId)).toContain(user.rows[0].id);
  expect(rows.find((row) => row.sess.userId === user.rows[0].id).sess.accountId).toBe(user.rows[0].account_id);
  expect(user.rows[0].password_hash).toMatch(/^\$argon2id\$/);
});

test('sign-up errors are shown beside the field and keep the typed email', async () => {
  const browser = new Browser(frontend.url);
  const bad = await browser.submit('/signup', '/signup', { email: 'not-an-email', password: 'short' });
  expect(bad.status).toBe(422);
  expect(bad.body).toContain('value="not-an-email"');
  expect(bad.body).toMatch(/id="email-error">is not a valid email address/);
  expect(bad.body).toMatch(/id="password-error">must be at least 10 characters/);

  await new Browser(frontend.url).signUp('taken@example.com');
  const taken = await browser.submit('/signup', '/signup', { email: 'Taken@Example.com', password: 'long enough password' });
  expect(taken.status).toBe(409);
  expect(taken.body).toContain('already exists');
});

test('login rejects a wrong password, accepts the right one and issues a new session id each time', async () => {
  await new Browser(frontend.url).signUp('bob@example.com', 'bobs password 123');
  const browser = new Browser(frontend.url);
  const wrong = await browser.submit('/login', '/login', { email: 'bob@example.com', password: 'nope nope nope' });
  expect(wrong.status).toBe(401);
  expect(wrong.body).toContain('Wrong email or password.');
  expect(wrong.body).toContain('value="bob@example.com"');
  expect(browser.cookies.has('pd.sid')).toBe(false);

  const first = await browser.submit('/login', '/login', { email: 'BOB@example.com', password: 'bobs password 123' });
  expect(first.status).toBe(303);
  const firstSid = browser.cookies.get('pd.sid');
  await browser.post('/logout', { _csrf: csrfTokenOf((await browser.get('/dashboard')).body) });
  await browser.submit('/login', '/login', { email: 'bob@example.com', password: 'bobs password 123' });
  expect(browser.cookies.get('pd.sid')).toBeDefined();
  expect(browser.cookies.get('pd.sid')).not.toBe(firstSid);
});

test('logout destroys the session row and the dashboard then redirects to login', async () => {
  const browser = new Browser(frontend.url);
  await browser.signUp('carol@example.com');
  const before = await frontend.db.pool.query(`SELECT count(*)::int AS n FROM sessions s JOIN users u ON u.id::text = s.sess->>'userId' WHERE u.email = 'carol@example.com'`);
  expect(before.rows[0].n).toBe(1);
  const dashboard = await browser.get('/dashboard');
  const out = await browser.post('/logout', { _csrf: csrfTokenOf(dashboard.body) });
  expect(out.status).toBe(303);
  const after = await frontend.db.pool.query(`SELECT count(*)::int AS n FROM sessions s JOIN users u ON u.id::text = s.sess->>'userId' WHERE u.email = 'carol@example.com'`);
  expect(after.rows[0].n).toBe(0);
  const again = await browser.get('/dashboard');
  expect(again.status).toBe(303);
  expect(again.location).toBe('/login');
});

test('a form without a valid CSRF token is refused with 403', async () => {
  const browser = new Browser(frontend.url);
  await browser.signUp('dave@example.com');
  const noToken = await browser.post('/checks', { name: 'x', url: 'https://example.com' });
  expect(noToken.status).toBe(403);
  expect(noToken.body).toContain('This form expired or was sent from another site');
  const forged = await browser.post('/logout', { _csrf: 'forged.token' });
  expect(forged.status).toBe(403);
  // Another visitor's token does not work with this browser's cookie.
  const other = new Browser(frontend.url);
  const otherToken = csrfTokenOf((await other.get('/login')).body);
  const mixed = await browser.post('/logout', { _csrf: otherToken });
  expect(mixed.status).toBe(403);
  expect((await browser.get('/dashboard')).status).toBe(200);
  // A login form posted without its cookie (the cross-site case) is refused too.
  const stranger = new Browser(frontend.url);
  const login = await stranger.post('/login', { _csrf: otherToken, email: 'dave@example.com', password: 'correct horse battery' });
  expect(login.status).toBe(403);
});

test('changing the password ends the user’s other sessions but keeps this one', async () => {
  const laptop = new Browser(frontend.url);
  await laptop.signUp('erin@example.com', 'first password 1');
  const phone = new Browser(frontend.url);
  expect((await phone.submit('/login', '/login', { email: 'erin@example.com', password: 'first password 1' })).status).toBe(303);
  expect((await phone.get('/dashboard')).status).toBe(200);

  const wrong = await laptop.submit('/settings', '/settings/password', {
    currentPassword: 'not the password',
    newPassword: 'second password 2',
    confirmPassword: 'second password 2',
  });
  expect(wrong.status).toBe(422);
  expect(wrong.body).toMatch(/id="currentPassword-error">is not your current password/);

  const changed = await laptop.submit('/settings', '/settings/password', {
    currentPassword: 'first password 1',
    newPassword: 'second password 2',
    confirmPassword: 'second password 2',
  });
  expect(changed.status).toBe(303);
  expect(changed.location).toBe('/settings?notice=password-changed');
  expect((await laptop.get('/dashboard')).status).toBe(200);
  const phoneAfter = await phone.get('/dashboard');
  expect(phoneAfter.status).toBe(303);
  expect(phoneAfter.location).toBe('/login');

  expect((await new Browser(frontend.url).submit('/login', '/login', { email: 'erin@example.com', password: 'first password 1' })).status).toBe(401);
  expect((await new Browser(frontend.url).submit('/login', '/login', { email: 'erin@example.com', password: 'second password 2' })).status).toBe(303);
});

test('malformed forms get 400 or 413 with a readable message, never a 500', async () => {
  const browser = new Browser(frontend.url);
  const token = csrfTokenOf((await browser.get('/login')).body);
  const unknown = await browser.post('/login', { _csrf: token, email: 'a@example.com', password: 'x', admin: 'true' });
  expect(unknown.status).toBe(400);
  expect(unknown.body).toContain('Unknown form field: admin');
  const repeated = await browser.post('/login', { _csrf: token, email: ['a@example.com', 'b@example.com'], password: 'x' });
  expect(repeated.status).toBe(400);
  expect(repeated.body).toContain('email');
  const huge = await browser.post('/login', { _csrf: token, email: 'a@example.com', password: 'x'.repeat(70_000) });
  expect(huge.status).toBe(413);
  expect(huge.body).toContain('too large');
  const json = await browser.request('POST', '/login', {
    body: JSON.stringify({ email: 'a@example.com', password: 'x' }),
    headers: { 'content-type': 'application/json', 'x-csrf-token': token },
  });
  expect(json.status).toBe(400);
  expect(json.body).toContain('Expected a submitted form');
  for (const response of [unknown, repeated, huge, json]) expect(response.body).not.toMatch(/at .+\.(js|ts):\d+/);
});

test('pages carry a strict Content-Security-Policy without inline scripts or styles', async () => {
  const page = await new Browser(frontend.url).get('/login');
  const csp = page.headers.get('content-security-policy') ?? '';
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain("style-src 'self'");
  expect(csp).not.toContain('unsafe-inline');
  expect(page.body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
  expect(page.body).not.toMatch(/\sstyle="/);
  expect(page.body).not.toMatch(/<style/);
});
