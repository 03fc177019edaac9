import { TOTP, Secret } from 'otpauth';
import { Browser, csrfTokenOf, startTestFrontend, type TestFrontend } from './harness.js';

let frontend: TestFrontend;
const PASSWORD = 'correct horse battery';

/** The code an authenticator app shows now (or for another time step). */
const codeFor = (secret: string, timestamp = Date.now()) =>
  new TOTP({ algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(secret) }).generate({ timestamp });

async function enrol(browser: Browser): Promise<{ secret: string; recoveryCodes: string[] }> {
  const page = await browser.get('/settings/two-factor');
  expect(page.status).toBe(200);
  expect(page.body).toMatch(/<img class="qr-code" src="data:image\/svg\+xml;base64,/);
  const secret = /id="totp-secret"[^>]*>([A-Z2-7]+)</.exec(page.body)![1]!;
  const confirmed = await browser.post('/settings/two-factor/confirm', { _csrf: csrfTokenOf(page.body), code: codeFor(secret) });
  expect([confirmed.status, confirmed.location]).toEqual([303, '/settings/two-factor/recovery-codes']);
  const shown = await browser.get('/settings/two-factor/recovery-codes');
  const recoveryCodes = [...shown.body.matchAll(/<li><code>([a-z0-9-]+)<\/code><\/li>/g)].map((match) => match[1]!);
  // Shown once: the next visit goes back to the settings.
  expect((await browser.get('/settings/two-factor/recovery-codes')).status).toBe(303);
  return { secret, recoveryCodes };
}

async function passwordStep(browser: Browser, email: string) {
  return browser.submit('/login', '/login', { email, password: PASSWORD });
}

beforeAll(async () => {
  frontend = await startTestFrontend({ authRateLimitPerEmailAndIp: 5 });
});
afterAll(async () => {
  await frontend.stop();
});

test('enrolment: a wrong code leaves 2FA off; the right one turns it on with 10 hashed single-use recovery codes', async () => {
  const browser = new Browser(frontend.url);
  await browser.signUp('enrol@example.com');
  const page = await browser.get('/settings/two-factor');
  const wrong = await browser.post('/settings/two-factor/confirm', { _csrf: csrfTokenOf(page.body), code: '000000' });
  expect(wrong.status).toBe(422);
  const { secret, recoveryCodes } = await enrol(browser);
  expect(recoveryCodes).toHaveLength(10);
  expect(new Set(recoveryCodes).size).toBe(10);
  const settings = await browser.get('/settings');
  expect(settings.status).toBe(200);
  expect(settings.body).toContain('On. 10 unused recovery codes left.');
  const { rows } = await frontend.db.pool.query(
    `SELECT u.totp_secret, u.totp_enabled_at IS NOT NULL AS enabled, r.code_hash FROM users u JOIN recovery_codes r ON r.user_id = u.id WHERE u.email = 'enrol@example.com'`,
  );
  expect(rows).toHaveLength(10);
  expect(rows[0].enabled).toBe(true);
  expect(rows[0].totp_secret).toBe(secret);
  // Only hashes are stored.
  const stored = rows.map((row) => row.code_hash.toString('hex')).join(' ');
  for (const code of recoveryCodes) expect(stored).not.toContain(Buffer.from(code).toString('hex'));
});

test('sign-in asks for the code; the half-signed-in session reaches nothing else; a code works once', async () => {
  const browser = new Browser(frontend.url);
  await browser.signUp('signin@example.com');
  const { secret } = await enrol(browser);
  await browser.post('/logout', { _csrf: csrfTokenOf((await browser.get('/dashboard')).body) });

  const step = await passwordStep(browser, 'signin@example.com');
  expect([step.status, step.location]).toEqual([303, '/login/code']);
  for (const path of ['/dashboard', '/settings', '/checks/new', '/team']) {
    expect([path, (await browser.get(path)).location]).toEqual([path, '/login']);
  }
  const api = await browser.get('/dashboard.json');
  expect(api.status).toBe(401);
  const codePage = await browser.get('/login/code');
  expect(codePage.status).toBe(200);
  const wrong = await browser.post('/login/code', { _csrf: csrfTokenOf(codePage.body), code: '123456' === codeFor(secret) ? '654321' : '123456' });
  expect(wrong.status).toBe(401);
  // The next step's code: the current step was used to confirm the enrolment, and a used step never works again.
  const code = codeFor(secret, Date.now() + 30_000);
  const signedIn = await browser.post('/login/code', { _csrf: csrfTokenOf(codePage.body), code });
  expect([signedIn.status, signedIn.location]).toEqual([303, '/dashboard']);
  expect((await browser.get('/dashboard')).status).toBe(200);

  // The same code again (a replay) is refused.
  const other = new Browser(frontend.url);
  await passwordStep(other, 'signin@example.com');
  const replay = await other.post('/login/code', { _csrf: csrfTokenOf((await other.get('/login/code')).body), code });
  expect(replay.status).toBe(401);
});

test('a recovery code signs in once', async () => {
  const browser = new Browser(frontend.url);
  await browser.signUp('recover@example.com');
  const { recoveryCodes } = await enrol(browser);
  const signIn = async () => {
    const fresh = new Browser(frontend.url);
    await passwordStep(fresh, 'recover@example.com');
    return fresh.post('/login/code', { _csrf: csrfTokenOf((await fresh.get('/login/code')).body), code: recoveryCodes[3]!.toUpperCase() });
  };
  expect((await signIn()).status).toBe(303);
  expect((await signIn()).status).toBe(401);
});

test('code attempts are rate-limited per user like logins', async () => {
  const browser = new Browser(frontend.url);
  await browser.signUp('guess@example.com');
  const { secret } = await enrol(browser);
  const attacker = new Browser(frontend.url);
  await passwordStep(attacker, 'guess@example.com');
  const token = csrfTokenOf((await attacker.get('/login/code')).body);
  const statuses: number[] = [];
  for (let i = 0; i < 6; i += 1) statuses.push((await attacker.post('/login/code', { _csrf: token, code: String(100000 + i) })).status);
  expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
  // Even the right code is refused now.
  expect((await attacker.post('/login/code', { _csrf: token, code: codeFor(secret) })).status).toBe(429);
});

test('turning 2FA off and new recovery codes need the password and a current code', async () => {
  const browser = new Browser(frontend.url);
  await browser.signUp('reauth@example.com');
  const { secret, recoveryCodes } = await enrol(browser);
  const token = csrfTokenOf((await browser.get('/settings')).body);
  expect((await browser.post('/settings/two-factor/disable', { _csrf: token, password: 'wrong password!', code: codeFor(secret) })).status).toBe(401);
  expect((await browser.post('/settings/two-factor/disable', { _csrf: token, password: PASSWORD, code: '000000' })).status).toBe(401);
  const enabled = await frontend.db.pool.query(`SELECT totp_enabled_at IS NOT NULL AS on FROM users WHERE email = 'reauth@example.com'`);
  expect(enabled.rows[0].on).toBe(true);

  const regenerated = await browser.post('/settings/two-factor/recovery-codes', { _csrf: token, password: PASSWORD, code: codeFor(secret, Date.now() + 30_000) });
  expect(regenerated.location).toBe('/settings/two-factor/recovery-codes');
  const shown = await browser.get('/settings/two-factor/recovery-codes');
  const newCodes = [...shown.body.matchAll(/<li><code>([a-z0-9-]+)<\/code><\/li>/g)].map((match) => match[1]!);
  expect(newCodes).toHaveLength(10);
  expect(newCodes).not.toContain(recoveryCodes[0]);

  // Both accepted steps are used up: a new recovery code serves as the second factor.
  const disabled = await browser.post('/settings/two-factor/disable', { _csrf: token, password: PASSWORD, code: newCodes[0]! });
  expect([disabled.status, disabled.location]).toEqual([303, '/settings?notice=two-factor-off']);
  const off = await frontend.db.pool.query(
    `SELECT totp_secret, totp_enabled_at, (SELECT count(*)::int FROM recovery_codes r WHERE r.user_id = u.id) AS codes FROM users u WHERE email = 'reauth@example.com'`,
  );
  expect(off.rows[0]).toEqual({ totp_secret: null, totp_enabled_at: null, codes: 0 });
  expect((await passwordStep(new Browser(frontend.url), 'reauth@example.com')).location).toBe('/dashboard');
});
