// bench/dashboard/scale.ts: the dashboard, a check page and the status page with 1,000, 10,000 and 100,000 checks
// in ONE account, each check with 30 days of rollups, so the rows' sparklines (24 hourly rollups) and uptime bars
// (29 daily rollups, today's from the hourly ones) are full. Target: dashboard p95 < 50 ms at every size (the page shows 50 rows; its counts
// come from the state ledger). Printed per view too: deep pages and searches still pass over the account's checks.
//   npx tsc -p services/frontend/tsconfig.build.json   # the benchmark runs the built frontend
//   node --import tsx bench/dashboard/scale.ts [--sizes 1000,10000,100000] [--requests 100] [--warmup 10] [--regions 1] [--print-plans]
// Data is generated in SQL (generate_series); each size adds checks to the same account. Besides the timings it
// prints EXPLAIN ANALYZE of the dashboard's counts (state ledger) and first page. Writes bench/results/dashboard-scale.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { startBenchDatabase } from '../lib/bench-database.js';
import { loadBuiltFrontend, startBuiltFrontend } from '../lib/built-frontend.js';
import { signUpBenchUser } from './bench-user.js';
import { measurePage, summarize, type Timing } from './http-timing.js';
import { createTemplatesTable } from './rollup-templates.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1000,10000,100000' },
    requests: { type: 'string', default: '100' },
    warmup: { type: 'string', default: '10' },
    regions: { type: 'string', default: '1' },
    'public-checks': { type: 'string', default: '40' },
    'print-plans': { type: 'boolean', default: false },
  },
});
const SIZES = values.sizes.split(',').map(Number).sort((a, b) => a - b);
const MEASURE = { requests: Number(values.requests), warmup: Number(values.warmup) };
const REGIONS = ['eu-west-1', 'us-east-1', 'ap-southeast-1'].slice(0, Number(values.regions));
const PUBLIC_CHECKS = Number(values['public-checks']);
const TARGET_P95_MS = 50;
if (SIZES.some((size) => !Number.isInteger(size) || size < 1)) throw new Error(`--sizes must be whole numbers: ${values.sizes}`);

const log = (line: string) => process.stdout.write(`[bench] ${line}\n`);

type GlanceModule = typeof import('../../services/frontend/src/data/dashboard-glance.js');
const { glanceQuery } = await loadBuiltFrontend<GlanceModule>('data/dashboard-glance.js');

/**
 * Adds checks number [from, to] to the account, each with 48 hourly rollups (the sparkline's 24 hours and the day
 * before: today's bar comes from today's, and in the minutes after midnight, before the worker folds it, yesterday's
 * too) and 30 daily rollups per region. Checks 1..PUBLIC_CHECKS are on the status page. About 2 % are down, 3 %
 * degraded, so the state filter and the "problems first" order have work to do.
 */
async function addChecks(db: pg.Pool, accountId: string, from: number, to: number): Promise<void> {
  await db.query(
    `INSERT INTO checks (account_id, name, url, regions, is_public, state, state_changed_at, last_probed_at, last_latency_ms)
     SELECT $1, 'service-' || lpad(n::text, 6, '0'), 'https://svc-' || n || '.example.com/health', $2::text[], n <= $3,
            CASE WHEN n % 50 = 0 THEN 'down' WHEN n % 33 = 0 THEN 'degraded' ELSE 'up' END,
            now() - interval '3 days', now() - (n % 60) * interval '1 second', 50 + n % 300
     FROM generate_series($4::int, $5::int) AS n`,
    [accountId, REGIONS, PUBLIC_CHECKS, from, to],
  );
  const newChecks = `SELECT id FROM checks WHERE account_id = $1 AND name BETWEEN 'service-' || lpad($2::text, 6, '0') AND 'service-' || lpad($3::text, 6, '0')`;
  await db.query(
    `INSERT INTO rollups_hourly (check_id, bucket_start, region, probe_count, up_count, latency_min, latency_max, latency_sum, latency_hist)
     SELECT c.id, date_trunc('hour', now()) - h * interval '1 hour', r.region, t.probes, t.ups, t.latency_min, t.latency_max, t.latency_sum, t.hist
     FROM (${newChecks}) AS c
     CROSS JOIN generate_series(0, 47) AS h
     CROSS JOIN unnest($4::text[]) AS r(region)
     JOIN bench_templates t ON t.id = abs(hashtext(c.id::text || h::text || r.region)) % 100`,
    [accountId, from, to, REGIONS],
  );
  await db.query(
    `INSERT INTO rollups_daily (check_id, bucket_start, region, probe_count, up_count, latency_min, latency_max, latency_sum, latency_hist)
     SELECT c.id, date_trunc('day', now(), 'UTC') - d * interval '1 day', r.region, t.probes * 24,
            t.ups * 24 - (CASE WHEN d % 7 = 3 THEN 30 ELSE 0 END), t.latency_min, t.latency_max, t.latency_sum * 24, t.hist_day
     FROM (${newChecks}) AS c
     CROSS JOIN generate_series(0, 29) AS d
     CROSS JOIN unnest($4::text[]) AS r(region)
     JOIN bench_templates t ON t.id = abs(hashtext(c.id::text || d::text || r.region)) % 100`,
    [accountId, from, to, REGIONS],
  );
}

