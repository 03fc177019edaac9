// bench/dashboard: server time of the dashboard, a check page, the status page and the uptime API with
// 1,000 checks, first with 1 day of history, then with 30 days, to show page time does not grow with history.
//   npx tsc -p services/frontend/tsconfig.build.json   # the benchmark runs the built frontend
//   node --import tsx bench/dashboard/run.ts [--checks 1000] [--requests 200] [--warmup 20] [--regions 2]
// Prints a table (client p50/p95 per page, the server's own p95 and its db/render medians from the pages'
// Server-Timing header, response size; 1 day and 30 days side by side) and writes bench/results/dashboard.json.
// Target: p95 < 50 ms per page. The dashboard is measured on its first and last page, with a search and a
// state filter, and its live-refresh JSON.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { startBenchDatabase } from '../lib/bench-database.js';
import { loadBuiltFrontend, startBuiltFrontend } from '../lib/built-frontend.js';
import { signUpBenchUser } from './bench-user.js';
import { type Browser, measurePage as measurePageWith, summarize, type Timing } from './http-timing.js';
import { createTemplatesTable } from './rollup-templates.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { values } = parseArgs({
  options: {
    checks: { type: 'string', default: '1000' },
    requests: { type: 'string', default: '200' },
    warmup: { type: 'string', default: '20' },
    regions: { type: 'string', default: '2' },
    'public-checks': { type: 'string', default: '40' },
  },
});
const CHECKS = Number(values.checks);
const REQUESTS = Number(values.requests);
const WARMUP = Number(values.warmup);
const REGIONS = ['eu-west-1', 'us-east-1', 'ap-southeast-1'].slice(0, Number(values.regions));
const PUBLIC_CHECKS = Number(values['public-checks']);
const TARGET_P95_MS = 50;

const log = (line: string) => process.stdout.write(`[bench] ${line}\n`);

type TokensModule = typeof import('../../services/frontend/src/data/tokens.js');
type SummariesModule = typeof import('../../services/frontend/src/data/summaries.js');
type LatencySeriesModule = typeof import('../../services/frontend/src/data/latency-series.js');
type ChecksModule = typeof import('../../services/frontend/src/data/checks.js');
type StatusPageModule = typeof import('../../services/frontend/src/data/status-page.js');
const { createApiToken } = await loadBuiltFrontend<TokensModule>('data/tokens.js');
const { forgetCachedSummaries, getCheckSummaries, getDailyUptimeBars } = await loadBuiltFrontend<SummariesModule>('data/summaries.js');
const { getLatencySeries } = await loadBuiltFrontend<LatencySeriesModule>('data/latency-series.js');
const { listChecks } = await loadBuiltFrontend<ChecksModule>('data/checks.js');
const { getStatusPage } = await loadBuiltFrontend<StatusPageModule>('data/status-page.js');

// ---------------------------------------------------------------------------------------------------------------
// Data generation (all in SQL; histograms come from 100 precomputed templates so rows stay realistic but cheap).

const measurePage = (browser: Browser, pathname: string, headers: Record<string, string> = {}) =>
  measurePageWith(browser, pathname, { requests: REQUESTS, warmup: WARMUP }, headers);

async function createFixtures(db: pg.Pool, accountId: string): Promise<void> {
  await db.query(`UPDATE accounts SET status_page_enabled = true, status_page_title = 'Bench status', check_limit = $2 WHERE id = $1`, [
    accountId,
    CHECKS + 10,
  ]);
  await db.query(`INSERT INTO probe_regions (name) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING`, [REGIONS]);
  await db.query(
    `INSERT INTO checks (account_id, name, url, regions, is_public, show_url_publicly, state, state_changed_at, last_probed_at, last_latency_ms)
     SELECT $1, 'service-' || lpad(n::text, 4, '0'), 'https://svc-' || n || '.example.com/health', $2::text[],
            n <= $3, n % 2 = 0,
            CASE WHEN n % 50 = 0 THEN 'down' WHEN n % 33 = 0 THEN 'degraded' ELSE 'up' END,
            now() - interval '3 days', now() - (n % 60) * interval '1 second', 50 + n % 300
     FROM generate_series(1, $4) AS n`,
    [accountId, REGIONS, PUBLIC_CHECKS, CHECKS],
  );
  await createTemplatesTable(db);
  // Raw results for the last 24 hours: one per minute and check from the first region.
  await db.query(`SELECT ensure_result_partitions(current_date - 2, current_date + 1)`);
  await db.query(
    `INSERT INTO results (check_id, scheduled_at, region, started_at, outcome, status_code, latency_ms, dns_ms, connect_ms, tls_ms, ttfb_ms,
                          error_class, error_message, tls_expires_at)
     SELECT c.id, m.t, $2, m.t + interval '15 milliseconds',
            CASE WHEN r < 0.005 THEN 'down' ELSE 'up' END, CASE WHEN r < 0.005 THEN 503 ELSE 200 END,
            40 + (r * 400)::int, 2, 10, 20, 30 + (r * 300)::int,
            CASE WHEN r < 0.005 THEN 'http_status' END, CASE WHEN r < 0.005 THEN 'status 503' END, now() + interval '60 days'
     FROM checks c
     CROSS JOIN generate_series(date_trunc('minute', now()) - interval '24 hours', date_trunc('minute', now()), interval '1 minute') AS m(t)
     CROSS JOIN LATERAL (SELECT random() AS r) AS rnd
     WHERE c.account_id = $1`,
    [accountId, REGIONS[0]],
  );
}

