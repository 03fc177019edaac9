import { dayStart, insertAccount, insertCheck, insertDayRollup, type TestAccount } from '../data/fixtures.js';
import { Browser, checkFormFields, startTestFrontend, type TestFrontend } from './harness.js';

const HOUR_MS = 3_600_000;

let frontend: TestFrontend;
let account: TestAccount;
let checkId: string;

/** The bars of a page: colour class and tooltip text, oldest first. */
function barsOf(html: string): { level: string; tip: string }[] {
  return [...html.matchAll(/<li class="bar bar-([a-z]+)"><span class="bar-tip">([^<]*)<\/span><\/li>/g)].map((match) => ({
    level: match[1]!,
    tip: match[2]!,
  }));
}

const day = (daysAgo: number) => dayStart(daysAgo).toISOString().slice(0, 10);

beforeAll(async () => {
  frontend = await startTestFrontend();
  const pool = frontend.db.pool;
  account = await insertAccount(pool, { statusPage: true });
  checkId = await insertCheck(pool, account.accountId, { name: 'API', isPublic: true, state: 'up' });
  // Today: one short incident in an otherwise good day (3 of 1,000 probes down).
  const days: [number, number, number][] = [
    [0, 1000, 997],
    [1, 1440, 1440],
    [2, 1000, 960],
    [3, 100, 50],
    [4, 1000, 999],
  ];
  for (const [daysAgo, probes, ups] of days) {
    await insertDayRollup(pool, { checkId, bucketStart: dayStart(daysAgo), probes, ups });
  }
  // A 3-minute incident today (no later than now), and one that ran across midnight from 3 days ago into 2 days ago.
  const todayStart = dayStart(0).getTime();
  const shortStart = Math.max(todayStart, Date.now() - 10 * 60_000);
  await pool.query(
    `INSERT INTO incidents (account_id, check_id, started_at, resolved_at, cause) VALUES
       ($1, $2, $3, $4, 'HTTP 503'), ($1, $2, $5, $6, 'timeout')`,
    [
      account.accountId,
      checkId,
      new Date(shortStart),
      new Date(shortStart + 3 * 60_000),
      new Date(dayStart(2).getTime() - 2 * HOUR_MS),
      new Date(dayStart(2).getTime() + HOUR_MS),
    ],
  );
});
afterAll(async () => {
  await frontend.stop();
});

test('status page bars are coloured by uptime, with a per-day tooltip, a colour key and the 90-day uptime', async () => {
  const response = await fetch(`${frontend.url}/status/${account.slug}`);
  expect(response.status).toBe(200);
  const html = await response.text();
  const bars = barsOf(html);
  expect(bars).toHaveLength(90);
  expect(bars.slice(-5)).toEqual([
    { level: 'up', tip: `${day(4)}: 99.90% up, no incidents` },
    { level: 'down', tip: `${day(3)}: 50.00% up, 1 incident` },
    { level: 'partial', tip: `${day(2)}: 96.00% up, 1 incident` },
    { level: 'up', tip: `${day(1)}: 100% up, no incidents` },
    { level: 'minor', tip: `${day(0)}: 99.70% up, 1 incident` },
  ]);
  expect(bars[0]).toEqual({ level: 'none', tip: `${day(89)}: no data, no incidents` });
  // (997 + 1440 + 960 + 50 + 999) / (1000 + 1440 + 1000 + 100 + 1000)
  expect(html).toContain('<span class="bars-uptime">97.93% uptime</span>');
  for (const key of ['≥ 99.9%', '≥ 99%', '≥ 95%', '&lt; 95%', 'No data']) expect(html).toContain(key);
  expect(html).toContain('All systems operational');
});

test('the check page shows the same bars', async () => {
  const browser = new Browser(frontend.url);
  await browser.signUp('bars@example.com');
  const created = await browser.submit('/checks/new', '/checks', checkFormFields({ name: 'Mine' }));
  const id = /\/checks\/([0-9a-f-]{36})/.exec(created.location!)![1]!;
  await insertDayRollup(frontend.db.pool, { checkId: id, bucketStart: dayStart(0), probes: 200, ups: 199 });
  const html = (await browser.get(`/checks/${id}`)).body;
  expect(barsOf(html).at(-1)).toEqual({ level: 'minor', tip: `${day(0)}: 99.50% up, no incidents` });
  expect(html).toContain('<span class="bars-uptime">99.50% uptime</span>');
});
