import { Browser, checkFormFields, startTestFrontend, type TestFrontend } from './harness.js';

let frontend: TestFrontend;
beforeAll(async () => {
  frontend = await startTestFrontend();
});
afterAll(async () => {
  await frontend.stop();
});

test('signed-in HTML pages are never stored by a browser or proxy cache; public ones keep their policy', async () => {
  const browser = new Browser(frontend.url);
  await browser.signUp('cache@example.com');
  const created = await browser.submit('/checks/new', '/checks', checkFormFields());
  const checkPage = created.location!.replace(/\?.*$/, '');
  for (const path of ['/dashboard', '/checks/new', checkPage, `${checkPage}/edit`, '/channels', '/settings', '/no-such-page']) {
    const page = await browser.get(path);
    expect([path, page.headers.get('content-type')]).toEqual([path, expect.stringContaining('text/html')]);
    expect([path, page.headers.get('cache-control')]).toEqual([path, 'no-store']);
  }
  const slug = (await frontend.db.pool.query(`SELECT slug FROM accounts`)).rows[0].slug;
  await frontend.db.pool.query(`UPDATE accounts SET status_page_enabled = true`);
  expect((await browser.get(`/status/${slug}`)).headers.get('cache-control')).toBe('public, max-age=30');
});
