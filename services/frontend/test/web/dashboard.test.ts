import { LATENCY_BUCKET_COUNT } from '@pingdummy/shared';
import { Browser, startTestFrontend, type TestFrontend } from './harness.js';

// 120 checks 'svc-001'..'svc-120' (URL https://svc-<n>.example.com/): every 10th is down (12), every 15th of the
// rest degraded (15, 45, 75, 105), svc-025 paused, the other 103 up.
const CHECKS = 120;
let frontend: TestFrontend;
let browser: Browser;
let accountId: string;

interface JsonRow {
  id: string;
  name: string;
  state: string;
  uptime24h: string;
}
interface DashboardJson {
  checks: JsonRow[];
  page: number;
  pageCount: number;
  matching: number;
  total: number;
  stateCounts: Record<string, number>;
}

beforeAll(async () => {
  frontend = await startTestFrontend({ checkLimitPerAccount: 500 });
  browser = new Browser(frontend.url);
  await browser.signUp('many@example.com');
  const pool = frontend.db.pool;
  accountId = (await pool.query(`SELECT account_id FROM users WHERE email = 'many@example.com'`)).rows[0].account_id;
  await pool.query(
    `INSERT INTO checks (account_id, name, url, state, paused)
     SELECT $1, 'svc-' || lpad(n::text, 3, '0'), 'https://svc-' || n || '.example.com/',
            CASE WHEN n % 10 = 0 THEN 'down' WHEN n % 15 = 0 THEN 'degraded' ELSE 'up' END,
            n % 10 <> 0 AND n % 15 <> 0 AND n % 25 = 0
     FROM generate_series(1, $2) AS n`,
    [accountId, CHECKS],
  );
  // Another account's check matches every search below and must never show.
  const other = new Browser(frontend.url);
  await other.signUp('other@example.com');
  const otherAccount = (await pool.query(`SELECT account_id FROM users WHERE email = 'other@example.com'`)).rows[0].account_id;
  await pool.query(`INSERT INTO checks (account_id, name, url, state) VALUES ($1, 'svc-001 foreign 100%', 'https://foreign.example.com/', 'down')`, [
    otherAccount,
  ]);
});
afterAll(async () => {
  await frontend.stop();
});

async function dashboardJson(query = ''): Promise<DashboardJson> {
  const response = await browser.get(`/dashboard.json${query}`);
  expect(response.status).toBe(200);
  return JSON.parse(response.body) as DashboardJson;
}

const rowIdsOf = (html: string) => [...html.matchAll(/<tr data-check-id="([0-9a-f-]{36})"/g)].map((match) => match[1]);

test('the dashboard shows 50 checks a page, down and degraded first, with page links', async () => {
  const first = await browser.get('/dashboard');
  expect(first.status).toBe(200);
  expect(first.headers.get('server-timing')).toMatch(/db;dur=[\d.]+, render;dur=[\d.]+, total;dur=[\d.]+$/);
  expect(rowIdsOf(first.body)).toHaveLength(50);
  expect(first.body).toContain('Checks 1–50 of 120');
  expect(first.body).toContain('Page 1 of 3');
  expect(first.body).toContain('href="/dashboard?page=2"');
  expect(first.body).toContain('data-poll-url="/dashboard.json"');

  const json = await dashboardJson();
  expect(json).toMatchObject({ page: 1, pageCount: 3, matching: 120, total: 120 });
  expect(json.stateCounts).toEqual({ down: 12, degraded: 4, pending: 0, up: 103, paused: 1 });
  expect(json.checks.map((row) => row.id)).toEqual(rowIdsOf(first.body));
  const states = json.checks.map((row) => row.state);
  expect(states.slice(0, 12)).toEqual(new Array(12).fill('down'));
  expect(states.slice(12, 16)).toEqual(new Array(4).fill('degraded'));
  expect(json.checks[0]!.name).toBe('svc-010');

  // The last page holds the rest, paused checks at the very end; a page past the end shows the last page.
  const last = await browser.get('/dashboard?page=3');
  expect(rowIdsOf(last.body)).toHaveLength(20);
  expect(last.body).toContain('Checks 101–120 of 120');
  expect(last.body).toContain('data-poll-url="/dashboard.json?page=3"');
  const lastJson = await dashboardJson('?page=3');
  expect(lastJson.checks.map((row) => row.id)).toEqual(rowIdsOf(last.body));
  expect(lastJson.checks.at(-1)).toMatchObject({ name: 'svc-025', state: 'paused' });
  expect(lastJson.checks.at(-2)).toMatchObject({ name: 'svc-119', state: 'up' });
  expect((await dashboardJson('?page=99')).page).toBe(3);

  // Every check appears exactly once across the pages.
  const pages = await Promise.all([1, 2, 3].map((page) => dashboardJson(`?page=${page}`)));
  const ids = pages.flatMap((page) => page.checks.map((row) => row.id));
  expect(new Set(ids).size).toBe(CHECKS);
});

