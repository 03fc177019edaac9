// bench/probes: sustained probing throughput and CPU cost of worker + beacon + Postgres on this machine.
//   node --import tsx bench/probes/run.ts --checks 1000,3000,10000 --interval 20 --seconds 90 --repeat 2
// Each configuration runs on a fresh Postgres, beacon and worker(s). Prints CPU-ms per check (whole tree
// and per process), lag, duplicates and misses, and writes bench/results/probes.json. Targets: lag p99
// < 1 s, zero duplicates and zero misses. --cpu-prof profiles the worker(s) and prints where their time went.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { findFreePort, runMigrations, startEmbeddedPostgres } from '@pingdummy/shared';
import { findProcess, peakRssMb, postgresRole, treeCpu, type TreeCpu } from './process-cpu.js';
import { summariseProfile, type ProfileSummary } from './profile-summary.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { values } = parseArgs({
  options: {
    checks: { type: 'string', default: '30000' },
    interval: { type: 'string', default: '30' },
    seconds: { type: 'string', default: '120' },
    workers: { type: 'string', default: '1' },
    targets: { type: 'string', default: '4' },
    'beacon-processes': { type: 'string', default: '1' },
    // The worker's WORKER_MAX_IN_FLIGHT (its own default when absent).
    'max-in-flight': { type: 'string' },
    // The worker's WORKER_MAX_START_DELAY_MS (its own default when absent): 100 starts probes in 100 ms slots.
    'max-start-delay': { type: 'string' },
    repeat: { type: 'string', default: '1' },
    // CPU is measured after this warm-up (default: one interval), so the steady state is measured,
    // not the JIT warming up and every check's first pending -> up change.
    warmup: { type: 'string' },
    'cpu-prof': { type: 'boolean', default: false },
    // Another build of the worker, to compare two versions under the same machine load.
    'worker-entry': { type: 'string', default: 'services/worker/dist/main.js' },
    // Node/V8 flags for the beacon and worker(s) instead of their own (to compare runtime settings).
    'node-flags': { type: 'string' },
  },
});
const CHECK_COUNTS = values.checks.split(',').map(Number);
const INTERVAL = Number(values.interval);
const SECONDS = Number(values.seconds);
const WORKERS = Number(values.workers);
const TARGETS = Number(values.targets);
const BEACON_PROCESSES = Number(values['beacon-processes']);
const REPEAT = Number(values.repeat);
const WARMUP = Number(values.warmup ?? values.interval);
const CPU_PROF = values['cpu-prof'];
const WORKER_ENTRY = values['worker-entry'];
const NODE_FLAGS = values['node-flags']?.split(/\s+/).filter(Boolean) ?? [];
const TOKEN = 'bench-beacon-token-0123456789';
for (const [name, value] of Object.entries({ checks: Math.min(...CHECK_COUNTS), interval: INTERVAL, seconds: SECONDS, repeat: REPEAT })) {
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer (a comma-separated list for --checks)`);
}
if (SECONDS < 30) throw new Error('--seconds must be at least 30 (the last 20 s only finish probes already started)');
if (!(WARMUP >= 0 && WARMUP + 20 <= SECONDS)) throw new Error('--warmup must be between 0 and --seconds minus 20');

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const log = (line: string) => process.stdout.write(`[bench] ${line}\n`);
const round3 = (value: number) => Number(value.toFixed(3));

function startNode(entry: string, env: Record<string, string>, nodeFlags: string[] = []): ChildProcess {
  return spawn(process.execPath, [...nodeFlags, path.join(root, entry)], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}
async function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve) => child.stdout!.once('data', (chunk: Buffer) => resolve(chunk.toString().split('\n')[0]!)));
}
async function waitHealthy(url: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`${url} never became healthy`);
}
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  await new Promise((resolve) => {
    child.once('exit', resolve);
    child.kill('SIGTERM');
  });
}
function cpuDelta(before: TreeCpu, after: TreeCpu): number {
  return after.total - before.total;
}

/** One configuration on a fresh Postgres, beacon, targets and worker(s). */
async function runOnce(CHECKS: number) {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'pingdummy-bench-'));
  chmodSync(dataDir, 0o755);
  const pgDir = path.join(dataDir, 'pg');
  const profileDir = path.join(dataDir, 'profiles');
  // pg_stat_statements says which statements the Postgres time goes to (calls and time per statement).
  const postgres = await startEmbeddedPostgres({
    dataDir: pgDir,
    persistent: false,
    settings: { shared_preload_libraries: 'pg_stat_statements', 'pg_stat_statements.track': 'all' },
  });
  const databaseUrl = postgres.adminUrl;
  await runMigrations(databaseUrl);
  const db = new pg.Pool({ connectionString: databaseUrl, max: 4 });
  db.on('error', (error) => log(`bench database connection failed: ${error.message}`));
  await db.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');

  const targets = Array.from({ length: TARGETS }, () => spawn(process.execPath, [path.join(root, 'bench/probes/target-server.mjs')], { stdio: ['ignore', 'pipe', 'inherit'] }));
  const targetPorts = await Promise.all(targets.map(async (child) => JSON.parse(await firstLine(child)).port as number));

  const beaconPort = await findFreePort();
  const beacon = startNode(
    'services/beacon/dist/main.js',
    {
      PORT: String(beaconPort),
      BEACON_TOKEN: TOKEN,
      PGDUMMY_REGION: 'bench',
      BEACON_ALLOW_CIDRS: '127.0.0.1/32',
      BEACON_CONCURRENCY: '1000',
      BEACON_PROCESSES: String(BEACON_PROCESSES),
      LOG_LEVEL: 'warn',
    },
    [...NODE_FLAGS, ...(CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${path.join(profileDir, 'beacon')}`] : [])],
  );
  await waitHealthy(`http://127.0.0.1:${beaconPort}/healthz`);

  log(`inserting ${CHECKS} checks every ${INTERVAL} s`);
  const account = await db.query(`INSERT INTO accounts (name, slug) VALUES ('bench', 'bench') RETURNING id`);
  const start = new Date(Math.ceil(Date.now() / 1000) * 1000 + 10_000);
  await db.query(
    `INSERT INTO checks (account_id, name, url, interval_seconds, timeout_ms, next_due_at)
     SELECT $1, 'c' || i, 'http://127.0.0.1:' || ($4::int[])[1 + i % $5] || '/c/' || i, $2, 5000,
            $3::timestamptz + make_interval(secs => (i % ($2 * 100)) / 100.0)
     FROM generate_series(0, $6 - 1) AS i`,
    [account.rows[0].id, INTERVAL, start, targetPorts, TARGETS, CHECKS],
  );
  await db.query(`SELECT ensure_result_partitions(current_date - 1, current_date + 2)`);

  const workerPorts = await Promise.all(Array.from({ length: WORKERS }, () => findFreePort()));
  const workers = Array.from({ length: WORKERS }, (_, index) =>
    startNode(
      WORKER_ENTRY,
      {
        DATABASE_URL: databaseUrl,
        BEACON_URLS: `bench=http://127.0.0.1:${beaconPort}`,
        BEACON_TOKEN: TOKEN,
        WORKER_ID: `bench-${index}`,
        PORT: String(workerPorts[index]),
        LOG_LEVEL: 'warn',
        ...(values['max-in-flight'] ? { WORKER_MAX_IN_FLIGHT: values['max-in-flight'] } : {}),
        ...(values['max-start-delay'] ? { WORKER_MAX_START_DELAY_MS: values['max-start-delay'] } : {}),
      },
      [...NODE_FLAGS, ...(CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${path.join(profileDir, 'worker')}`] : [])],
    ),
  );
  await Promise.all(workers.map((_, index) => waitHealthy(`http://127.0.0.1:${workerPorts[index]}/healthz`)));

  // CPU is measured over exactly [start + WARMUP, start + SECONDS] and divided by the probes started in it.
  const postmaster = findProcess(pgDir)!;
  const sample = () => ({
    at: new Date(),
    workers: workers.map((child) => treeCpu(child.pid!)),
    beacon: treeCpu(beacon.pid!),
    postgres: treeCpu(postmaster, postgresRole),
  });
  log(`running ${SECONDS} s from ${start.toISOString()}, measuring CPU after ${WARMUP} s`);
  await sleep(start.getTime() + WARMUP * 1000 - Date.now());
  const before = sample();
  const loadBefore = os.loadavg();
  await db.query('SELECT pg_stat_statements_reset()');
  const writesBefore = await tableWrites(db);
  log(`measuring CPU (load average ${loadBefore.map((load) => load.toFixed(1)).join(' ')})`);
  await sleep(start.getTime() - Date.now() + SECONDS * 1000);
  const after = sample();
  const loadAfter = os.loadavg();
  const statements = await db.query(
    `SELECT regexp_replace(left(query, 90), '\\s+', ' ', 'g') AS query, calls::int, round(total_exec_time::numeric, 1)::float8 AS ms
       FROM pg_stat_statements WHERE query NOT ILIKE '%pg_stat_statements%' ORDER BY total_exec_time DESC LIMIT 8`,
  );
  // Updates that were not HOT write a new entry in every index of the table: the costly kind.
  const writesAfter = await tableWrites(db);
  const tableUpdates = Object.entries(writesAfter).map(([table, { updates, hotUpdates }]) => ({
    table,
    updates: updates - (writesBefore[table]?.updates ?? 0),
    hotUpdates: hotUpdates - (writesBefore[table]?.hotUpdates ?? 0),
  })).filter((row) => row.updates > 0);
  const rss = { workersMb: workers.map((child) => peakRssMb(child.pid!)), beaconMb: peakRssMb(beacon.pid!) };
  await Promise.all(workers.map(stop));
  const end = new Date();

  const measuredChecks = (
    await db.query(`SELECT count(*)::int AS n FROM results WHERE started_at >= $1 AND started_at < $2`, [before.at, after.at])
  ).rows[0].n as number;
  // Due times whose probe had time to finish (timeout 5 s + lease margin), inside the run window.
  const windowEnd = new Date(start.getTime() + SECONDS * 1000 - 20_000);
  const stats = await db.query(
    `SELECT count(*)::int AS probes,
            count(*) FILTER (WHERE outcome = 'up')::int AS up,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM started_at - scheduled_at)) AS lag_p50,
            percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM started_at - scheduled_at)) AS lag_p90,
            count(*) FILTER (WHERE started_at - scheduled_at > interval '1 second')::int AS late,
            percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM started_at - scheduled_at)) AS lag_p99,
            max(extract(epoch FROM started_at - scheduled_at))::float8 AS lag_max
       FROM results WHERE scheduled_at >= $1 AND scheduled_at < $2`,
    [start, windowEnd],
  );
  // Expected due times per check in the window: the schedule is fixed, so count them in SQL.
  const expected = await db.query(
    `SELECT coalesce(sum(n), 0)::int AS n FROM (
       SELECT (SELECT count(*) FROM generate_series(
                 (SELECT min(scheduled_at) FROM results r WHERE r.check_id = c.id),
                 $2::timestamptz - interval '1 millisecond', make_interval(secs => c.interval_seconds)) g
               WHERE g >= $1) AS n
         FROM checks c) t`,
    [start, windowEnd],
  );
  const neverProbed = await db.query(
    `SELECT count(*)::int AS n FROM checks c WHERE NOT EXISTS (SELECT 1 FROM results r WHERE r.check_id = c.id)`,
  );
  const totalResults = await db.query(`SELECT count(*)::int AS n FROM results`);
  const hits = await Promise.all(
    targetPorts.map(async (port) => Object.values((await (await fetch(`http://127.0.0.1:${port}/__hits`)).json()) as Record<string, number>)),
  );
  const totalHits = hits.flat().reduce((sum, count) => sum + count, 0);

  const row = stats.rows[0];
  const windowSeconds = (windowEnd.getTime() - start.getTime()) / 1000;
  const probes = row.probes as number;
  const perCheckMs = (seconds: number) => (measuredChecks ? round3((seconds / measuredChecks) * 1000) : 0);
  const workerCpu = workers.reduce((sum, _, index) => sum + cpuDelta(before.workers[index]!, after.workers[index]!), 0);
  const beaconCpu = cpuDelta(before.beacon, after.beacon);
  const postgresCpu = cpuDelta(before.postgres, after.postgres);
  const postgresBackgroundCpu = (after.postgres.children.background ?? 0) - (before.postgres.children.background ?? 0) + after.postgres.own - before.postgres.own;
  const profilesOf = (name: string): ProfileSummary[] => {
    const dir = path.join(profileDir, name);
    return readdirSync(dir).filter((file) => file.endsWith('.cpuprofile')).map((file) => summariseProfile(path.join(dir, file)));
  };
  const report = {
    when: new Date().toISOString(),
    machine: { cpus: os.cpus().length, node: process.version },
    loadAverage: { before: loadBefore.map(round3), after: loadAfter.map(round3) },
    params: { nodeFlags: NODE_FLAGS, maxInFlight: values['max-in-flight'] ?? null, maxStartDelayMs: values['max-start-delay'] ?? null, workerEntry: WORKER_ENTRY, checks: CHECKS, intervalSeconds: INTERVAL, seconds: SECONDS, warmupSeconds: WARMUP, workers: WORKERS, targets: TARGETS, beaconProcesses: BEACON_PROCESSES },
    probesPerSecond: Math.round(probes / windowSeconds),
    targetProbesPerSecond: Math.round(CHECKS / INTERVAL),
    lagSeconds: { p50: round3(row.lag_p50 ?? 0), p90: round3(row.lag_p90 ?? 0), p99: round3(row.lag_p99 ?? 0), max: round3(row.lag_max ?? 0) },
    /** Probes started more than 1 s after their due time. */
    lateProbes: row.late as number,
    upRatio: probes ? Number((row.up / probes).toFixed(4)) : 0,
    duplicates: Math.max(0, totalHits - (totalResults.rows[0].n as number)),
    misses: Math.max(0, (expected.rows[0].n as number) - probes) + (neverProbed.rows[0].n as number),
    /** CPU time of each process tree over the measured seconds, divided by the probes started in them. */
    cpuMsPerCheck: {
      total: perCheckMs(workerCpu + beaconCpu + postgresCpu),
      worker: perCheckMs(workerCpu),
      beacon: perCheckMs(beaconCpu),
      postgres: perCheckMs(postgresCpu),
      postgresBackends: perCheckMs(postgresCpu - postgresBackgroundCpu),
      postgresBackground: perCheckMs(postgresBackgroundCpu),
    },
    cpuSecondsPerSecond: round3((workerCpu + beaconCpu + postgresCpu) / ((after.at.getTime() - before.at.getTime()) / 1000)),
    measuredChecks,
    topStatements: statements.rows,
    tableUpdates,
    profiles: {} as Record<'worker' | 'beacon', ProfileSummary[]>,
    peakRss: rss,
    durationSeconds: Math.round((end.getTime() - start.getTime()) / 1000),
  };

  await stop(beacon);
  // Each profiled process writes its profile when it exits.
  if (CPU_PROF) report.profiles = { worker: profilesOf('worker'), beacon: profilesOf('beacon') };
  await Promise.all(targets.map(stop));
  await db.end();
  await postgres.stop();
  return report;
}

/** Rows updated per table so far, and how many of those updates were HOT (no index touched). */
async function tableWrites(db: pg.Pool): Promise<Record<string, { updates: number; hotUpdates: number }>> {
  const { rows } = await db.query(
    `SELECT relname AS table, n_tup_upd::int AS updates, n_tup_hot_upd::int AS hot_updates FROM pg_stat_user_tables`,
  );
  return Object.fromEntries(rows.map((row) => [row.table, { updates: row.updates, hotUpdates: row.hot_updates }]));
}

const runs = [];
for (const checks of CHECK_COUNTS) {
  for (let attempt = 1; attempt <= REPEAT; attempt++) {
    log(`configuration ${checks} checks every ${INTERVAL} s, run ${attempt} of ${REPEAT}`);
    const report = await runOnce(checks);
    runs.push(report);
    const cpu = report.cpuMsPerCheck;
    log(
      `${checks} checks: CPU-ms per check ${cpu.total} (worker ${cpu.worker}, beacon ${cpu.beacon}, postgres ${cpu.postgres}: ` +
        `backends ${cpu.postgresBackends}, background ${cpu.postgresBackground}); ${report.probesPerSecond} probes/s, ` +
        `lag p50/p99 ${report.lagSeconds.p50}/${report.lagSeconds.p99} s (${report.lateProbes} over 1 s), ${report.duplicates} duplicates, ${report.misses} misses; ` +
        `load average ${report.loadAverage.before[0]} -> ${report.loadAverage.after[0]}`,
    );
    for (const row of report.tableUpdates) log(`  postgres ${row.table}: ${row.updates} updates, ${row.hotUpdates} HOT`);
    for (const statement of report.topStatements) log(`  postgres ${statement.calls} calls ${statement.ms} ms  ${statement.query}`);
    for (const [name, profiles] of Object.entries(report.profiles)) {
      for (const profile of profiles) {
        log(`  ${name} profile ${profile.totalMs} ms: ${profile.byOwner.map((o) => `${o.owner} ${Math.round(o.share * 100)}%`).join(', ')}`);
      }
    }
  }
}
console.log(JSON.stringify(runs, null, 2));
mkdirSync(path.join(root, 'bench/results'), { recursive: true });
writeFileSync(path.join(root, 'bench/results/probes.json'), `${JSON.stringify({ when: new Date().toISOString(), runs }, null, 2)}\n`);