/** Adds rollups (and incidents) for hours [fromHour, toHour) and days [fromDay, toDay) before now. */
async function addHistory(db: pg.Pool, accountId: string, hours: [number, number], days: [number, number]): Promise<void> {
  await db.query(
    `INSERT INTO rollups_hourly (check_id, bucket_start, region, probe_count, up_count, latency_min, latency_max, latency_sum, latency_hist)
     SELECT c.id, h.bucket, r.region, t.probes, t.ups, t.latency_min, t.latency_max, t.latency_sum, t.hist
     FROM checks c
     CROSS JOIN generate_series($2::int, $3::int - 1) AS offs(hour)
     CROSS JOIN LATERAL (SELECT date_trunc('hour', now()) - offs.hour * interval '1 hour' AS bucket) AS h
     CROSS JOIN unnest($4::text[]) AS r(region)
     JOIN bench_templates t ON t.id = abs(hashtext(c.id::text || h.bucket::text || r.region)) % 100
     WHERE c.account_id = $1
     ORDER BY h.bucket, c.id, r.region`, // in time order, as the worker writes them
    [accountId, hours[0], hours[1], REGIONS],
  );
  await db.query(
    `INSERT INTO rollups_daily (check_id, bucket_start, region, probe_count, up_count, latency_min, latency_max, latency_sum, latency_hist)
     SELECT c.id, d.bucket, r.region, t.probes * 24, t.ups * 24 - (CASE WHEN d.day % 7 = 3 THEN 30 ELSE 0 END),
            t.latency_min, t.latency_max, t.latency_sum * 24, t.hist_day
     FROM checks c
     CROSS JOIN generate_series($2::int, $3::int - 1) AS offs(day)
     CROSS JOIN LATERAL (SELECT offs.day, date_trunc('day', now(), 'UTC') - offs.day * interval '1 day' AS bucket) AS d
     CROSS JOIN unnest($4::text[]) AS r(region)
     JOIN bench_templates t ON t.id = abs(hashtext(c.id::text || d.bucket::text || r.region)) % 100
     WHERE c.account_id = $1
     ORDER BY d.bucket, c.id, r.region`,
    [accountId, days[0], days[1], REGIONS],
  );
  // About one resolved incident per check per 10 days, 5-65 minutes long.
  await db.query(
    `INSERT INTO incidents (account_id, check_id, started_at, resolved_at, cause)
     SELECT $1, c.id, s.started, s.started + (5 + abs(hashtext(c.id::text || s.started::text)) % 60) * interval '1 minute', 'status 503'
     FROM checks c
     CROSS JOIN generate_series($2::int, $3::int - 1) AS offs(hour)
     CROSS JOIN LATERAL (SELECT now() - offs.hour * interval '1 hour' - interval '2 hours' AS started) AS s
     WHERE c.account_id = $1 AND abs(hashtext(c.id::text || offs.hour::text)) % 240 = 0`,
    [accountId, hours[0], hours[1]],
  );
}

/** Time of one data-layer call, measured in-process (database round trips included, HTTP and HTML excluded). */
async function measureCall(call: () => Promise<unknown>, requests = REQUESTS): Promise<Timing> {
  for (let index = 0; index < Math.min(WARMUP, requests); index++) await call();
  const samples: number[] = [];
  for (let index = 0; index < requests; index++) {
    const started = performance.now();
    await call();
    samples.push(performance.now() - started);
  }
  return summarize(samples);
}