test('search by name or URL and filter by state, alone or together, within the account only', async () => {
  const search = await dashboardJson('?q=SVC-00');
  expect(search.checks.map((row) => row.name).sort()).toEqual(['svc-001', 'svc-002', 'svc-003', 'svc-004', 'svc-005', 'svc-006', 'svc-007', 'svc-008', 'svc-009']);
  expect(search).toMatchObject({ matching: 9, total: 120, pageCount: 1 });
  const searchPage = await browser.get('/dashboard?q=SVC-00');
  expect(searchPage.body).toContain('9 checks (120 in total)');
  expect(searchPage.body).not.toContain('aria-label="Pages"');
  expect((await dashboardJson('?q=svc-42.example')).checks.map((row) => row.name)).toEqual(['svc-042']);
  // Pattern characters are literal: '%' matches no check of this account (the other account's does).
  expect((await dashboardJson('?q=%25')).matching).toBe(0);

  const down = await dashboardJson('?state=down');
  expect(down.matching).toBe(12);
  expect(down.checks.every((row) => row.state === 'down')).toBe(true);
  expect((await dashboardJson('?state=paused')).checks.map((row) => row.name)).toEqual(['svc-025']);

  const both = await browser.get('/dashboard?q=svc-1&state=down');
  expect(both.status).toBe(200);
  // 'svc-1' matches the names svc-100..120 and the URLs of n = 1 and 10..19: down among them 010, 100, 110, 120.
  const bothJson = await dashboardJson('?q=svc-1&state=down');
  expect(bothJson.checks.map((row) => row.name)).toEqual(['svc-010', 'svc-100', 'svc-110', 'svc-120']);
  expect(rowIdsOf(both.body)).toEqual(bothJson.checks.map((row) => row.id));
  expect(both.body).toContain('value="svc-1"');
  expect(both.body).toContain('<input type="hidden" name="state" value="down">');
  expect(both.body).toContain('data-poll-url="/dashboard.json?q=svc-1&amp;state=down"');
  expect(both.body).toMatch(/href="\/dashboard\?q=svc-1&amp;state=degraded">Degraded <span class="count" data-state-count="degraded">2<\/span>/);
  expect(both.body).not.toContain('foreign');

  const none = await browser.get('/dashboard?q=no-such-check');
  expect(none.status).toBe(200);
  expect(none.body).toContain('No checks match “no-such-check”');
  expect(rowIdsOf(none.body)).toHaveLength(0);
});

test('malformed query parameters fall back to the defaults instead of failing', async () => {
  for (const query of ['?page=abc', '?page=-3', '?page=1e9', '?page=99999999999999999999999', '?state=bogus', '?state=down&state=up', '?q=a&q=b', `?q=${'x'.repeat(500)}`]) {
    const response = await browser.get(`/dashboard${query}`);
    expect(response.status).toBe(200);
    const json = await browser.get(`/dashboard.json${query}`);
    expect(json.status).toBe(200);
  }
  expect((await dashboardJson('?state=bogus')).matching).toBe(120);
});

test('a state change and new rollups show on the next refresh of the same page', async () => {
  const pool = frontend.db.pool;
  const { id } = (await pool.query(`SELECT id FROM checks WHERE account_id = $1 AND name = 'svc-077'`, [accountId])).rows[0];
  expect((await dashboardJson()).checks.map((row) => row.id)).not.toContain(id);

  await pool.query(`UPDATE checks SET state = 'down' WHERE id = $1`, [id]);
  const hist = new Array<number>(LATENCY_BUCKET_COUNT).fill(0);
  hist[3] = 4;
  await pool.query(
    `INSERT INTO rollups_hourly (check_id, bucket_start, region, probe_count, up_count, latency_min, latency_max, latency_sum, latency_hist)
     VALUES ($1, date_trunc('hour', now()), 'eu-west', 4, 3, 10, 40, 100, $2)`,
    [id, hist],
  );
  const after = await dashboardJson();
  const row = after.checks.find((check) => check.id === id);
  expect(row).toMatchObject({ state: 'down', uptime24h: '75.00%' });
  expect(after.stateCounts.down).toBe(13);
});

test('the dashboard has no inline scripts or styles', async () => {
  const html = (await browser.get('/dashboard')).body;
  expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
  expect(html).not.toMatch(/\sstyle=/);
  expect(html).not.toContain('<style');
});