/** The sample check's own detail: 30 days of hourly rollups (its chart) and 24 h of raw results (its table). */
async function addSampleCheckDetail(db: pg.Pool, checkId: string): Promise<void> {
  await db.query(
    `INSERT INTO rollups_hourly (check_id, bucket_start, region, probe_count, up_count, latency_min, latency_max, latency_sum, latency_hist)
     SELECT $1, date_trunc('hour', now()) - h * interval '1 hour', r.region, t.probes, t.ups, t.latency_min, t.latency_max, t.latency_sum, t.hist
     FROM generate_series(48, 719) AS h CROSS JOIN unnest($2::text[]) AS r(region)
     JOIN bench_templates t ON t.id = h % 100`,
    [checkId, REGIONS],
  );
  await db.query(`SELECT ensure_result_partitions(current_date - 2, current_date + 1)`);
  await db.query(
    `INSERT INTO results (check_id, scheduled_at, region, started_at, outcome, status_code, latency_ms, tls_expires_at)
     SELECT $1, m.t, $2, m.t, 'up', 200, 40 + (random() * 300)::int, now() + interval '60 days'
     FROM generate_series(date_trunc('minute', now()) - interval '24 hours', date_trunc('minute', now()), interval '1 minute') AS m(t)`,
    [checkId, REGIONS[0]],
  );
}

/**
 * EXPLAIN ANALYZE of the dashboard's two list queries (as dashboard-checks.ts sends them) and of the glance query
 * of the first page's 50 checks; execution times in ms.
 */
async function explainDashboardQueries(
  db: pg.Pool,
  accountId: string,
): Promise<{ countingMs: number; firstPageMs: number; glanceMs: number; plans: string[] }> {
  const displayState = `CASE WHEN paused THEN 'paused' ELSE state END`;
  const matches = `($2::text IS NULL OR strpos(lower(name), lower($2)) > 0 OR strpos(lower(url), lower($2)) > 0)`;
  const rank = `array_position(ARRAY['down', 'degraded', 'pending', 'up', 'paused']::text[], ${displayState})`;
  const queries = [
    // Without a search the counts come from the state ledger (migration 013, data/check-state-counts.ts).
    `SELECT state, sum(delta)::int AS checks, count(*)::int AS ledger_rows FROM check_state_ledger WHERE account_id = $1 GROUP BY state`,
    `SELECT id, name, url, ${displayState} AS state, last_probed_at FROM checks
     WHERE account_id = $1 AND ${matches} AND ($3::text IS NULL OR ${displayState} = $3)
     ORDER BY ${rank}, lower(name), id LIMIT 50 OFFSET 0`,
  ];
  const pageIds = (await db.query(queries[1]!, [accountId, null, null])).rows.map((row) => row.id as string);
  const glance = glanceQuery(pageIds, Date.now());
  const statements = [
    { text: queries[0]!, values: [accountId] },
    { text: queries[1]!, values: [accountId, null, null] },
    glance,
  ];
  const plans: string[] = [];
  const times: number[] = [];
  for (const statement of statements) {
    const { rows } = await db.query(`EXPLAIN (ANALYZE, BUFFERS) ${statement.text}`, statement.values);
    const plan = rows.map((row) => row['QUERY PLAN'] as string);
    plans.push(plan.join('\n'));
    times.push(Number(/Execution Time: ([\d.]+) ms/.exec(plan.join('\n'))?.[1] ?? NaN));
  }
  return { countingMs: times[0]!, firstPageMs: times[1]!, glanceMs: times[2]!, plans };
}