// ---------------------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const loadAverageAtStart = os.loadavg();
  const database = await startBenchDatabase({ name: 'dashboard', unsafeFast: true });
  const { databaseUrl } = database;
  const db = new pg.Pool({ connectionString: databaseUrl, max: 4 });

  // The frontend is restarted for each history phase: it reuses settled rollup totals within the hour, and
  // the phases backfill history that a running process would only pick up in the next hour.
  const frontend = await startBuiltFrontend(databaseUrl, { CHECK_LIMIT_PER_ACCOUNT: String(CHECKS + 10) });
  const scenarios: Record<string, unknown>[] = [];
  try {
    const user = await signUpBenchUser(frontend.url, db);
    const { browser } = user;
    const { token } = await createApiToken(db, user.accountId, user.userId, 'bench');

    let started = performance.now();
    await createFixtures(db, user.accountId);
    log(`created ${CHECKS} checks and 24 h of raw results in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    const sampleCheck = (await db.query(`SELECT id FROM checks WHERE account_id = $1 ORDER BY name OFFSET 1 LIMIT 1`, [user.accountId]))
      .rows[0].id as string;

    const phases: { label: string; hours: [number, number]; days: [number, number] }[] = [
      { label: '1 day', hours: [0, 24], days: [0, 2] },
      { label: '30 days', hours: [24, 720], days: [2, 30] },
    ];
    for (const phase of phases) {
      started = performance.now();
      await addHistory(db, user.accountId, phase.hours, phase.days);
      await db.query('VACUUM ANALYZE');
      await frontend.restart();
      const phaseDb = new pg.Pool({ connectionString: databaseUrl, max: 4 });
      const counts = (
        await db.query(`SELECT (SELECT count(*) FROM rollups_hourly)::int AS hourly, (SELECT count(*) FROM rollups_daily)::int AS daily,
                               (SELECT count(*) FROM results)::int AS results, (SELECT count(*) FROM incidents)::int AS incidents`)
      ).rows[0];
      log(`history ${phase.label}: ${JSON.stringify(counts)} (generated in ${((performance.now() - started) / 1000).toFixed(1)} s); measuring`);
      // The first dashboard request after a start adds up the settled history (once per hour per account).
      const coldStarted = performance.now();
      const cold = await browser.request('/dashboard');
      await cold.arrayBuffer();
      const firstDashboard = summarize([performance.now() - coldStarted]);
      const pageCheckIds = (
        await db.query(`SELECT id FROM checks WHERE account_id = $1 ORDER BY name LIMIT 50`, [user.accountId])
      ).rows.map((row) => row.id as string);
      const pages = {
        'dashboard, first request': firstDashboard,
        dashboard: await measurePage(browser, '/dashboard'),
        'dashboard, last page': await measurePage(browser, `/dashboard?page=${Math.ceil(CHECKS / 50)}`),
        'dashboard, search "service-09"': await measurePage(browser, '/dashboard?q=service-09'),
        'dashboard, state=down': await measurePage(browser, '/dashboard?state=down'),
        'dashboard.json (live refresh)': await measurePage(browser, '/dashboard.json'),
        'check page': await measurePage(browser, `/checks/${sampleCheck}`),
        'check series 30d (json)': await measurePage(browser, `/checks/${sampleCheck}/series.json?range=30d`),
        'status page': await measurePage(browser, `/status/${user.slug}`),
        'API GET /uptime': await measurePage(browser, '/api/v1/uptime', { authorization: `Bearer ${token}` }),
      };
      const data = {
        listChecks: await measureCall(() => listChecks(phaseDb, user.accountId)),
        'getCheckSummaries, one page (50)': await measureCall(() => getCheckSummaries(phaseDb, user.accountId, Date.now(), pageCheckIds)),
        getCheckSummaries: await measureCall(() => getCheckSummaries(phaseDb, user.accountId)),
        'getCheckSummaries, nothing reused': await measureCall(() => {
          forgetCachedSummaries(phaseDb);
          return getCheckSummaries(phaseDb, user.accountId);
        }, Math.min(REQUESTS, 30)),
        'getLatencySeries 7d': await measureCall(() => getLatencySeries(phaseDb, user.accountId, sampleCheck, '7d')),
        'getDailyUptimeBars 90': await measureCall(() => getDailyUptimeBars(phaseDb, user.accountId, sampleCheck, 90)),
        getStatusPage: await measureCall(() => getStatusPage(phaseDb, user.slug)),
      };
      await phaseDb.end();
      scenarios.push({ history: phase.label, rows: counts, pages, data });
    }
  } finally {
    await frontend.stop();
    await db.end();
    await database.stop();
  }

  // Report.
  const names = Object.keys((scenarios[0] as { pages: object }).pages);
  const dataNames = Object.keys((scenarios[0] as { data: object }).data);
  // One column group per history phase: client p50 / p95, the server's own p95 (Server-Timing total), the
  // medians of its db and render (HTML) parts, and the response size.
  const labelWidth = 40;
  const cell = (value: number | undefined, width: number) => (value === undefined ? '–' : value.toFixed(1)).padStart(width);
  const lines = [
    `${''.padEnd(labelWidth)}${scenarios.map((s) => `| ${`history ${String(s.history)}`.padEnd(47)}`).join('')}`,
    `${'page (client time on loopback, ms)'.padEnd(labelWidth)}${scenarios.map(() => `| ${'p50'.padStart(7)}${'p95'.padStart(8)}${'srv p95'.padStart(9)}${'db p50'.padStart(8)}${'html p50'.padStart(9)}${'KB'.padStart(7)} `).join('')}`,
  ];
  const row = (label: string, group: 'pages' | 'data') =>
    `${label.padEnd(labelWidth)}${scenarios
      .map((s) => {
        const timing = (s[group] as Record<string, Timing>)[label]!;
        const kilobytes = timing.bytes === undefined ? undefined : timing.bytes / 1024;
        return `| ${cell(timing.p50, 7)}${cell(timing.p95, 8)}${cell(timing.serverP95, 9)}${cell(timing.serverDbP50, 8)}${cell(timing.serverRenderP50, 9)}${cell(kilobytes, 7)} `;
      })
      .join('')}`;
  for (const name of names) lines.push(row(name, 'pages'));
  lines.push('', 'data layer call (in-process, ms)');
  for (const name of dataNames) lines.push(row(name, 'data'));
  process.stdout.write(`\n${lines.join('\n')}\n\n`);
  const worstPage = Math.max(
    ...scenarios.flatMap((s) => Object.values(s.pages as Record<string, Timing>).filter((timing) => timing.n > 1).map((timing) => timing.p95)),
  );
  log(`load average (1/5/15 min) at start ${loadAverageAtStart.map((l) => l.toFixed(1)).join('/')}, at end ${os.loadavg().map((l) => l.toFixed(1)).join('/')} on ${os.cpus().length} CPUs`);
  // The issue's three pages (every dashboard variant, the check page, the status page) on their own, then
  // everything measured (the JSON endpoints and the API included).
  const isTargetPage = (name: string) => name.startsWith('dashboard') || name === 'check page' || name === 'status page';
  const worstTargetPage = Math.max(
    ...scenarios.flatMap((s) =>
      Object.entries(s.pages as Record<string, Timing>)
        .filter(([name, timing]) => timing.n > 1 && isTargetPage(name))
        .map(([, timing]) => timing.p95),
    ),
  );
  log(`worst p95 of the dashboard, check page and status page: ${worstTargetPage.toFixed(1)} ms (target < ${TARGET_P95_MS} ms): ${worstTargetPage < TARGET_P95_MS ? 'PASS' : 'FAIL'}`);
  log(`worst p95 of everything measured (JSON and API included): ${worstPage.toFixed(1)} ms: ${worstPage < TARGET_P95_MS ? 'PASS' : 'FAIL'}`);

  const resultsDir = path.join(root, 'bench/results');
  mkdirSync(resultsDir, { recursive: true });
  const output = {
    generatedAt: new Date().toISOString(),
    // Other processes share this machine; the load average says how much the figures are inflated by them.
    machine: { cpus: os.cpus().length, node: process.version, loadAverageAtStart, loadAverageAtEnd: os.loadavg() },
    settings: { checks: CHECKS, regions: REGIONS, publicChecks: PUBLIC_CHECKS, requests: REQUESTS, warmup: WARMUP, targetP95Ms: TARGET_P95_MS },
    scenarios,
    worstPageP95Ms: worstPage,
    worstTargetPageP95Ms: worstTargetPage,
    pass: worstPage < TARGET_P95_MS,
    targetPagesPass: worstTargetPage < TARGET_P95_MS,
  };
  writeFileSync(path.join(resultsDir, 'dashboard.json'), `${JSON.stringify(output, null, 2)}\n`);
  log('wrote bench/results/dashboard.json');
}

await main();
