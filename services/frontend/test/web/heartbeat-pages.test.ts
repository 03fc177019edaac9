import { Browser, checkIdFrom, startTestFrontend, type TestFrontend } from './harness.js';

/** The heartbeat-check form and page over real HTTP, a real session and real Postgres. */

let frontend: TestFrontend;
let browser: Browser;
beforeAll(async () => {
  frontend = await startTestFrontend();
  browser = new Browser(frontend.url);
  await browser.signUp('jobs@example.com');
});
afterAll(async () => {
  await frontend.stop();
});

const fields = (overrides: Record<string, string> = {}) => ({
  name: 'Nightly backup',
  schedule: 'period',
  periodSeconds: '86400',
  cron: '0 2 * * *',
  timezone: 'UTC',
  graceSeconds: '3600',
  ...overrides,
});

test('the new-check form offers the kinds; a heartbeat check is created and its page shows the ping URLs', async () => {
  const httpForm = await browser.get('/checks/new');
  // One kind picker, three kinds, on both forms.
  const picker = /<nav class="segmented check-kind" aria-label="Kind of check">([\s\S]*?)<\/nav>/;
  const kindsOf = (body: string) => [...(picker.exec(body)?.[1] ?? '').matchAll(/<a href="([^"]+)"( aria-current="page")?>([^<]+)<\/a>/g)].map((m) => [m[1], m[3], Boolean(m[2])]);
  const links = (current: string) => [['/checks/new', 'HTTP', current === 'http'], ['/checks/new?kind=tcp', 'TCP port', current === 'tcp'], ['/heartbeats/new', 'Heartbeat', current === 'heartbeat']];
  expect(kindsOf(httpForm.body)).toEqual(links('http'));
  expect(kindsOf((await browser.get('/checks/new?kind=tcp')).body)).toEqual(links('tcp'));
  expect(kindsOf((await browser.get('/heartbeats/new')).body)).toEqual(links('heartbeat'));
  const created = await browser.submit('/heartbeats/new', '/heartbeats', fields());
  expect(created.status).toBe(303);
  const id = checkIdFrom(created.location);
  const { rows } = await frontend.db.pool.query(`SELECT ping_key FROM heartbeats WHERE check_id = $1`, [id]);
  const pingUrl = `${frontend.url}/ping/${rows[0].ping_key}`;

  const page = await browser.get(`/checks/${id}`);
  expect(page.status).toBe(200);
  expect(page.body).toContain(`<code id="ping-url">${pingUrl}</code>`);
  expect(page.body).toContain(`${pingUrl}/start`);
  expect(page.body).toContain(`curl -fsS -m 10 --retry 5 -o /dev/null ${pingUrl}`);
  expect(page.body).toContain('No pings yet');

  expect((await fetch(`${pingUrl}/start`)).status).toBe(200);
  expect((await fetch(pingUrl, { method: 'POST', body: 'copied 42 files' })).status).toBe(200);
  const deadline = Date.now() + 10_000;
  let after = await browser.get(`/checks/${id}`);
  // The run time and the ping are written together; the page reads the check before its pings.
  while (!/id="job-duration">\d+ ms</.test(after.body) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    after = await browser.get(`/checks/${id}`);
  }
  expect(after.body).toContain('copied 42 files');
  expect(after.body).not.toContain('No pings yet');

  // The dashboard lists it like any check.
  const dashboard = (await browser.get('/dashboard')).body;
  expect(dashboard).toContain('Nightly backup');
  // Its target reads as its schedule, not an empty URL.
  expect(dashboard).toMatch(/Nightly backup<\/a><span class="check-url">heartbeat, every [^<]+<\/span>/);
});

test('a bad cron expression is shown beside its field and the form keeps what was typed', async () => {
  const refused = await browser.submit('/heartbeats/new', '/heartbeats', fields({ schedule: 'cron', cron: '0 25 * * *', timezone: 'Europe/Paris' }));
  expect(refused.status).toBe(422);
  expect(refused.body).toMatch(/<p class="field-error" id="cron-error">is not a valid cron expression/);
  expect(refused.body).toContain('value="0 25 * * *"');
  const zone = await browser.submit('/heartbeats/new', '/heartbeats', fields({ schedule: 'cron', timezone: 'Nowhere/City' }));
  expect(zone.body).toMatch(/id="timezone-error">is not a known IANA time zone/);
  const period = await browser.submit('/heartbeats/new', '/heartbeats', fields({ periodSeconds: 'daily' }));
  expect(period.body).toMatch(/id="periodSeconds-error">must be a whole number/);
});

test('editing switches the schedule to cron; an HTTP check keeps its own pages', async () => {
  const created = await browser.submit('/heartbeats/new', '/heartbeats', fields({ name: 'Reports' }));
  const id = checkIdFrom(created.location);
  const edit = await browser.get(`/checks/${id}/edit`);
  expect(edit.body).toContain(`action="/heartbeats/${id}"`);
  const saved = await browser.submit(`/checks/${id}/edit`, `/heartbeats/${id}`, fields({ name: 'Reports', schedule: 'cron', cron: '30 6 * * 1-5', timezone: 'America/New_York' }));
  expect(saved.status).toBe(303);
  const page = await browser.get(`/checks/${id}`);
  expect(page.body).toContain('30 6 * * 1-5 (America/New_York)');

  const other = await browser.get('/checks/00000000-0000-4000-8000-000000000000');
  expect(other.status).toBe(404);
});

test('a heartbeat check page shows its current maintenance window, as a probed check page does', async () => {
  const created = await browser.submit('/heartbeats/new', '/heartbeats', fields({ name: 'Backups in maintenance' }));
  const id = checkIdFrom(created.location);
  await frontend.db.pool.query(
    `INSERT INTO maintenance_windows (account_id, title, all_checks, recurrence, starts_at, ends_at)
     SELECT account_id, 'storage move', true, 'once', now() - interval '1 hour', now() + interval '1 hour' FROM checks WHERE id = $1`,
    [id],
  );
  const page = await browser.get(`/checks/${id}`);
  expect(page.body).toMatch(/data-maintenance="current">[\s\S]*<strong>storage move<\/strong>/);
  expect(page.body).toContain(`href="/maintenance/new?checkId=${id}"`);
});
