import { Browser, csrfTokenOf, startTestFrontend, type TestFrontend } from './harness.js';

let frontend: TestFrontend;
beforeAll(async () => {
  frontend = await startTestFrontend();
});
afterAll(async () => {
  await frontend.stop();
});

const themeOf = (html: string) => /<html lang="en" data-theme="([a-z]+)">/.exec(html)?.[1];
const colorSchemeOf = (html: string) => /<meta name="color-scheme" content="([^"]+)">/.exec(html)?.[1];
const pressedOf = (html: string) => /<button type="submit" name="theme" value="([a-z]+)" aria-pressed="true">/.exec(html)?.[1];

test('a new user follows the system theme; a chosen theme is saved and rendered by the server on every page', async () => {
  const browser = new Browser(frontend.url);
  await browser.signUp('theme@example.com');
  const first = await browser.get('/dashboard');
  expect(themeOf(first.body)).toBe('system');
  expect(colorSchemeOf(first.body)).toBe('light dark');
  expect(pressedOf(first.body)).toBe('system');

  const saved = await browser.post('/settings/theme', { _csrf: csrfTokenOf(first.body), theme: 'dark', back: '/settings' });
  expect(saved.status).toBe(303);
  expect(saved.location).toBe('/settings');
  const { rows } = await frontend.db.pool.query(`SELECT theme FROM users WHERE email = 'theme@example.com'`);
  expect(rows[0].theme).toBe('dark');
  for (const path of ['/dashboard', '/settings', '/checks/new', '/channels']) {
    const page = await browser.get(path);
    expect([path, themeOf(page.body), colorSchemeOf(page.body), pressedOf(page.body)]).toEqual([path, 'dark', 'dark', 'dark']);
  }

  // Another browser of the same user gets it too: it is the user's, not the session's.
  const other = new Browser(frontend.url);
  await other.submit('/login', '/login', { email: 'theme@example.com', password: 'correct horse battery' });
  expect(themeOf((await other.get('/dashboard')).body)).toBe('dark');

  const light = await browser.post('/settings/theme', { _csrf: csrfTokenOf(first.body), theme: 'light', back: '/dashboard' });
  expect(light.location).toBe('/dashboard');
  expect(themeOf((await browser.get('/dashboard')).body)).toBe('light');
});

test('the theme switch refuses unknown themes with a 400 naming the field, and never redirects off the site', async () => {
  const browser = new Browser(frontend.url);
  await browser.signUp('theme-bad@example.com');
  const csrf = csrfTokenOf((await browser.get('/dashboard')).body);
  const bad = await browser.post('/settings/theme', { _csrf: csrf, theme: 'purple' });
  expect(bad.status).toBe(400);
  expect(bad.body).toContain('Form field &quot;theme&quot; must be one of system, light, dark.');
  for (const back of ['//evil.example/', '/\\evil.example/', 'https://evil.example/']) {
    const response = await browser.post('/settings/theme', { _csrf: csrf, theme: 'dark', back });
    expect([back, response.status, response.location]).toEqual([back, 303, '/dashboard']);
  }
  // Signed out: no theme can be saved.
  const anonymous = new Browser(frontend.url);
  const page = await anonymous.get('/login');
  expect(themeOf(page.body)).toBe('system');
  expect((await anonymous.post('/settings/theme', { _csrf: csrfTokenOf(page.body), theme: 'dark' })).status).toBe(401);
});

test('the public status page ignores the visitor\'s theme (it is cached for everyone)', async () => {
  const browser = new Browser(frontend.url);
  await browser.signUp('theme-status@example.com');
  const csrf = csrfTokenOf((await browser.get('/dashboard')).body);
  await browser.post('/settings/theme', { _csrf: csrf, theme: 'dark' });
  const { rows } = await frontend.db.pool.query(
    `UPDATE accounts SET status_page_enabled = true WHERE id = (SELECT account_id FROM users WHERE email = 'theme-status@example.com') RETURNING slug`,
  );
  const status = await browser.get(`/status/${rows[0].slug}`);
  expect(status.status).toBe(200);
  expect(themeOf(status.body)).toBe('system');
});
