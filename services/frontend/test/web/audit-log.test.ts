import { createApiToken } from '../../src/data/tokens.js';
import { Browser, checkFormFields, csrfTokenOf, startTestFrontend, type TestFrontend } from './harness.js';
import { inviteAndAccept, userIdOf } from './team-helpers.js';

let frontend: TestFrontend;
let owner: Browser;
let accountId: string;

beforeAll(async () => {
  frontend = await startTestFrontend();
  owner = new Browser(frontend.url);
  await owner.signUp('boss@example.com');
  accountId = (await frontend.db.pool.query(`SELECT account_id FROM users`)).rows[0].account_id;
});
afterAll(async () => {
  await frontend.stop();
});

async function entries(): Promise<{ actor_label: string; action: string; target_type: string; target_name: string | null; changes: Record<string, unknown>; actor_token_id: string | null }[]> {
  const { rows } = await frontend.db.pool.query(
    `SELECT actor_label, action, target_type, target_name, changes, actor_token_id FROM audit_log WHERE account_id = $1 ORDER BY id`,
    [accountId],
  );
  return rows;
}

test('changes through the web are logged with who, what and a before/after summary without secrets', async () => {
  const created = await owner.submit('/checks/new', '/checks', checkFormFields({ name: 'API', url: 'https://api.example.com/', headers: 'Authorization: Bearer s3cret-header' }));
  const checkId = /\/checks\/([0-9a-f-]{36})/.exec(created.location ?? '')![1]!;
  await owner.submit(`/checks/${checkId}/edit`, `/checks/${checkId}`, checkFormFields({ name: 'API v2', url: 'https://api.example.com/', headers: 'Authorization: Bearer other-secret' }));
  await owner.submit('/channels/new', '/channels', { name: 'Slack', kind: 'webhook', target: 'https://hooks.example.com/T000/secret-path' });
  await owner.submit('/settings', '/settings/status-page', { enabled: 'on', title: 'Acme status', slug: 'acme' });
  await owner.submit('/settings', '/settings/tokens', { name: 'deploy' });

  const log = await entries();
  expect(log.map((entry) => [entry.actor_label, entry.target_type, entry.action, entry.target_name])).toEqual([
    ['boss@example.com', 'check', 'created', 'API'],
    ['boss@example.com', 'check', 'changed', 'API v2'],
    ['boss@example.com', 'channel', 'created', 'Slack'],
    ['boss@example.com', 'settings', 'changed', 'Status'],
    ['boss@example.com', 'token', 'created', 'deploy'],
  ]);
  // A check created without headers says nothing about them; one with headers says only that they are set.
  expect(log[0]!.changes).toMatchObject({ name: { after: 'API' }, headers: { after: '(changed)' } });
  expect(log[1]!.changes).toEqual({ name: { before: 'API', after: 'API v2' }, headers: { before: '(set)', after: '(changed)' } });
  expect(log[3]!.changes).toMatchObject({ slug: { after: 'acme' }, status_page_enabled: { before: false, after: true }, status_page_title: { after: 'Acme status' } });
  const everything = JSON.stringify(log);
  for (const secret of ['s3cret-header', 'other-secret', 'secret-path', 'token_hash']) expect(everything).not.toContain(secret);
});

test('the worker’s own updates (no actor) are not logged; a failed change logs nothing', async () => {
  const before = (await entries()).length;
  await frontend.db.pool.query(`UPDATE checks SET state = 'down', last_probed_at = now() WHERE account_id = $1`, [accountId]);
  const invalid = await owner.submit('/checks/new', '/checks', checkFormFields({ name: '' }));
  expect(invalid.status).toBe(422);
  expect((await entries()).length).toBe(before);
});

