import { Browser, checkFormFields, startTestFrontend, type TestFrontend } from './harness.js';

let frontend: TestFrontend;
let owner: Browser;
let stranger: Browser;
let publicCheck: string;
let privateCheck: string;
const SLUG = 'maint-test-co';

/** The fields of a complete maintenance form, overridable per test. */
function windowFields(overrides: Record<string, string | string[]> = {}): Record<string, string | string[]> {
  const now = Date.now();
  return {
    title: 'Database upgrade',
    recurrence: 'once',
    startsAt: new Date(now - 3_600_000).toISOString().slice(0, 16),
    endsAt: new Date(now + 3_600_000).toISOString().slice(0, 16),
    startTime: '02:00',
    durationMinutes: '60',
    timeZone: 'UTC',
    checkIds: [publicCheck],
    ...overrides,
  };
}

async function createCheck(browser: Browser, name: string): Promise<string> {
  const response = await browser.submit('/checks/new', '/checks', checkFormFields({ name }));
  expect(response.status).toBe(303);
  return /\/checks\/([0-9a-f-]{36})/.exec(response.location!)![1]!;
}

beforeAll(async () => {
  frontend = await startTestFrontend();
  owner = new Browser(frontend.url);
  await owner.signUp('owner@example.com');
  stranger = new Browser(frontend.url);
  await stranger.signUp('stranger@example.com');
  publicCheck = await createCheck(owner, 'Public API');
  privateCheck = await createCheck(owner, 'Private admin');
  await frontend.db.pool.query(`UPDATE checks SET is_public = true WHERE id = $1`, [publicCheck]);
  await frontend.db.pool.query(
    `UPDATE accounts SET status_page_enabled = true, slug = $1 WHERE id = (SELECT account_id FROM checks WHERE id = $2)`,
    [SLUG, publicCheck],
  );
});
afterAll(async () => {
  await frontend.stop();
});

describe('maintenance windows', () => {
  test('an end before the start comes back with the message beside "Ends"; other bad fields too', async () => {
    const response = await owner.submit('/maintenance/new', '/maintenance', windowFields({ startsAt: '2026-12-01T04:00', endsAt: '2026-12-01T02:00' }));
    expect(response.status).toBe(422);
    expect(response.body).toMatch(/<p class="field-error" id="endsAt-error">must be after startsAt<\/p>/);
    expect(response.body).toContain('value="2026-12-01T04:00"'); // the form keeps what was typed

    const weekly = await owner.submit('/maintenance/new', '/maintenance', windowFields({ recurrence: 'weekly', startTime: '', timeZone: 'Nowhere/Land', checkIds: [] }));
    expect(weekly.status).toBe(422);
    expect(weekly.body).toContain('id="weekdays-error">must name at least one day');
    expect(weekly.body).toContain('id="startTime-error">is required for a weekly window');
    expect(weekly.body).toContain('id="timeZone-error">must be an IANA time zone');
    expect(weekly.body).toContain('id="checkIds-error">must name at least one check');

    // Another account's check id is refused, naming the field.
    const foreign = await stranger.submit('/maintenance/new', '/maintenance', windowFields());
    expect(foreign.status).toBe(422);
    expect(foreign.body).toContain('id="checkIds-error">names');
  });

  test('create, list, show on the check page and the status page, edit and delete', async () => {
    const created = await owner.submit('/maintenance/new', '/maintenance', windowFields({ title: 'DB <b>upgrade</b>' }));
    expect(created.status).toBe(303);
    expect(created.location).toBe('/maintenance?notice=maintenance-created');
    const list = await owner.get('/maintenance');
    expect(list.body).toContain('DB &lt;b&gt;upgrade&lt;/b&gt;');
    expect(list.body).toContain('In progress until');
    const windowId = /data-window-id="([0-9a-f-]{36})"/.exec(list.body)![1]!;

    const checkPage = await owner.get(`/checks/${publicCheck}`);
    expect(checkPage.body).toMatch(/data-maintenance="current">.*Maintenance<\/span> <strong>DB &lt;b&gt;upgrade&lt;\/b&gt;<\/strong>, until/);
    expect(checkPage.body).toContain('Uptime leaves out probes made during maintenance windows.');
    expect((await owner.get(`/checks/${privateCheck}`)).body).not.toContain('data-maintenance="current"');

    const status = await new Browser(frontend.url).get(`/status/${SLUG}`);
    expect(status.status).toBe(200);
    expect(status.body).toContain('data-maintenance="in-progress">Maintenance in progress');
    expect(status.body).toMatch(/<span class="state state-maintenance" data-state="maintenance">/); // the check's badge
    expect(status.body).toContain('DB &lt;b&gt;upgrade&lt;/b&gt;');
    expect(status.body).not.toContain('<b>upgrade</b>');
    expect(status.body).not.toContain(windowId);

    // Edit: a weekly window for all checks, every day starting in an hour: upcoming, on both checks.
    const nextHour = new Date(Math.ceil(Date.now() / 3_600_000) * 3_600_000 + 3_600_000).toISOString().slice(11, 16);
    const edited = await owner.submit(`/maintenance/${windowId}/edit`, `/maintenance/${windowId}`, windowFields({
      title: 'Nightly backup', recurrence: 'weekly', weekdays: ['1', '2', '3', '4', '5', '6', '7'], startTime: nextHour, durationMinutes: '30',
      allChecks: 'on', checkIds: [],
    }));
    expect(edited.status).toBe(303);
    const editForm = await owner.get(`/maintenance/${windowId}/edit`);
    expect(editForm.body).toContain(`value="${nextHour}"`);
    expect(editForm.body).toMatch(/name="allChecks" checked/);
    const upcoming = await owner.get(`/checks/${privateCheck}`);
    expect(upcoming.body).toMatch(/data-maintenance="upcoming">[\s\S]*Nightly backup/);
    expect((await new Browser(frontend.url).get(`/status/${SLUG}`)).body).toMatch(/Scheduled maintenance[\s\S]*Nightly backup/);

    // Another account can neither see, edit nor delete it.
    expect((await stranger.get(`/maintenance/${windowId}/edit`)).status).toBe(404);
    expect((await stranger.get('/maintenance')).body).not.toContain('Nightly backup');
    const strangerPage = await stranger.get('/maintenance');
    const strangerToken = /name="_csrf" value="([^"]+)"/.exec(strangerPage.body)![1]!;
    expect((await stranger.post(`/maintenance/${windowId}/delete`, { _csrf: strangerToken })).status).toBe(404);

    const listPage = await owner.get('/maintenance');
    const token = /name="_csrf" value="([^"]+)"/.exec(listPage.body)![1]!;
    const deleted = await owner.post(`/maintenance/${windowId}/delete`, { _csrf: token });
    expect(deleted.location).toBe('/maintenance?notice=maintenance-deleted');
    expect((await owner.get('/maintenance')).body).toContain('No maintenance windows.');
  });

  test('signed-out visitors are sent to the sign-in page', async () => {
    const response = await new Browser(frontend.url).get('/maintenance');
    expect(response.status).toBe(303);
    expect(response.location).toMatch(/\/login/);
  });
});

