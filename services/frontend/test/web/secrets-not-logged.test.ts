import { Writable } from 'node:stream';
import { createLogger, type RunningHttpService } from '@pingdummy/shared';
import { createTestDatabase, type TestDatabase } from '@pingdummy/shared/testing';
import { Secret, TOTP } from 'otpauth';
import { startFrontend } from '../../src/index.js';
import { resolveTestHost } from '../test-resolver.js';
import { Browser, csrfTokenOf } from './harness.js';

let db: TestDatabase;
let service: RunningHttpService;
let logged = '';

beforeAll(async () => {
  db = await createTestDatabase();
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logged += String(chunk);
      done();
    },
  });
  service = await startFrontend(
    {
      port: 0,
      databaseUrl: db.url,
      sessionSecret: 'test-session-secret-that-is-long-enough-123',
      checkLimitPerAccount: 50,
      cookieSecure: false,
      logLevel: 'debug',
      stopTimeoutMs: 1000,
      authRateLimitPerIp: 1000,
      authRateLimitPerEmailAndIp: 1000,
      authRateLimitPerEmail: 1000,
      trustProxyHops: 0,
      beaconAllowCidrs: [],
      emailDeliveryConfigured: true,
    },
    { handleSignals: false, logger: createLogger('frontend-test', 'debug', sink), resolveHost: resolveTestHost },
  );
});
afterAll(async () => {
  await service.stop();
  await db.drop();
});

test('the TOTP secret, codes, recovery codes and invitation tokens never reach the logs', async () => {
  const owner = new Browser(service.url);
  await owner.signUp('logs@example.com');
  const enrol = await owner.get('/settings/two-factor');
  const secret = /id="totp-secret"[^>]*>([A-Z2-7]+)</.exec(enrol.body)![1]!;
  const code = new TOTP({ secret: Secret.fromBase32(secret) }).generate();
  await owner.post('/settings/two-factor/confirm', { _csrf: csrfTokenOf(enrol.body), code });
  const recovery = [...(await owner.get('/settings/two-factor/recovery-codes')).body.matchAll(/<li><code>([a-z0-9-]+)<\/code>/g)].map((m) => m[1]!);
  await owner.post('/logout', { _csrf: csrfTokenOf((await owner.get('/dashboard')).body) });
  await owner.submit('/login', '/login', { email: 'logs@example.com', password: 'correct horse battery' });
  await owner.post('/login/code', { _csrf: csrfTokenOf((await owner.get('/login/code')).body), code: recovery[0]! });
  await owner.submit('/team', '/team/invitations', { email: 'new@example.com', role: 'member' });
  const link = /id="invitation-link"[^>]*value="([^"]+)"/.exec((await owner.get('/team')).body)![1]!;
  const token = new URL(link).searchParams.get('token')!;
  const invitee = new Browser(service.url);
  const page = await invitee.get(`/invitations/accept?token=${token}`);
  expect((await invitee.post('/invitations/accept', { _csrf: csrfTokenOf(page.body), token, password: 'a fine password', confirmPassword: 'a fine password' })).status).toBe(303);

  expect(logged).toContain('signed in with a second factor');
  expect(logged).toContain('"path":"/invitations/accept"');
  for (const secretText of [secret, code, ...recovery, token]) expect(logged).not.toContain(secretText);
});
