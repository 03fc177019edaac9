import { Browser, csrfTokenOf, startTestFrontend, type TestFrontend } from './harness.js';

let frontend: TestFrontend;
beforeAll(async () => {
  frontend = await startTestFrontend({ authRateLimitPerIp: 8, authRateLimitPerEmail: 3 });
});
afterAll(async () => {
  await frontend.stop();
});

test('failed logins are limited per email, then per IP, with 429', async () => {
  const browser = new Browser(frontend.url);
  const token = csrfTokenOf((await browser.get('/login')).body);
  const attempt = (email: string) => browser.post('/login', { _csrf: token, email, password: 'wrong password' });
  for (let n = 0; n < 3; n += 1) expect((await attempt('victim@example.com')).status).toBe(401);
  const limited = await attempt('victim@example.com');
  expect(limited.status).toBe(429);
  expect(limited.body).toContain('Too many attempts');
  expect(limited.headers.get('ratelimit-policy')).toBeTruthy();
  // Same IP, other email: the per-email limit does not apply yet, the per-IP one soon does.
  const other = await attempt('someone@example.com');
  expect(other.status).toBe(401);
  const statuses: number[] = [];
  for (let n = 0; n < 5; n += 1) statuses.push((await attempt(`user${n}@example.com`)).status);
  expect(statuses.at(-1)).toBe(429);
  expect(statuses.filter((status) => status === 401).length).toBeGreaterThan(0);
});

test('sign-ups are rate-limited too', async () => {
  const app = await startTestFrontend({ authRateLimitPerIp: 2, authRateLimitPerEmail: 100 });
  try {
    const browser = new Browser(app.url);
    const token = csrfTokenOf((await browser.get('/signup')).body);
    const statuses: number[] = [];
    for (let n = 0; n < 3; n += 1) {
      statuses.push((await browser.post('/signup', { _csrf: token, email: `new${n}@example.com`, password: 'x' })).status);
    }
    expect(statuses).toEqual([422, 422, 429]);
  } finally {
    await app.stop();
  }
});
