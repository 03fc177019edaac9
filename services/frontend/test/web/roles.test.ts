import type { Role } from '../../src/access/roles.js';
import { createApiToken } from '../../src/data/tokens.js';
import { Browser, checkFormFields, csrfTokenOf, startTestFrontend, type TestFrontend } from './harness.js';
import { inviteAndAccept, userIdOf } from './team-helpers.js';

let frontend: TestFrontend;
let accountId: string;
let checkId: string;
let channelId: string;
let heartbeatId: string;
let pingKey: string;
const browsers = {} as Record<Role, Browser>;
const tokens = {} as Record<Role, string>;
const ROLES: Role[] = ['owner', 'member', 'read_only'];

/** The heartbeat form's fields (a daily period). */
const heartbeatFields = { name: 'Nightly backup', schedule: 'period', periodSeconds: '86400', cron: '', timezone: 'UTC', graceSeconds: '3600' };

/** A check made for one request (deletions), in the shared account. */
async function freshCheckId(): Promise<string> {
  const { rows } = await frontend.db.pool.query(`INSERT INTO checks (account_id, name, url) VALUES ($1, 'Throwaway', 'https://example.com/') RETURNING id`, [accountId]);
  return rows[0].id;
}

beforeAll(async () => {
  frontend = await startTestFrontend();
  browsers.owner = new Browser(frontend.url);
  await browsers.owner.signUp('owner@example.com');
  browsers.member = await inviteAndAccept(frontend, browsers.owner, 'member@example.com', 'member');
  browsers.read_only = await inviteAndAccept(frontend, browsers.owner, 'reader@example.com', 'read_only');
  accountId = (await frontend.db.pool.query(`SELECT account_id FROM users WHERE email = 'owner@example.com'`)).rows[0].account_id;
  await browsers.owner.submit('/channels/new', '/channels', { name: 'Hook', kind: 'webhook', target: 'https://hooks.example.com/x' });
  channelId = (await frontend.db.pool.query(`SELECT id FROM notification_channels`)).rows[0].id;
  const created = await browsers.owner.submit('/checks/new', '/checks', checkFormFields({ name: 'Shop' }));
  checkId = /\/checks\/([0-9a-f-]{36})/.exec(created.location ?? '')![1]!;
  const heartbeat = await browsers.owner.submit('/heartbeats/new', '/heartbeats', heartbeatFields);
  heartbeatId = /\/checks\/([0-9a-f-]{36})/.exec(heartbeat.location ?? '')![1]!;
  pingKey = (await frontend.db.pool.query(`SELECT ping_key FROM heartbeats WHERE check_id = $1`, [heartbeatId])).rows[0].ping_key;
  for (const [role, email] of [['owner', 'owner@example.com'], ['member', 'member@example.com'], ['read_only', 'reader@example.com']] as const) {
    tokens[role] = (await createApiToken(frontend.db.pool, accountId, await userIdOf(frontend, email), `${role} token`)).token;
  }
});
afterAll(async () => {
  await frontend.stop();
});

test('invited people join the owner’s account with the invited role', async () => {
  const { rows } = await frontend.db.pool.query(`SELECT email, role, account_id FROM users ORDER BY created_at`);
  expect(rows).toEqual([
    { email: 'owner@example.com', role: 'owner', account_id: accountId },
    { email: 'member@example.com', role: 'member', account_id: accountId },
    { email: 'reader@example.com', role: 'read_only', account_id: accountId },
  ]);
});

