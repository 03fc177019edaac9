import { Browser, csrfTokenOf, startTestFrontend, type TestFrontend } from './harness.js';
import { inviteAndAccept } from './team-helpers.js';

let frontend: TestFrontend;
let owner: Browser;

beforeAll(async () => {
  frontend = await startTestFrontend();
  owner = new Browser(frontend.url);
  await owner.signUp('lead@example.com');
});
afterAll(async () => {
  await frontend.stop();
});

async function invite(email: string, role = 'member'): Promise<string> {
  await owner.submit('/team', '/team/invitations', { email, role });
  const link = /id="invitation-link"[^>]*value="([^"]+)"/.exec((await owner.get('/team')).body)![1]!;
  const url = new URL(link);
  return `${url.pathname}${url.search}`;
}

const tokenOf = (path: string) => new URL(path, 'http://x').searchParams.get('token') ?? '';

async function accept(path: string, browser = new Browser(frontend.url)) {
  const page = await browser.get(path);
  if (page.status !== 200) return page;
  return browser.post('/invitations/accept', { _csrf: csrfTokenOf(page.body), token: tokenOf(path), password: 'a fine password', confirmPassword: 'a fine password' });
}

test('the link is shown once, stored only as a hash, and works once', async () => {
  const path = await invite('once@example.com');
  expect(path).toMatch(/^\/invitations\/accept\?token=[A-Za-z0-9_-]{43}$/);
  const token = tokenOf(path);
  expect((await owner.get('/team')).body).not.toContain(token);
  const stored = await frontend.db.pool.query(`SELECT encode(token_hash, 'hex') AS hash FROM invitations`);
  expect(JSON.stringify(stored.rows)).not.toContain(token);
  expect((await accept(path)).status).toBe(303);
  const again = await accept(path);
  expect(again.status).toBe(404);
  expect(again.body).toContain('expired, revoked or already used');
});

test('expired and revoked invitations do not work; bad input is a 422 naming the field', async () => {
  const expired = await invite('late@example.com');
  await frontend.db.pool.query(`UPDATE invitations SET expires_at = now() - interval '1 second' WHERE email = 'late@example.com'`);
  expect((await accept(expired)).status).toBe(404);

  const revoked = await invite('revoked@example.com');
  const id = (await frontend.db.pool.query(`SELECT id FROM invitations WHERE email = 'revoked@example.com'`)).rows[0].id;
  expect((await owner.submit('/team', `/team/invitations/${id}/revoke`, {})).status).toBe(303);
  expect((await accept(revoked)).status).toBe(404);

  const badRole = await owner.submit('/team', '/team/invitations', { email: 'x@example.com', role: 'admin' });
  expect(badRole.status).toBe(422);
  expect(badRole.body).toContain('must be owner, member or read_only');
  const badEmail = await owner.submit('/team', '/team/invitations', { email: 'not an email', role: 'member' });
  expect(badEmail.status).toBe(422);
  expect(badEmail.body).toMatch(/id="invite-email-error">is not a valid email address/);
  expect((await accept('/invitations/accept?token=not-a-token')).status).toBe(404);
  expect((await accept('/invitations/accept')).status).toBe(404);
});

test('a weak password is refused beside its field; an email that already has an account gets a 409', async () => {
  const path = await invite('weak@example.com');
  const browser = new Browser(frontend.url);
  const page = await browser.get(path);
  const weak = await browser.post('/invitations/accept', { _csrf: csrfTokenOf(page.body), token: tokenOf(path), password: 'short', confirmPassword: 'short' });
  expect(weak.status).toBe(422);
  expect(weak.body).toContain('must be at least 10 characters');

  const taken = await invite('lead@example.com');
  const response = await accept(taken);
  expect(response.status).toBe(409);
  expect(response.body).toContain('belongs to one account');
});

test('an owner can hand over ownership: promote a member, then step down', async () => {
  const second = await inviteAndAccept(frontend, owner, 'heir@example.com', 'member');
  const ids = await frontend.db.pool.query(`SELECT id, email FROM users WHERE email IN ('lead@example.com', 'heir@example.com')`);
  const idOf = (email: string) => ids.rows.find((row) => row.email === email)!.id;
  expect((await owner.submit('/team', `/team/members/${idOf('heir@example.com')}/role`, { role: 'owner' })).status).toBe(303);
  expect((await owner.submit('/team', `/team/members/${idOf('lead@example.com')}/role`, { role: 'member' })).status).toBe(303);
  expect((await owner.get('/team')).status).toBe(403);
  expect((await second.get('/team')).status).toBe(200);
  // The new sole owner cannot step down in turn.
  expect((await second.submit('/team', `/team/members/${idOf('heir@example.com')}/role`, { role: 'read_only' })).status).toBe(409);
});

describe('invitation emails', () => {
  // An account of its own: the tests above hand this file's first owner's ownership over.
  let lead: Browser;
  beforeAll(async () => {
    lead = new Browser(frontend.url);
    await lead.signUp('mailer@example.com');
  });

  async function queuedEmail(email: string) {
    const { rows } = await frontend.db.pool.query(
      `SELECT e.subject, e.body, e.status, e.last_error FROM invitation_emails e JOIN invitations i ON i.id = e.invitation_id WHERE i.email = $1`,
      [email],
    );
    return rows;
  }

  test('with email delivery, the invitation is queued for the worker with the link; revoking gives the unsent email up', async () => {
    await lead.submit('/team', '/team/invitations', { email: 'mailed@example.com', role: 'read_only' });
    const page = (await lead.get('/team')).body;
    expect(page).toContain('created and being emailed to them');
    const link = /id="invitation-link"[^>]*value="([^"]+)"/.exec(page)![1]!;
    expect(link).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/invitations\/accept\?token=[A-Za-z0-9_-]{43}$/);
    const [queued] = await queuedEmail('mailed@example.com');
    expect(queued).toMatchObject({ status: 'pending', subject: expect.stringMatching(/^You are invited to .+ on Pingdummy$/) });
    expect(queued.body).toContain(link);
    expect(queued.body).toContain('mailer@example.com invited you');
    expect(queued.body).toContain('as Read-only');

    const id = (await frontend.db.pool.query(`SELECT id FROM invitations WHERE email = 'mailed@example.com'`)).rows[0].id;
    expect((await lead.submit('/team', `/team/invitations/${id}/revoke`, {})).status).toBe(303);
    expect(await queuedEmail('mailed@example.com')).toEqual([{ subject: queued.subject, body: null, status: 'failed', last_error: 'invitation revoked' }]);
  });

  test('without email delivery nothing is queued, and the owner is told to send the link', async () => {
    const unmailed = await startTestFrontend({ emailDeliveryConfigured: false });
    try {
      const solo = new Browser(unmailed.url);
      await solo.signUp('solo@example.com');
      await solo.submit('/team', '/team/invitations', { email: 'friend@example.com', role: 'member' });
      expect((await solo.get('/team')).body).toContain('Email delivery is not configured, so no email was sent');
      expect((await unmailed.db.pool.query(`SELECT count(*)::int AS n FROM invitation_emails`)).rows[0].n).toBe(0);
    } finally {
      await unmailed.stop();
    }
  });
});