test('API changes name the token; members and invitations are logged', async () => {
  const token = (await createApiToken(frontend.db.pool, accountId, await userIdOf(frontend, 'boss@example.com'), 'terraform')).token;
  const response = await fetch(`${frontend.url}/api/v1/checks`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'From API', url: 'https://example.com/' }),
  });
  expect(response.status).toBe(201);
  const member = await inviteAndAccept(frontend, owner, 'helper@example.com', 'member');
  await member.submit('/channels/new', '/channels', { name: 'Mail', kind: 'email', target: 'ops@example.com' });
  const memberId = await userIdOf(frontend, 'helper@example.com');
  await owner.submit('/team', `/team/members/${memberId}/role`, { role: 'read_only' });

  const log = (await entries()).slice(-6);
  expect(log.map((entry) => [entry.actor_label, entry.target_type, entry.action, entry.target_name])).toEqual([
    ['token “terraform” of boss@example.com', 'check', 'created', 'From API'],
    ['boss@example.com', 'invitation', 'created', 'helper@example.com'],
    ['helper@example.com (accepted an invitation)', 'invitation', 'changed', 'helper@example.com'],
    ['helper@example.com (accepted an invitation)', 'member', 'created', 'helper@example.com'],
    ['helper@example.com', 'channel', 'created', 'Mail'],
    ['boss@example.com', 'member', 'changed', 'helper@example.com'],
  ]);
  expect(log[0]!.actor_token_id).not.toBeNull();
  expect(log[0]!.changes).not.toHaveProperty('headers');
  expect(log[5]!.changes).toEqual({ role: { before: 'member', after: 'read_only' } });
  expect(JSON.stringify(log)).not.toContain('password_hash');
});

test('owners read the log on a paginated page and through the API; others get 403', async () => {
  for (let i = 0; i < 55; i += 1) {
    await frontend.db.pool.query(
      `INSERT INTO audit_log (account_id, actor_label, action, target_type, target_id, target_name) VALUES ($1, 'seed@example.com', 'changed', 'check', 'x', $2)`,
      [accountId, `seeded ${i}`],
    );
  }
  const total = (await entries()).length;
  const first = await owner.get('/audit');
  expect(first.status).toBe(200);
  expect(first.body).toContain('seeded 54');
  expect(first.body).toContain(`Page 1 of ${Math.ceil(total / 50)}`);
  const second = await owner.get('/audit?page=2');
  expect(second.body).toContain('boss@example.com');
  expect(second.body).not.toContain('seeded 54');
  expect((await owner.get('/audit?page=abc')).status).toBe(400);

  const token = (await createApiToken(frontend.db.pool, accountId, await userIdOf(frontend, 'boss@example.com'), 'reader')).token;
  const api = await fetch(`${frontend.url}/api/v1/audit-log?pageSize=10&page=1`, { headers: { authorization: `Bearer ${token}` } });
  expect(api.status).toBe(200);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const body: any = await api.json();
  expect(body).toMatchObject({ page: 1, pageSize: 10, total });
  expect(body.entries).toHaveLength(10);
  expect(body.entries[0]).toMatchObject({ actor: { label: 'seed@example.com' }, targetName: 'seeded 54', action: 'changed' });
  const bad = await fetch(`${frontend.url}/api/v1/audit-log?pageSize=1000`, { headers: { authorization: `Bearer ${token}` } });
  expect(bad.status).toBe(400);
  expect(((await bad.json()) as { fields: Record<string, string> }).fields.pageSize).toMatch(/pageSize must be a single whole number/);

  const readerId = await userIdOf(frontend, 'helper@example.com');
  const readerToken = (await createApiToken(frontend.db.pool, accountId, readerId, 'ro')).token;
  expect((await fetch(`${frontend.url}/api/v1/audit-log`, { headers: { authorization: `Bearer ${readerToken}` } })).status).toBe(403);
  const stranger = new Browser(frontend.url);
  await stranger.signUp('stranger@example.com');
  const strangerPage = await stranger.get('/audit');
  expect(strangerPage.body).not.toContain('boss@example.com');
  void csrfTokenOf;
});
