import { Browser, checkFormFields, startTestFrontend, type TestFrontend } from './harness.js';

let frontend: TestFrontend;
beforeAll(async () => {
  frontend = await startTestFrontend();
});
afterAll(async () => {
  await frontend.stop();
});

test('each dashboard row shows a sparkline and 30 uptime bars, and /dashboard.json (the 10 s refresh) carries the same markup', async () => {
  const browser = new Browser(frontend.url);
  await browser.signUp('glance@example.com');
  const created = await browser.submit('/checks/new', '/checks', checkFormFields({ name: 'Glance' }));
  const checkId = /\/checks\/([0-9a-f-]{36})/.exec(created.location!)![1]!;
  await frontend.db.pool.query(
    `INSERT INTO rollups_hourly (check_id, bucket_start, region, probe_count, up_count, latency_sum, latency_hist, latency_max)
     SELECT $1, date_trunc('hour', now()) - h * interval '1 hour', 'eu', 10, 10, 1000 + h * 100, array_fill(0, ARRAY[5]) || 10, 150
     FROM generate_series(0, 2) AS h`,
    [checkId],
  );
  await frontend.db.pool.query(
    `INSERT INTO rollups_daily (check_id, bucket_start, region, probe_count, up_count, latency_sum, latency_hist)
     VALUES ($1, date_trunc('day', now(), 'UTC') - interval '1 day', 'eu', 100, 50, 0, '{}')`,
    [checkId],
  );

  const page = await browser.get('/dashboard');
  expect(page.status).toBe(200);
  expect(page.body).toContain('<th scope="col" class="nowrap">Last 24 h / 30 d</th>');
  const row = /<tr data-check-id="[^"]+">.*?<\/tr>/s.exec(page.body)![0];
  // Hourly averages 120, 110, 100 ms (oldest first): a falling line over the last three hours.
  expect(row).toContain('<title>Response time, last 24 hours: 100 ms to 120 ms, latest hour 100 ms</title>');
  expect(row).toContain('<path d="M107,2L112,12L117,22"/>');
  // Yesterday red, today green (today's hourly rows: the worker folds a day into rollups_daily once it is over),
  // the 28 days before without data.
  expect(/<path class="bar-none" d="([^"]+)"/.exec(row)![1]!.match(/M/g)).toHaveLength(28);
  expect(row).toContain('<rect class="bar-down" x="112" width="3" height="16"><title>');

  const json = JSON.parse((await browser.get('/dashboard.json')).body);
  expect(json.checks).toHaveLength(1);
  expect(row).toContain(`<td data-label="Last 24 h / 30 d" class="glance"><span class="glance-stack">${json.checks[0].sparklineSvg}${json.checks[0].uptimeBarsSvg}</span></td>`);
});