async function main(): Promise<void> {
  const loadAverageAtStart = os.loadavg();
  const database = await startBenchDatabase({ name: 'scale', unsafeFast: true });
  let scenarios: Record<string, unknown>[];
  try {
    scenarios = await measureSizes(database.databaseUrl);
  } finally {
    // Also after a failure (a bad argument, a failed request): no Postgres is left running.
    await database.stop();
  }
  report(scenarios, loadAverageAtStart);
}

/** Adds checks size by size to one account and measures the pages at each size. */
async function measureSizes(databaseUrl: string): Promise<Record<string, unknown>[]> {
  const db = new pg.Pool({ connectionString: databaseUrl, max: 4 });
  const maxSize = SIZES.at(-1)!;
  // The variable's own ceiling; the account's check_limit (set below) allows the largest size anyway.
  const frontend = await startBuiltFrontend(databaseUrl, { CHECK_LIMIT_PER_ACCOUNT: String(Math.min(maxSize + 10, 100_000)) });
  const scenarios: Record<string, unknown>[] = [];
  try {
    const user = await signUpBenchUser(frontend.url, db);
    const { browser } = user;
    await db.query(`UPDATE accounts SET status_page_enabled = true, status_page_title = 'Bench status', check_limit = $2 WHERE id = $1`, [
      user.accountId,
      maxSize + 10,
    ]);
    await db.query(`INSERT INTO probe_regions (name) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING`, [REGIONS]);
    await createTemplatesTable(db);

    let created = 0;
    let sampleCheck = '';
    for (const size of SIZES) {
      const started = performance.now();
      await addChecks(db, user.accountId, created + 1, size);
      if (!sampleCheck) {
        sampleCheck = (await db.query(`SELECT id FROM checks WHERE account_id = $1 AND name = 'service-000002'`, [user.accountId])).rows[0].id;
        await addSampleCheckDetail(db, sampleCheck);
      }
      created = size;
      await db.query('VACUUM ANALYZE');
      const counts = (
        await db.query(`SELECT (SELECT count(*) FROM checks)::int AS checks, (SELECT count(*) FROM rollups_hourly)::int AS hourly,
                               (SELECT count(*) FROM rollups_daily)::int AS daily`)
      ).rows[0];
      log(`${size} checks: ${JSON.stringify(counts)} (generated in ${((performance.now() - started) / 1000).toFixed(1)} s); measuring`);
      // A fresh frontend per size: it reuses settled rollup totals within the hour.
      await frontend.restart();
      const explained = await explainDashboardQueries(db, user.accountId);
      log(
        `EXPLAIN ANALYZE: counts from the ledger ${explained.countingMs.toFixed(1)} ms, first page ${explained.firstPageMs.toFixed(1)} ms, ` +
          `glance of 50 checks ${explained.glanceMs.toFixed(1)} ms`,
      );
      if (values['print-plans']) log(`plans:\n${explained.plans.join('\n\n')}`);
      const coldStarted = performance.now();
      await (await browser.request('/dashboard')).arrayBuffer();
      const pages: Record<string, Timing> = {
        'dashboard, first request': summarize([performance.now() - coldStarted]),
        dashboard: await measurePage(browser, '/dashboard', MEASURE),
        'dashboard, last page': await measurePage(browser, `/dashboard?page=${Math.ceil(size / 50)}`, MEASURE),
        'dashboard, search "service-00009"': await measurePage(browser, '/dashboard?q=service-00009', MEASURE),
        'dashboard, state=down': await measurePage(browser, '/dashboard?state=down', MEASURE),
        'dashboard.json (live refresh)': await measurePage(browser, '/dashboard.json', MEASURE),
        'check page': await measurePage(browser, `/checks/${sampleCheck}`, MEASURE),
        'status page': await measurePage(browser, `/status/${user.slug}`, MEASURE),
      };
      scenarios.push({ checks: size, rows: counts, explain: explained, pages });
    }
  } finally {
    await frontend.stop();
    await db.end();
  }
  return scenarios;
}

