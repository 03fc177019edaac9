/**
 * Image benchmark: size of each service image and the time from container start to a 200 on
 * /readyz (target < 1 s), median of several starts. The worker and frontend are ready only with
 * their database, so a Postgres container runs first on a network this benchmark creates.
 *
 *   docker/build-images.sh && node --import tsx bench/images/run.ts [--starts 5] [--tag latest]
 *
 * Podman (with docker/podman-env.sh's settings) or docker: CONTAINER_ENGINE, default podman.
 * Traffic: only to the containers of this benchmark's network, through loopback-published ports.
 * Prints the figures and writes bench/results/images.json (git-ignored).
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { freePort } from '../../scripts/free-port.mjs';

const exec = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const { values: args } = parseArgs({ options: { starts: { type: 'string', default: '5' }, tag: { type: 'string', default: 'latest' } } });
const STARTS = Number(args.starts);
const TARGET_READY_SECONDS = 1;
const engine = process.env.CONTAINER_ENGINE ?? 'podman';
const env =
  engine === 'podman'
    ? { ...process.env, CONTAINERS_CONF: execFileSync('bash', ['-c', 'source docker/podman-env.sh && printf %s "$CONTAINERS_CONF"'], { cwd: root, encoding: 'utf8' }) }
    : process.env;
const run = async (...argv: string[]) => (await exec(engine, argv, { env, maxBuffer: 16 * 1024 * 1024 })).stdout.trim();

const network = `pingdummy-bench-${process.pid}`;
const DB_URL = 'postgres://bench:bench-only@postgres:5432/bench';
const SERVICES = {
  beacon: { port: 3001, env: { BEACON_TOKEN: 'bench-token-0123456789abcdef' } },
  worker: { port: 3002, env: { DATABASE_URL: DB_URL, BEACON_URLS: 'local=http://beacon-unused:3001', BEACON_TOKEN: 'bench-token-0123456789abcdef', MIGRATE_ON_START: 'true' } },
  frontend: { port: 3000, env: { DATABASE_URL: DB_URL, SESSION_SECRET: 'bench-session-secret-0123456789abcdef0123' } },
} as const;

async function readyAfter(url: string, timeoutMs: number): Promise<number | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return Date.now();
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return undefined;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const round = (value: number) => Math.round(value * 1000) / 1000;

async function measure(service: keyof typeof SERVICES) {
  const image = `pingdummy/${service}:${args.tag}`;
  const size = Number(await run('image', 'inspect', image, '--format', '{{.Size}}'));
  const starts: number[] = [];
  for (let i = 0; i < STARTS; i += 1) {
    const port = await freePort();
    const spec = SERVICES[service];
    const envArgs = Object.entries(spec.env).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
    const id = await run('create', '--network', network, '-p', `127.0.0.1:${port}:${spec.port}`, ...envArgs, image);
    try {
      await run('start', id);
      const ready = await readyAfter(`http://127.0.0.1:${port}/readyz`, 30_000);
      // StartedAt: when the runtime started the container's process (nanosecond timestamp).
      const startedAt = Date.parse(await run('inspect', id, '--format', '{{.State.StartedAt.Format "2006-01-02T15:04:05.000Z07:00"}}'));
      if (ready === undefined) throw new Error(`${image} not ready within 30 s`);
      starts.push((ready - startedAt) / 1000);
    } finally {
      await run('rm', '-f', '-v', '-t', '2', id).catch(() => '');
    }
  }
  return { image, sizeMB: round(size / 1e6), readySeconds: { runs: starts.map(round), median: round(median(starts)) } };
}

await run('network', 'create', network);
try {
  await run('run', '-d', '--name', `${network}-postgres`, '--network', network, '--network-alias', 'postgres', '-e', 'POSTGRES_USER=bench', '-e', 'POSTGRES_PASSWORD=bench-only', '-e', 'POSTGRES_DB=bench', 'docker.io/library/postgres:15');
  // Postgres ready: pg_isready inside its container.
  for (let i = 0; i < 120; i += 1) {
    const ok = await run('exec', `${network}-postgres`, 'pg_isready', '-U', 'bench', '-h', '127.0.0.1').then(() => true, () => false);
    if (ok) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const results: Record<string, Awaited<ReturnType<typeof measure>>> = {};
  for (const service of Object.keys(SERVICES) as (keyof typeof SERVICES)[]) {
    results[service] = await measure(service);
    const r = results[service];
    console.log(`${service.padEnd(9)} ${String(r.sizeMB).padStart(7)} MB   start -> /readyz median ${r.readySeconds.median.toFixed(3)} s (${r.readySeconds.runs.join(', ')})${r.readySeconds.median < TARGET_READY_SECONDS ? '' : '  ABOVE TARGET'}`);
  }
  mkdirSync(path.join(root, 'bench/results'), { recursive: true });
  writeFileSync(path.join(root, 'bench/results/images.json'), `${JSON.stringify({ engine, starts: STARTS, targetReadySeconds: TARGET_READY_SECONDS, results }, null, 2)}\n`);
} finally {
  await run('rm', '-f', '-v', `${network}-postgres`).catch(() => '');
  await run('network', 'rm', network).catch(() => '');
}
