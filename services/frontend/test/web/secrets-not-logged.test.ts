import { Writable } from 'node:stream';
import { createLogger } from '@pingdummy/shared';
import { Secret, TOTP } from 'otpauth';
import { Browser, csrfTokenOf, startTestFrontend, type TestFrontend } from './harness.js';

let frontend: TestFrontend;
let logged = '';

beforeAll(async () => {
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logged += String(chunk);
      done();
    },
  });
  frontend = await startTestFrontend({}, { logger: createLogger('frontend-test', 'debug', sink) });
});
afterAll(async () => {
  await frontend.stop();
});

test('the TOTP secret, codes, recovery codes and invitation tokens never reach the logs', async () => {
  const owner = new Browser(frontend.url);
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
  const invitee = new Browser(frontend.url);
  const page = await invitee.get(`/invitations/accept?token=${token}`);
  expect((await invitee.post('/invitations/accept', { _csrf: csrfTokenOf(page.body), token, password: 'a fine password', confirmPassword: 'a fine password' })).status).toBe(303);

  expect(logged).toContain('signed in with a second factor');
  expect(logged).toContain('"path":"/invitations/accept"');
  for (const secretText of [secret, code, ...recovery, token]) expect(logged).not.toContain(secretText);
});
