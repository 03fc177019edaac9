import type { Role } from '../../src/access/roles.js';
import { Browser, csrfTokenOf, type TestFrontend } from './harness.js';

/** The owner invites `email` with `role` through /team; a new browser accepts the link. */
export async function inviteAndAccept(frontend: TestFrontend, owner: Browser, email: string, role: Role): Promise<Browser> {
  const created = await owner.submit('/team', '/team/invitations', { email, role });
  if (created.status !== 303) throw new Error(`invitation of ${email} gave ${created.status}: ${created.body.slice(0, 300)}`);
  const link = /id="invitation-link"[^>]*value="([^"]+)"/.exec((await owner.get('/team')).body)?.[1];
  if (!link) throw new Error('no invitation link shown');
  const invitee = new Browser(frontend.url);
  const url = new URL(link);
  const page = await invitee.get(`${url.pathname}${url.search}`);
  const accepted = await invitee.post(url.pathname, { _csrf: csrfTokenOf(page.body), token: url.searchParams.get('token')!, password: 'invited person pw', confirmPassword: 'invited person pw' });
  if (accepted.status !== 303) throw new Error(`accepting gave ${accepted.status}: ${accepted.body.slice(0, 300)}`);
  return invitee;
}

export async function userIdOf(frontend: TestFrontend, email: string): Promise<string> {
  return (await frontend.db.pool.query(`SELECT id FROM users WHERE email = $1`, [email])).rows[0].id;
}