describe('incident updates', () => {
  let publicIncident: string;
  let privateIncident: string;
  beforeAll(async () => {
    const insert = (checkId: string) =>
      frontend.db.pool.query(
        `INSERT INTO incidents (account_id, check_id, started_at, cause)
         SELECT account_id, id, now() - interval '10 minutes', 'http_status: 503 from 10.0.0.7' FROM checks WHERE id = $1 RETURNING id`,
        [checkId],
      );
    publicIncident = (await insert(publicCheck)).rows[0].id;
    privateIncident = (await insert(privateCheck)).rows[0].id;
  });

  test('updates are posted on the incident page and shown there and on the status page, newest first, escaped', async () => {
    const page = `/incidents/${publicIncident}`;
    const first = await owner.submit(page, `${page}/updates`, { status: 'investigating', message: 'Checkout <img src=x onerror=alert(1)> fails.' });
    expect(first.status).toBe(303);
    expect(first.location).toBe(`${page}?notice=incident-update-posted`);
    await new Promise((resolve) => setTimeout(resolve, 5));
    await owner.submit(page, `${page}/updates`, { status: 'identified', message: 'A bad deploy.\nRolling back.' });

    const incidentPage = (await owner.get(page)).body;
    const statuses = [...incidentPage.matchAll(/class="incident-update" data-status="(\w+)"/g)].map((match) => match[1]);
    expect(statuses).toEqual(['identified', 'investigating']);
    expect(incidentPage).toContain('Checkout &lt;img src=x onerror=alert(1)&gt; fails.');
    expect(incidentPage).not.toContain('<img src=x');
    expect(incidentPage).toMatch(/<option value="identified" selected>/); // the form starts from the latest status

    await owner.submit(`/incidents/${privateIncident}`, `/incidents/${privateIncident}/updates`, { status: 'investigating', message: 'Private matter.' });

    const status = (await new Browser(frontend.url).get(`/status/${SLUG}`)).body;
    expect([...status.matchAll(/class="incident-update" data-status="(\w+)"/g)].map((match) => match[1])).toEqual(['identified', 'investigating']);
    expect(status).toContain('Checkout &lt;img src=x onerror=alert(1)&gt; fails.');
    expect(status).toMatch(/Incident ongoing, since <time datetime="[^"]+">\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC<\/time>/);
    expect(status).not.toContain('<img src=x');
    expect(status).not.toContain('Private matter'); // the private check's incident
    expect(status).not.toContain('10.0.0.7'); // causes stay private
    expect(status).not.toContain('/updates/'); // no delete buttons
  });

  test('a bad status or an empty message comes back with the message beside the field', async () => {
    const page = `/incidents/${publicIncident}`;
    const empty = await owner.submit(page, `${page}/updates`, { status: 'monitoring', message: '  ' });
    expect(empty.status).toBe(422);
    expect(empty.body).toContain('id="message-error">is required');
    const bad = await owner.submit(page, `${page}/updates`, { status: 'fixed', message: 'x' });
    expect(bad.status).toBe(422);
    expect(bad.body).toContain('id="status-error">must be one of investigating, identified, monitoring, resolved');
    // Another account's incident does not exist for the stranger.
    const strangerPage = await stranger.get('/dashboard');
    const token = /name="_csrf" value="([^"]+)"/.exec(strangerPage.body)![1]!;
    expect((await stranger.post(`${page}/updates`, { _csrf: token, status: 'resolved', message: 'x' })).status).toBe(404);
  });

  test('an update can be deleted by its owner', async () => {
    const page = `/incidents/${publicIncident}`;
    const before = (await owner.get(page)).body;
    const updateId = /\/updates\/([0-9a-f-]{36})\/delete/.exec(before)![1]!;
    const deleted = await owner.post(`${page}/updates/${updateId}/delete`, { _csrf: /name="_csrf" value="([^"]+)"/.exec(before)![1]! });
    expect(deleted.location).toBe(`${page}?notice=incident-update-deleted`);
    expect((await owner.get(page)).body).not.toContain(updateId);
  });
});
