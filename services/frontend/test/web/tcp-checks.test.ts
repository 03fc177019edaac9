import { Browser, checkIdFrom, startTestFrontend, type TestFrontend } from './harness.js';

let frontend: TestFrontend;
let browser: Browser;
beforeAll(async () => {
  frontend = await startTestFrontend();
  browser = new Browser(frontend.url);
  await browser.signUp('tcp-owner@example.com');
});
afterAll(async () => {
  await frontend.stop();
});

/** The fields the TCP form posts, overridable per test. */
function tcpFormFields(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    kind: 'tcp',
    name: 'Mail server',
    host: 'mail.example.com',
    port: '465',
    tls: 'on',
    intervalSeconds: '60',
    timeoutMs: '5000',
    degradedThresholdMs: '500',
    failuresBeforeDown: '2',
    recoveriesBeforeUp: '1',
    ...overrides,
  };
}

test('the new-check page offers a TCP port form: host, port and TLS instead of URL and HTTP options', async () => {
  const http = await browser.get('/checks/new');
  expect(http.body).toContain('href="/checks/new?kind=tcp"');
  expect(http.body).toContain('name="url"');

  const tcp = await browser.get('/checks/new?kind=tcp');
  expect(tcp.status).toBe(200);
  expect(tcp.body).toContain('<input type="hidden" name="kind" value="tcp">');
  for (const field of ['host', 'port', 'tls', 'intervalSeconds', 'timeoutMs', 'degradedThresholdMs', 'failuresBeforeDown']) {
    expect([field, tcp.body.includes(`name="${field}"`)]).toEqual([field, true]);
  }
  for (const field of ['url', 'method', 'headers', 'body', 'expectedStatusCodes', 'keyword', 'keywordMode']) {
    expect([field, tcp.body.includes(`name="${field}"`)]).toEqual([field, false]);
  }
});

test('a TCP check is created from the form, shown as host:port, and edited', async () => {
  const created = await browser.submit('/checks/new?kind=tcp', '/checks', tcpFormFields());
  expect(created.status).toBe(303);
  const id = checkIdFrom(created.location);
  const { rows } = await frontend.db.pool.query(`SELECT kind, url, timeout_ms, degraded_threshold_ms FROM checks WHERE id = $1`, [id]);
  expect(rows[0]).toEqual({ kind: 'tcp', url: 'tls://mail.example.com:465', timeout_ms: 5000, degraded_threshold_ms: 500 });

  const page = await browser.get(`/checks/${id}`);
  expect(page.body).toContain('<p class="check-url">TCP + TLS mail.example.com:465</p>');
  expect(page.body).not.toContain('Expected status');
  const dashboard = await browser.get('/dashboard');
  expect(dashboard.body).toContain('<span class="check-url">mail.example.com:465</span>');
  const polled = (await browser.get('/dashboard.json')).body;
  expect(JSON.parse(polled).checks).toEqual([expect.objectContaining({ id, url: 'mail.example.com:465' })]);

  // On the public status page too, when the owner shows the address.
  const account = await frontend.db.pool.query(
    `UPDATE accounts SET status_page_enabled = true WHERE id = (SELECT account_id FROM checks WHERE id = $1) RETURNING slug`,
    [id],
  );
  await frontend.db.pool.query(`UPDATE checks SET is_public = true, show_url_publicly = true WHERE id = $1`, [id]);
  const status = await browser.get(`/status/${account.rows[0].slug}`);
  expect(status.body).toContain('<p class="check-url">mail.example.com:465</p>');

  const edit = await browser.get(`/checks/${id}/edit`);
  expect(edit.body).toContain('value="mail.example.com"');
  expect(edit.body).toContain('value="465"');
  expect(edit.body).not.toContain('href="/checks/new?kind=tcp"'); // the kind of a saved check is fixed
  const { tls: _unticked, ...withoutTls } = tcpFormFields({ port: '587' });
  const saved = await browser.submit(`/checks/${id}/edit`, `/checks/${id}`, withoutTls);
  expect(saved.status).toBe(303);
  expect((await frontend.db.pool.query(`SELECT url FROM checks WHERE id = $1`, [id])).rows[0].url).toBe('tcp://mail.example.com:587');
});

test('a bad port or host is shown beside its field, the form kept as sent', async () => {
  const response = await browser.submit('/checks/new?kind=tcp', '/checks', tcpFormFields({ host: 'mail.example.com/smtp', port: '70000' }));
  expect(response.status).toBe(422);
  expect(response.body).toMatch(/id="port-error">must be a whole number between 1 and 65535</);
  expect(response.body).toMatch(/id="host-error">must be a host name or IP address only/);
  expect(response.body).toContain('value="70000"');
  expect(response.body).toContain('<input type="hidden" name="kind" value="tcp">');
  const letters = await browser.submit('/checks/new?kind=tcp', '/checks', tcpFormFields({ port: 'smtp' }));
  expect(letters.body).toMatch(/id="port-error">must be a whole number</);
});

test('HTTP options posted with a TCP form are a 400 naming the field, never stored', async () => {
  const response = await browser.submit('/checks/new?kind=tcp', '/checks', { ...tcpFormFields(), keyword: 'ok' });
  expect(response.status).toBe(400);
  expect(response.body).toContain('Unknown form field: keyword.');
});
