// bench/pings: how many heartbeat pings per second the frontend accepts, and proof that none is lost.
//   npx turbo run build --filter=@pingdummy/frontend...   # the benchmark runs the built frontend
//   node --import tsx bench/pings/run.ts [--seconds 10] [--checks 200] [--connections 64] [--cpu-prof <dir>]
// Starts an embedded Postgres (durable settings: fsync on) and the built frontend as its own process, sends
// pings from `--connections` keep-alive connections for `--seconds` (a mix of GET success, POST success with
// a 200-byte body, /start and /fail), then stops the frontend with SIGTERM (it writes its buffer on the way
// out) and counts the rows. Prints the accepted rate, latency p50/p99, and accepted minus rows (must be 0);
// writes bench/results/pings.json. Target: >= 2,000 pings/s with 0 lost.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { Pool as HttpPool } from 'undici';
import { findFreePort } from '@pingdummy/shared';
import { startBenchDatabase } from '../lib/bench-database.js';
import { treeCpu } from '../probes/process-cpu.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const frontendMain = path.join(root, 'services/frontend/dist/main.js');
const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    checks: { type: 'string', default: '200' },
    connections: { type: 'string', default: '64' },
    // Writes a V8 CPU profile of the frontend process into this folder (read it with bench/probes/profile-summary.ts).
    'cpu-prof': { type: 'string' },
  },
});
const SECONDS = Number(values.seconds);
const CHECKS = Number(values.checks);
const CONNECTIONS = Number(values.connections);
const TARGET_PER_SECOND = 2_000;

const log = (line: string) => process.stdout.write(`[bench] ${line}\n`);

if (!existsSync(frontendMain)) throw new Error('services/frontend/dist is missing: run `npx turbo run build --filter=@pingdummy/frontend...` first');

