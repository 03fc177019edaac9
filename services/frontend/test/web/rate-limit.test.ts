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

/** One login from `ip` (sent as X-Forwarded-For, which only counts when a proxy hop is trusted). */
async function login(browser: Browser, email: string, password: string, ip: string) {
  const headers = { 'x-forwarded-for': ip };
  const token = csrfTokenOf((await browser.get('/login', headers)).body);
  return browser.post('/login', { _csrf: token, email, password }, headers);
}

describe('login limits slow attackers without locking the owner out', () => {
  let app: TestFrontend;
  const owner = 'owner@example.com';
  const password = 'correct horse battery';
  beforeAll(async () => {
    app = await startTestFrontend({ trustProxyHops: 1, authRateLimitPerIp: 100, authRateLimitPerEmailAndIp: 3, authRateLimitPerEmail: 6 });
    await new Browser(app.url).signUp(owner, password);
  });
  afterAll(async () => {
    await app.stop();
  });

  test('wrong passwords from one IP are limited there; the owner elsewhere still signs in', async () => {
    const attacker = new Browser(app.url);
    const statuses: number[] = [];
    for (let n = 0; n < 4; n += 1) statuses.push((await login(attacker, owner, `guess ${n}`, '203.0.113.7')).status);
    expect(statuses).toEqual([401, 401, 401, 429]);
    // Even the right password is refused from the attacker's address while the limit lasts.
    expect((await login(attacker, owner, password, '203.0.113.7')).status).toBe(429);
    // The same account from another address, in a browser that never signed in: not affected.
    expect((await login(new Browser(app.url), owner, password, '198.51.100.20')).location).toBe('/dashboard');
  });

  test('a distributed guess trips the per-account limit, which a known browser of the owner passes', async () => {
    // The owner signs in once from their laptop: that browser gets the known-device cookie.
    const laptop = new Browser(app.url);
    expect((await login(laptop, owner, password, '198.51.100.30')).location).toBe('/dashboard');
    expect([...laptop.cookies.keys()]).toContain('pd.known');
    await laptop.post('/logout', { _csrf: csrfTokenOf((await laptop.get('/dashboard')).body) });

    // Failures from many addresses: 3 from the first test, then more until the account's limit of 6 is hit.
    const statuses: number[] = [];
    for (let n = 0; n < 5; n += 1) statuses.push((await login(new Browser(app.url), owner, `guess ${n}`, `192.0.2.${n + 1}`)).status);
    expect(statuses.slice(0, 3)).toEqual([401, 401, 401]);
    expect(statuses.at(-1)).toBe(429);
    // A new browser at a new address is now slowed too, with the right password...
    expect((await login(new Browser(app.url), owner, password, '198.51.100.40')).status).toBe(429);
    // ...but the owner's laptop, from anywhere, still signs in while the attack goes on.
    expect((await login(laptop, owner, password, '198.51.100.50')).location).toBe('/dashboard');
    // A forged cookie does not pass.
    const forger = new Browser(app.url);
    forger.cookies.set('pd.known', 'A'.repeat(22));
    expect((await login(forger, owner, password, '198.51.100.60')).status).toBe(429);
  });
});

describe('client addresses behind proxies (TRUST_PROXY_HOPS)', () => {
  const rotatingLogins = async (app: TestFrontend) => {
    const browser = new Browser(app.url);
    const statuses: number[] = [];
    for (let n = 0; n < 4; n += 1) statuses.push((await login(browser, `user${n}@example.com`, 'wrong password', `203.0.113.${n + 1}`)).status);
    return statuses;
  };

  test('with no proxy trusted (the default), a forged X-Forwarded-For is ignored and the per-IP limit still hits', async () => {
    const app = await startTestFrontend({ authRateLimitPerIp: 3 });
    try {
      expect(await rotatingLogins(app)).toEqual([401, 401, 401, 429]);
    } finally {
      await app.stop();
    }
  });

  test('with one proxy hop trusted, its X-Forwarded-For entry is the client address', async () => {
    const app = await startTestFrontend({ authRateLimitPerIp: 3, trustProxyHops: 1 });
    try {
      expect(await rotatingLogins(app)).toEqual([401, 401, 401, 401]);
    } finally {
      await app.stop();
    }
  });
});
