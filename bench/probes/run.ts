// bench/probes: sustained probing throughput of worker + beacon + Postgres on this machine.
//   node --import tsx bench/probes/run.ts --checks 30000 --interval 30 --seconds 120 --workers 1
// Prints a summary and writes bench/results/probes.json. Targets: 1,000 probes/s, lag p99 < 1 s, zero
// duplicates and zero misses.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync, chmodSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { findFreePort, runMigrations, startEmbeddedPostgres } from '@pingdummy/shared';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { values } = parseArgs({
  options: {
    checks: { type: 'string', default: '30000' },
    interval: { type: 'string', default: '30' },
    seconds: { type: 'string', default: '120' },
    workers: { type: 'string', default: '1' },
    targets: { type: 'string', default: '4' },
    'beacon-processes': { type: 'string', default: '1' },
  },
});
const CHECKS = Number(values.checks);
const INTERVAL = Number(values.interval);
const SECONDS = Number(values.seconds);
const WORKERS = Number(values.workers);
const TARGETS = Number(values.targets);
const BEACON_PROCESSES = Number(values['beacon-processes']);
const TOKEN = 'bench-beacon-token-0123456789';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const log = (line: string) => process.stdout.write(`[bench] ${line}\n`);

/** utime + stime of a process, in seconds, from /proc. */
function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}
function peakRssMb(pid: number): number {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Math.round(Number(match[1]) / 1024) : 0;
  } catch {
    return 0;
  }
}
function readProc(pid: number, file: string): string {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return '';
  }
}
/** A process and its direct children (Postgres backends, cluster-forked beacons). */
function processTree(pid: number | undefined): number[] {
  if (pid === undefined) return [];
  const all = readdirSync('/proc').filter((name) => /^\d+$/.test(name)).map(Number);
  return [pid, ...all.filter((other) => new RegExp(`^PPid:\\s+${pid}$`, 'm').test(readProc(other, 'status')))];
}
/** The Postgres server whose command line mentions `dataDir`, and every backend it forked. */
function postgresPids(dataDir: string): number[] {
  const all = readdirSync('/proc').filter((name) => /^\d+$/.test(name)).map(Number);
  return processTree(all.find((pid) => readProc(pid, 'cmdline').includes(dataDir)));
}

function startNode(entry: string, env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [path.join(root, entry)], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}
async function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve) => child.stdout!.once('data', (chunk: Buffer) => resolve(chunk.toString().split('\n')[0]!)));
}
async function waitHealthy(url: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
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

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'pingdummy-bench-'));
chmodSync(dataDir, 0o755);
const postgres = await startEmbeddedPostgres({ dataDir: path.join(dataDir, 'pg'), persistent: false });
const databaseUrl = postgres.adminUrl;
await runMigrations(databaseUrl);
const db = new pg.Pool({ connectionString: databaseUrl, max: 4 });

const targets = Array.from({ length: TARGETS }, () => spawn(process.execPath, [path.join(root, 'bench/probes/target-server.mjs')], { stdio: ['ignore', 'pipe', 'inherit'] }));
const targetPorts = await Promise.all(targets.map(async (child) => JSON.parse(await firstLine(child)).port as number));

const beaconPort = await findFreePort();
const beacon = startNode('services/beacon/dist/main.js', {
  PORT: String(beaconPort),
  BEACON_TOKEN: TOKEN,
  PGDUMMY_REGION: 'bench',
  BEACON_ALLOW_CIDRS: '127.0.0.1/32',
  BEACON_CONCURRENCY: '1000',
  BEACON_PROCESSES: String(BEACON_PROCESSES),
  LOG_LEVEL: 'warn',
});
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
  startNode('services/worker/dist/main.js', {
    DATABASE_URL: databaseUrl,
    BEACON_URLS: `bench=http://127.0.0.1:${beaconPort}`,
    BEACON_TOKEN: TOKEN,
    WORKER_ID: `bench-${index}`,
    PORT: String(workerPorts[index]),
    LOG_LEVEL: 'warn',
  }),
);
await Promise.all(workers.map((_, index) => waitHealthy(`http://127.0.0.1:${workerPorts[index]}/healthz`)));

const pgPids = postgresPids(path.join(dataDir, 'pg'));
const beaconPids = processTree(beacon.pid);
const measured = [...workers.map((child) => child.pid!), ...beaconPids];
const cpuAtStart = new Map([...measured, ...pgPids].map((pid) => [pid, cpuSeconds(pid)]));
log(`running ${SECONDS} s from ${start.toISOString()}`);
await sleep(start.getTime() - Date.now() + SECONDS * 1000);
const pgPidsEnd = [...new Set([...pgPids, ...postgresPids(path.join(dataDir, 'pg'))])];
const cpu = (pids: number[]) => pids.reduce((sum, pid) => sum + cpuSeconds(pid) - (cpuAtStart.get(pid) ?? 0), 0);
const cpuWorkers = cpu(workers.map((child) => child.pid!));
const cpuBeacon = cpu(beaconPids);
const cpuPostgres = cpu(pgPidsEnd);
const rss = { workersMb: workers.map((child) => peakRssMb(child.pid!)), beaconMb: beaconPids.reduce((sum, pid) => sum + peakRssMb(pid), 0) };
await Promise.all(workers.map(stop));
const end = new Date();

// Due times whose probe had time to finish (timeout 5 s + lease margin), inside the run window.
const windowEnd = new Date(start.getTime() + SECONDS * 1000 - 20_000);
const stats = await db.query(
  `SELECT count(*)::int AS probes,
          count(*) FILTER (WHERE outcome = 'up')::int AS up,
          percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM started_at - scheduled_at)) AS lag_p50,
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
const report = {
  when: new Date().toISOString(),
  machine: { cpus: os.cpus().length, node: process.version },
  params: { checks: CHECKS, intervalSeconds: INTERVAL, seconds: SECONDS, workers: WORKERS, targets: TARGETS, beaconProcesses: BEACON_PROCESSES },
  probesPerSecond: Math.round(probes / windowSeconds),
  targetProbesPerSecond: Math.round(CHECKS / INTERVAL),
  lagSeconds: { p50: Number(row.lag_p50?.toFixed(3)), p99: Number(row.lag_p99?.toFixed(3)), max: Number(row.lag_max?.toFixed(3)) },
  upRatio: probes ? Number((row.up / probes).toFixed(4)) : 0,
  duplicates: Math.max(0, totalHits - (totalResults.rows[0].n as number)),
  misses: Math.max(0, (expected.rows[0].n as number) - probes) + (neverProbed.rows[0].n as number),
  cpuSecondsPer1000Probes: {
    workers: Number(((cpuWorkers / probes) * 1000).toFixed(3)),
    beacon: Number(((cpuBeacon / probes) * 1000).toFixed(3)),
    postgres: Number(((cpuPostgres / probes) * 1000).toFixed(3)),
  },
  peakRss: rss,
  durationSeconds: Math.round((end.getTime() - start.getTime()) / 1000),
};
console.log(JSON.stringify(report, null, 2));
mkdirSync(path.join(root, 'bench/results'), { recursive: true });
writeFileSync(path.join(root, 'bench/results/probes.json'), `${JSON.stringify(report, null, 2)}\n`);

await stop(beacon);
await Promise.all(targets.map(stop));
await db.end();
await postgres.stop();