/** Starts the built frontend as a child process and resolves once /readyz answers 200. */
async function startFrontendProcess(databaseUrl: string, port: number): Promise<ChildProcess> {
  const profile = values['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(values['cpu-prof'])}`] : [];
  const child = spawn(process.execPath, [...profile, frontendMain], {
    env: { ...process.env, PORT: String(port), DATABASE_URL: databaseUrl, SESSION_SECRET: randomBytes(32).toString('hex'), LOG_LEVEL: 'warn', STOP_TIMEOUT_MS: '30000' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200) return child;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline || child.exitCode !== null) throw new Error('the frontend did not become ready');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The ping a virtual client sends as its n-th request: mostly successes, some with a body, some /start and /fail. */
function pingRequest(key: string, n: number): { path: string; method: 'GET' | 'POST'; body?: string } {
  switch (n % 10) {
    case 0:
      return { path: `/ping/${key}/start`, method: 'GET' };
    case 5:
      return { path: `/ping/${key}`, method: 'POST', body: 'x'.repeat(200) };
    case 9:
      return { path: `/ping/${key}/fail`, method: 'POST', body: 'exit code 1' };
    default:
      return { path: `/ping/${key}`, method: 'GET' };
  }
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;

async function main(): Promise<void> {
  const loadAverageAtStart = os.loadavg();
  // Durable settings (fsync on): the bench proves that no accepted ping is lost.
  const database = await startBenchDatabase({ name: 'pings' });
  const { databaseUrl } = database;
  let frontend: ChildProcess | undefined;
  try {
    const db = new pg.Pool({ connectionString: databaseUrl, max: 2 });
    const account = await db.query(`INSERT INTO accounts (name, slug, check_limit) VALUES ('bench', 'bench', $1) RETURNING id`, [CHECKS]);
    const checks = await db.query(
      `WITH c AS (
         INSERT INTO checks (account_id, kind, name, url) SELECT $1, 'heartbeat', 'job ' || n, '' FROM generate_series(1, $2) n RETURNING id
       )
       INSERT INTO heartbeats (check_id, period_seconds, grace_seconds, late_at) SELECT id, 3600, 600, now() + interval '70 minutes' FROM c
       RETURNING ping_key`,
      [account.rows[0].id, CHECKS],
    );
    const keys: string[] = checks.rows.map((row) => row.ping_key);
    log(`${CHECKS} heartbeat checks; frontend starting`);

    const port = await findFreePort();
    frontend = await startFrontendProcess(databaseUrl, port);
    const http = new HttpPool(`http://127.0.0.1:${port}`, { connections: CONNECTIONS });
    // Warm-up: one ping per check, so every key is in the frontend's cache (as in steady state).
    await Promise.all(keys.map((key) => http.request({ path: `/ping/${key}`, method: 'GET' }).then((r) => r.body.dump())));

    const statuses = new Map<number, number>();
    const latencies: number[] = [];
    let accepted = keys.length;
    let errors = 0;
    const cpuBefore = treeCpu(frontend.pid!).own;
    const started = performance.now();
    const deadline = started + SECONDS * 1000;
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async (_, client) => {
        for (let n = client; performance.now() < deadline; n += CONNECTIONS) {
          const request = pingRequest(keys[n % keys.length]!, Math.floor(n / keys.length));
          const sent = performance.now();
          try {
            const response = await http.request(request);
            await response.body.dump();
            latencies.push(performance.now() - sent);
            statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
            if (response.statusCode === 200) accepted += 1;
          } catch {
            errors += 1;
          }
        }
      }),
    );
    const elapsedSeconds = (performance.now() - started) / 1000;
    // The frontend's own CPU per ping: unlike the rate, it hardly depends on what else the machine runs.
    const frontendCpuSeconds = treeCpu(frontend.pid!).own - cpuBefore;
    await http.close();

    // SIGTERM: the frontend refuses new pings, writes its buffer and exits.
    const stopStarted = performance.now();
    const exited = new Promise<number | null>((resolve) => frontend!.once('exit', (code) => resolve(code)));
    frontend.kill('SIGTERM');
    const exitCode = await exited;
    const stopSeconds = (performance.now() - stopStarted) / 1000;
    frontend = undefined;
    const rows = Number((await db.query(`SELECT count(*) AS n FROM pings`)).rows[0].n);
    await db.end();

    latencies.sort((a, b) => a - b);
    const measured = latencies.length;
    const perSecond = (accepted - keys.length) / elapsedSeconds;
    const result = {
      date: new Date().toISOString(),
      machine: { cpus: os.cpus().length, loadAverageAtStart },
      settings: { seconds: SECONDS, checks: CHECKS, connections: CONNECTIONS, postgres: 'embedded, fsync on' },
      requests: measured,
      statuses: Object.fromEntries(statuses),
      clientErrors: errors,
      acceptedPerSecond: Math.round(perSecond),
      frontendCpuMsPerPing: Number(((frontendCpuSeconds * 1000) / Math.max(1, measured)).toFixed(3)),
      latencyMs: { p50: Number(percentile(latencies, 50).toFixed(2)), p99: Number(percentile(latencies, 99).toFixed(2)) },
      accepted,
      rowsAfterStop: rows,
      lost: accepted - rows,
      stopSeconds: Number(stopSeconds.toFixed(2)),
      frontendExitCode: exitCode,
      target: { perSecond: TARGET_PER_SECOND, lost: 0 },
      pass: perSecond >= TARGET_PER_SECOND && accepted === rows,
    };
    log(`${measured} pings in ${elapsedSeconds.toFixed(1)} s from ${CONNECTIONS} connections: ${result.acceptedPerSecond} accepted/s`);
    log(`frontend CPU ${(frontendCpuSeconds * 1000).toFixed(0)} ms = ${result.frontendCpuMsPerPing} ms per ping`);
    log(`latency p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms; statuses ${JSON.stringify(result.statuses)}; client errors ${errors}`);
    log(`accepted ${accepted}, rows after SIGTERM ${rows}, lost ${result.lost}; stop took ${result.stopSeconds} s (exit ${exitCode})`);
    log(result.pass ? `PASS: >= ${TARGET_PER_SECOND} pings/s, none lost` : `FAIL: target ${TARGET_PER_SECOND}/s with 0 lost`);
    const resultsDir = path.join(root, 'bench/results');
    mkdirSync(resultsDir, { recursive: true });
    writeFileSync(path.join(resultsDir, 'pings.json'), `${JSON.stringify(result, null, 2)}\n`);
    log('wrote bench/results/pings.json');
    if (!result.pass) process.exitCode = 1;
  } finally {
    frontend?.kill('SIGKILL');
    await database.stop();
  }
}

await main();