type Expected = [owner: number, member: number, readOnly: number];
/** Web routes × roles: the status each role gets (303 = the action happened and redirected). */
const webTable: [method: 'GET' | 'POST', path: () => string | Promise<string>, fields: Record<string, string | string[]>, expected: Expected][] = [
  ['GET', () => '/dashboard', {}, [200, 200, 200]],
  ['GET', () => `/checks/${checkId}`, {}, [200, 200, 200]],
  ['GET', () => '/checks/new', {}, [200, 200, 403]],
  ['GET', () => `/checks/${checkId}/edit`, {}, [200, 200, 403]],
  ['POST', () => '/checks', checkFormFields({ name: 'New one' }), [303, 303, 403]],
  ['POST', () => `/checks/${checkId}`, checkFormFields({ name: 'Shop (edited)' }), [303, 303, 403]],
  ['POST', () => `/checks/${checkId}/pause`, {}, [303, 303, 403]],
  ['POST', freshCheckId, {}, [303, 303, 403]],
  ['GET', () => '/heartbeats/new', {}, [200, 200, 403]],
  ['POST', () => '/heartbeats', heartbeatFields, [303, 303, 403]],
  ['GET', () => `/checks/${heartbeatId}`, {}, [200, 200, 200]],
  ['GET', () => `/checks/${heartbeatId}/edit`, {}, [200, 200, 403]],
  ['POST', () => `/heartbeats/${heartbeatId}`, { ...heartbeatFields, graceSeconds: '600' }, [303, 303, 403]],
  ['GET', () => '/channels', {}, [200, 200, 200]],
  ['GET', () => '/channels/new', {}, [200, 200, 403]],
  ['POST', () => '/channels', { name: 'Another', kind: 'webhook', target: 'https://hooks.example.com/y' }, [303, 303, 403]],
  ['POST', () => `/channels/${channelId}/test`, {}, [303, 303, 403]],
  ['GET', () => '/settings', {}, [200, 200, 200]],
  ['GET', () => '/settings/two-factor', {}, [200, 200, 200]],
  ['POST', () => '/settings/status-page', { enabled: 'on', title: 'Ours', slug: 'ours' }, [303, 403, 403]],
  ['POST', () => '/settings/tokens', { name: 'ci' }, [303, 403, 403]],
  // Express matches routes case-insensitively and with a trailing slash: the guard must too.
  ['POST', () => '/Settings/Tokens/', { name: 'ci' }, [303, 403, 403]],
  // A person's own colour theme is self-service; a check's public badge is a change to the check.
  ['POST', () => '/settings/theme', { theme: 'dark', back: '/dashboard' }, [303, 303, 303]],
  ['POST', () => `/checks/${checkId}/badge`, { enabled: 'true' }, [303, 303, 403]],
  ['GET', () => '/team', {}, [200, 403, 403]],
  ['GET', () => '/audit', {}, [200, 403, 403]],
  ['POST', () => '/team/invitations', { email: 'new@example.com', role: 'member' }, [303, 403, 403]],
];

/** `POST /checks/${checkId}` for a row's test name. */
const nameOf = (method: string, pathOf: () => unknown) => `${method} ${pathOf === freshCheckId ? '/checks/:fresh/delete' : String(pathOf).replace(/^.*?=>\s*/s, '').split('\n')[0]}`;

test.each(webTable.map((row) => ({ name: nameOf(row[0], row[1]), row })))('web $name', async ({ row: [method, pathOf, fields, expected] }) => {
  for (const [index, role] of ROLES.entries()) {
    let path = await pathOf();
    if (pathOf === freshCheckId) path = `/checks/${path}/delete`;
    const browser = browsers[role];
    const response = method === 'GET' ? await browser.get(path) : await browser.post(path, { _csrf: csrfTokenOf((await browser.get('/dashboard')).body), ...fields });
    expect([role, path, response.status]).toEqual([role, path, expected[index]]);
    if (response.status === 403) expect(response.body).toContain('cannot do this');
  }
});

/** API routes × roles, each token acting with its user's role. */
const apiTable: [method: string, path: () => string | Promise<string>, body: unknown, expected: Expected][] = [
  ['GET', () => '/checks', undefined, [200, 200, 200]],
  ['GET', () => `/checks/${checkId}`, undefined, [200, 200, 200]],
  ['GET', () => '/incidents', undefined, [200, 200, 200]],
  ['GET', () => `/heartbeat-checks/${heartbeatId}`, undefined, [200, 200, 200]],
  ['POST', () => '/heartbeat-checks', { name: 'Via API', periodSeconds: 3600 }, [201, 201, 403]],
  ['PATCH', () => `/heartbeat-checks/${heartbeatId}`, { graceSeconds: 900 }, [200, 200, 403]],
  ['POST', () => '/checks', { name: 'Via API', url: 'https://example.com/' }, [201, 201, 403]],
  ['PATCH', () => `/checks/${checkId}`, { name: 'Patched' }, [200, 200, 403]],
  ['POST', () => `/checks/${checkId}/resume`, undefined, [200, 200, 403]],
  ['DELETE', async () => `/checks/${await freshCheckId()}`, undefined, [204, 204, 403]],
  ['POST', () => '/not-a-route-yet', {}, [404, 404, 403]],
  ['GET', () => `/checks/${checkId}/badge`, undefined, [200, 200, 200]],
  ['PATCH', () => `/checks/${checkId}/badge`, { enabled: true }, [200, 200, 403]],
  ['GET', () => '/audit-log', undefined, [200, 403, 403]],
];

