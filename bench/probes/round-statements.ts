// bench/probes/round-statements: Postgres's CPU per probe for the worker's SQL alone (claim, then record the round),
// without beacon, HTTP or timers, so it is far less noisy than run.ts.
//   node --import tsx bench/probes/round-statements.ts --checks 1000 --batch 25 --cycles 15 --repeat 3
// Each run: a fresh Postgres with the migrations, `--checks` checks, then rounds of `--batch` checks (the worker's
// claimDueChecks and recordRound, every probe "up") as fast as one connection goes. Measured over `--cycles`
// passes through all checks after two passes of warm-up: CPU-ms per probe of the Postgres backend (from /proc),
// planning and execution time per statement (pg_stat_statements), updated and HOT rows. `--worker-dist` runs
// another build of the worker (a copy of services/worker/dist), to compare two versions; runs alternate between
// them. Writes bench/results/round-statements.json.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { runMigrations, startEmbeddedPostgres } from '@pingdummy/shared';
import { findProcess, postgresRole, treeCpu } from './process-cpu.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { values } = parseArgs({
  options: {
    checks: { type: 'string', default: '1000' },
    batch: { type: 'string', default: '25' },
    cycles: { type: 'string', default: '15' },
    repeat: { type: 'string', default: '1' },
    // Comma-separated worker builds (folders like services/worker/dist) to alternate between.
    'worker-dist': { type: 'string', default: 'services/worker/dist' },
  },
});
const CHECKS = Number(values.checks);
const BATCH = Number(values.batch);
const CYCLES = Number(values.cycles);
const REPEAT = Number(values.repeat);
const BUILDS = values['worker-dist'].split(',').map((folder) => path.resolve(root, folder));
for (const [name, value] of Object.entries({ checks: CHECKS, batch: BATCH, cycles: CYCLES, repeat: REPEAT })) {
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer`);
}
const round3 = (value: number) => Math.round(value * 1000) / 1000;
const log = (line: string) => process.stdout.write(`[bench] ${line}\n`);

/** The worker's round functions, from one build. */
interface WorkerRound {
  claimDueChecks(pool: pg.Pool, owner: string, limit: number, leaseMarginSeconds: number, lookaheadMs?: number): Promise<Array<{ id: string; scheduledAt: Date }>>;
  recordRound(pool: pg.Pool, owner: string, checks: unknown[], results: unknown[], publicUrl: string, leaseMarginSeconds: number): Promise<unknown>;
}

async function loadBuild(folder: string): Promise<WorkerRound> {
  const { claimDueChecks } = await import(pathToFileURL(path.join(folder, 'claim-due-checks.js')).href);
  const { recordRound } = await import(pathToFileURL(path.join(folder, 'record-round.js')).href);
  return { claimDueChecks, recordRound };
}

async function runOnce(build: string) {
  const worker = await loadBuild(build);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'pingdummy-round-bench-'));
  chmodSync(dataDir, 0o755);
  const pgDir = path.join(dataDir, 'pg');
  const postgres = await startEmbeddedPostgres({
    dataDir: pgDir,
    persistent: false,
    settings: { shared_preload_libraries: 'pg_stat_statements', 'pg_stat_statements.track': 'all', 'pg_stat_statements.track_planning': 'on' },
  });
  await runMigrations(postgres.adminUrl);
  // One connection: the backend measured is the one the rounds run on.
  const db = new pg.Pool({ connectionString: postgres.adminUrl, max: 1 });
  await db.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
  const account = await db.query(`INSERT INTO accounts (name, slug) VALUES ('bench', 'bench') RETURNING id`);
  await db.query(
    `INSERT INTO checks (account_id, name, url, interval_seconds, timeout_ms, next_due_at)
     SELECT $1, 'check ' || i, 'http://127.0.0.1:9/c/' || i, 20, 5000, now() - interval '1 hour' + make_interval(secs => i / 100.0)
       FROM generate_series(0, $2 - 1) AS i`,
    [account.rows[0].id, CHECKS],
  );
  await db.query(`SELECT ensure_result_partitions(current_date - 1, current_date + 2)`);
  await db.query('VACUUM ANALYZE');

  let probes = 0;
  // One pass through every check. The lookahead is unbounded: a check advanced to its next due time is due again.
  const pass = async () => {
    for (let done = 0; done < CHECKS; done += BATCH) {
      const claimed = await worker.claimDueChecks(db, 'bench-worker', BATCH, 15, 10 ** 9);
      const startedAt = new Date();
      const results = claimed.map((check, index) => ({
        checkId: check.id, scheduledAt: check.scheduledAt, region: 'bench', startedAt, outcome: 'up', statusCode: 200,
        latencyMs: 3 + ((probes + index) % 40), dnsMs: null, connectMs: 1, tlsMs: null, ttfbMs: 2, errorClass: null, errorMessage: null, tlsExpiresAt: null,
      }));
      await worker.recordRound(db, 'bench-worker', claimed, results, 'http://bench.invalid', 15);
      probes += claimed.length;
    }
  };
  await pass();
  await pass();
  await db.query('SELECT pg_stat_statements_reset()');
  const postmaster = findProcess(pgDir)!;
  const before = treeCpu(postmaster, postgresRole);
  const firstProbe = probes;
  const startedAt = performance.now();
  for (let cycle = 0; cycle < CYCLES; cycle++) await pass();
  const seconds = (performance.now() - startedAt) / 1000;
  const after = treeCpu(postmaster, postgresRole);
  const measured = probes - firstProbe;
  const perProbe = (cpuSeconds: number) => round3((cpuSeconds * 1000) / measured);
  const statements = await db.query(
    `SELECT calls::int, round(total_plan_time::numeric, 1)::float AS plan_ms, round(total_exec_time::numeric, 1)::float AS exec_ms,
            left(regexp_replace(query, '\\s+', ' ', 'g'), 90) AS query
       FROM pg_stat_statements WHERE query NOT LIKE '%pg_stat_statements%' ORDER BY total_plan_time + total_exec_time DESC LIMIT 8`,
  );
  const tables = await db.query(
    `SELECT relname AS table, n_tup_upd::int AS updates, n_tup_hot_upd::int AS hot_updates
       FROM pg_stat_user_tables WHERE n_tup_upd > 0 ORDER BY n_tup_upd DESC`,
  );
  await db.end();
  await postgres.stop();
  rmSync(dataDir, { recursive: true, force: true });
  return {
    build: path.relative(root, build),
    checks: CHECKS,
    batch: BATCH,
    probes: measured,
    cpuMsPerProbe: {
      backend: perProbe((after.children.backends ?? 0) - (before.children.backends ?? 0)),
      postgres: perProbe(after.total - before.total),
    },
    wallMsPerProbe: round3((seconds * 1000) / measured),
    statements: statements.rows.map((row) => ({ calls: row.calls, planMsPerCall: round3(row.plan_ms / row.calls), execMsPerCall: round3(row.exec_ms / row.calls), query: row.query })),
    tableUpdates: tables.rows,
  };
}

const runs = [];
for (let attempt = 1; attempt <= REPEAT; attempt++) {
  for (const build of BUILDS) {
    const run = await runOnce(build);
    runs.push(run);
    log(`${run.build}, run ${attempt} of ${REPEAT}: ${run.checks} checks, ${run.batch} a round: Postgres backend ${run.cpuMsPerProbe.backend} CPU-ms per probe (all of Postgres ${run.cpuMsPerProbe.postgres}), wall ${run.wallMsPerProbe} ms`);
    for (const s of run.statements) log(`  ${s.calls} calls, plan ${s.planMsPerCall} + execute ${s.execMsPerCall} ms per call  ${s.query}`);
    for (const t of run.tableUpdates) log(`  ${t.table}: ${t.updates} updates, ${t.hot_updates} HOT`);
  }
}
mkdirSync(path.join(root, 'bench/results'), { recursive: true });
writeFileSync(path.join(root, 'bench/results/round-statements.json'), `${JSON.stringify({ when: new Date().toISOString(), runs }, null, 2)}\n`);