function report(scenarios: Record<string, unknown>[], loadAverageAtStart: number[]): void {
  const names = Object.keys((scenarios[0] as { pages: object }).pages);
  const cell = (value: number | undefined, width: number) => (value === undefined ? '–' : value.toFixed(1)).padStart(width);
  const lines = [
    `${'page (client time on loopback, ms)'.padEnd(36)}${scenarios.map((s) => `| ${`${String(s.checks)} checks`.padEnd(31)}`).join('')}`,
    `${''.padEnd(36)}${scenarios.map(() => `| ${'p50'.padStart(7)}${'p95'.padStart(8)}${'db p50'.padStart(8)}${'KB'.padStart(7)} `).join('')}`,
  ];
  for (const name of names) {
    lines.push(
      `${name.padEnd(36)}${scenarios
        .map((s) => {
          const timing = (s.pages as Record<string, Timing>)[name]!;
          return `| ${cell(timing.p50, 7)}${cell(timing.p95, 8)}${cell(timing.serverDbP50, 8)}${cell(timing.bytes === undefined ? undefined : timing.bytes / 1024, 7)} `;
        })
        .join('')}`,
    );
  }
  lines.push('', 'server-side medians per Server-Timing entry (ms)');
  for (const s of scenarios) {
    const dashboard = (s.pages as Record<string, Timing>).dashboard!;
    lines.push(`${String(s.checks)} checks, /dashboard: ${JSON.stringify(dashboard.serverEntriesP50)}`);
  }
  process.stdout.write(`\n${lines.join('\n')}\n\n`);
  const dashboardP95 = Math.max(
    ...scenarios.flatMap((s) =>
      Object.entries(s.pages as Record<string, Timing>)
        .filter(([name, timing]) => name.startsWith('dashboard') && timing.n > 1)
        .map(([, timing]) => timing.p95),
    ),
  );
  log(`load average (1/5/15 min) at start ${loadAverageAtStart.map((l) => l.toFixed(1)).join('/')}, at end ${os.loadavg().map((l) => l.toFixed(1)).join('/')} on ${os.cpus().length} CPUs`);
  // Per view as well: page 1 is what people open; deep pages and searches pass over the account's checks.
  const dashboardViews = new Set(scenarios.flatMap((s) => Object.keys(s.pages as Record<string, Timing>)).filter((name) => name.startsWith('dashboard')));
  for (const view of dashboardViews) {
    const worst = Math.max(...scenarios.map((s) => (s.pages as Record<string, Timing>)[view]).filter((t) => t && t.n > 1).map((t) => t!.p95));
    if (Number.isFinite(worst)) log(`  ${view}: worst p95 ${worst.toFixed(1)} ms ${worst < TARGET_P95_MS ? 'within' : 'over'} ${TARGET_P95_MS} ms`);
  }
  log(`worst dashboard p95 over all sizes: ${dashboardP95.toFixed(1)} ms (target < ${TARGET_P95_MS} ms): ${dashboardP95 < TARGET_P95_MS ? 'PASS' : 'FAIL'}`);
  const resultsDir = path.join(root, 'bench/results');
  mkdirSync(resultsDir, { recursive: true });
  const output = {
    generatedAt: new Date().toISOString(),
    machine: { cpus: os.cpus().length, node: process.version, loadAverageAtStart, loadAverageAtEnd: os.loadavg() },
    settings: { sizes: SIZES, regions: REGIONS, publicChecks: PUBLIC_CHECKS, ...MEASURE, targetP95Ms: TARGET_P95_MS },
    scenarios,
    worstDashboardP95Ms: dashboardP95,
    pass: dashboardP95 < TARGET_P95_MS,
  };
  writeFileSync(path.join(resultsDir, 'dashboard-scale.json'), `${JSON.stringify(output, null, 2)}\n`);
  log('wrote bench/results/dashboard-scale.json');
}

await main();