test.each(apiTable.map((row) => ({ name: nameOf(row[0], row[1]), row })))('api $name', async ({ row: [method, pathOf, body, expected] }) => {
  for (const [index, role] of ROLES.entries()) {
    const path = await pathOf();
    const response = await fetch(`${frontend.url}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${tokens[role]}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    expect([role, method, path, response.status]).toEqual([role, method, path, expected[index]]);
    if (response.status === 403) expect(((await response.json()) as { error: string }).error).toMatch(/cannot do this/);
  }
});

test('/ping stays public: no session, no CSRF token, no role; its secret key is its authentication', async () => {
  for (const [method, path] of [['GET', `/ping/${pingKey}`], ['POST', `/ping/${pingKey}/start`], ['POST', `/ping/${pingKey}`], ['HEAD', `/ping/${pingKey}`]]) {
    const response = await fetch(`${frontend.url}${path}`, { method, ...(method === 'POST' ? { body: 'done' } : {}) });
    expect([method, path, response.status]).toEqual([method, path, 200]);
  }
  // A read-only person's cookies change nothing either: the ping router comes before sessions and the role guard.
  const cookie = [...browsers.read_only.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  const withSession = await fetch(`${frontend.url}/ping/${pingKey}/fail`, { method: 'POST', headers: { cookie } });
  expect(withSession.status).toBe(200);
  expect((await fetch(`${frontend.url}/ping/00000000-0000-4000-8000-000000000000`, { method: 'POST' })).status).toBe(404);
});

test('/badge stays public: no session, no CSRF token, no role; a read-only person’s cookies change nothing', async () => {
  await browsers.owner.submit(`/checks/${checkId}`, `/checks/${checkId}/badge`, { enabled: 'true' });
  const { rows } = await frontend.db.pool.query(`SELECT badge_token FROM checks WHERE id = $1`, [checkId]);
  const badgePath = `/badge/${rows[0].badge_token}.svg`;
  const anonymous = await fetch(`${frontend.url}${badgePath}`);
  expect([anonymous.status, anonymous.headers.get('content-type'), anonymous.headers.get('set-cookie')]).toEqual([200, 'image/svg+xml; charset=utf-8', null]);
  const cookie = [...browsers.read_only.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  expect((await fetch(`${frontend.url}${badgePath}`, { headers: { cookie } })).status).toBe(200);
  // The check page offers the on/off button only to those allowed to press it.
  expect((await browsers.member.get(`/checks/${checkId}`)).body).toContain('Turn badge off');
  expect((await browsers.read_only.get(`/checks/${checkId}`)).body).not.toContain('Turn badge');
});

test('an API token follows its user’s current role', async () => {
  const memberId = await userIdOf(frontend, 'member@example.com');
  const write = () =>
    fetch(`${frontend.url}/api/v1/checks/${checkId}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${tokens.member}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'By the member' }),
    });
  expect((await write()).status).toBe(200);
  expect((await browsers.owner.submit('/team', `/team/members/${memberId}/role`, { role: 'read_only' })).status).toBe(303);
  expect((await write()).status).toBe(403);
  expect((await browsers.member.get('/checks/new')).status).toBe(403);
  expect((await browsers.owner.submit('/team', `/team/members/${memberId}/role`, { role: 'member' })).status).toBe(303);
  expect((await write()).status).toBe(200);
});

test('the last owner can be neither demoted nor removed, and a member cannot remove anyone', async () => {
  const ownerId = await userIdOf(frontend, 'owner@example.com');
  const demote = await browsers.owner.submit('/team', `/team/members/${ownerId}/role`, { role: 'member' });
  expect(demote.status).toBe(409);
  expect(demote.body).toContain('at least one owner');
  expect((await browsers.owner.submit('/team', `/team/members/${ownerId}/remove`, {})).status).toBe(409);
  expect((await frontend.db.pool.query(`SELECT role FROM users WHERE id = $1`, [ownerId])).rows[0].role).toBe('owner');
  // A member cannot promote themselves.
  const readerId = await userIdOf(frontend, 'reader@example.com');
  expect((await browsers.member.post(`/team/members/${readerId}/remove`, { _csrf: csrfTokenOf((await browsers.member.get('/dashboard')).body) })).status).toBe(403);
  expect((await frontend.db.pool.query(`SELECT count(*)::int AS n FROM users`)).rows[0].n).toBe(3);
});

test('a removed member is signed out at once and their tokens stop working', async () => {
  const readerId = await userIdOf(frontend, 'reader@example.com');
  expect((await browsers.owner.submit('/team', `/team/members/${readerId}/remove`, {})).status).toBe(303);
  expect((await browsers.read_only.get('/dashboard')).status).toBe(303);
  const api = await fetch(`${frontend.url}/api/v1/checks`, { headers: { authorization: `Bearer ${tokens.read_only}` } });
  expect(api.status).toBe(401);
});

test('another account can neither see nor change this team', async () => {
  const intruder = new Browser(frontend.url);
  await intruder.signUp('intruder@example.com');
  const memberId = await userIdOf(frontend, 'member@example.com');
  expect((await intruder.submit('/team', `/team/members/${memberId}/role`, { role: 'read_only' })).status).toBe(404);
  expect((await intruder.submit('/team', `/team/members/${memberId}/remove`, {})).status).toBe(404);
  expect((await intruder.get('/team')).body).not.toContain('member@example.com');
  expect((await frontend.db.pool.query(`SELECT role FROM users WHERE id = $1`, [memberId])).rows[0].role).toBe('member');
});
