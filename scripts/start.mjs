#!/usr/bin/env node
// `npm start`: runs Pingdummy locally. Starts an embedded Postgres unless DATABASE_URL is set, applies
// migrations, then runs beacon (3001), worker (3002) and frontend (3000) as child processes with the same
// environment they get in production. Ctrl-C stops everything, Postgres last.
// `npm start` runs this file with `exec`, so npm's own signal forwarding reaches it: SIGINT or
// SIGTERM sent to the npm process stops everything just like Ctrl-C in the terminal.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';


const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = path.join(root, '.data');
const say = (line) => process.stdout.write(`[pingdummy] ${line}\n`);

/** Local secrets are made once and kept in the git-ignored .data folder, so sessions survive restarts. */
function localSecrets() {
  const file = path.join(dataDir, 'local-secrets.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8'));
  mkdirSync(dataDir, { recursive: true });
  const secrets = { beaconToken: randomBytes(24).toString('hex'), sessionSecret: randomBytes(32).toString('hex') };
  writeFileSync(file, JSON.stringify(secrets), { mode: 0o600 });
  return secrets;
}

const ports = {
  frontend: Number(process.env.FRONTEND_PORT ?? 3000),
  beacon: Number(process.env.BEACON_PORT ?? 3001),
  worker: Number(process.env.WORKER_PORT ?? 3002),
};

/** Starts scripts/embedded-postgres.mjs detached (its own process group) and waits for its URL. */
async function startPostgresProcess() {
  const child = spawn(process.execPath, [path.join(root, 'scripts/embedded-postgres.mjs'), path.join(dataDir, 'postgres'), process.env.PGPORT ?? '5433'], {
    detached: true,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise((resolve, reject) => {
    let buffer = '';
    child.stdout.on('data', (chunk) => {
      buffer += chunk;
      if (buffer.includes('\n')) resolve(buffer.split('\n')[0]);
    });
    child.once('exit', (code) => reject(new Error(`embedded Postgres exited (${code}) before it was ready`)));
  });
  return { child, adminUrl: JSON.parse(line).adminUrl };
}

/** Builds the services (turbo, cached) unless --no-build; an interrupted build stops here. */
async function buildServices() {
  if (process.argv.includes('--no-build')) return;
  const turbo = path.join(root, 'node_modules/turbo/bin/turbo');
  const args = ['run', 'build', '--output-logs=errors-only', '--filter=./packages/*', '--filter=./services/*'];
  const code = await new Promise((resolve) => {
    const child = spawn(process.execPath, [turbo, ...args], { cwd: root, stdio: 'inherit' });
    const stop = () => child.kill('SIGINT');
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    child.on('close', (exitCode, signal) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(signal ? 1 : exitCode);
    });
  });
  if (code !== 0) {
    say(`build failed (exit ${code}); nothing started`);
    process.exit(code || 1);
  }
}

await buildServices();
// Imported after the build: @pingdummy/shared is one of the packages built above.
const { runMigrations } = await import('@pingdummy/shared');

let postgres;
let children = [];
let shuttingDown = false;
// Registered before Postgres starts, so an early Ctrl-C still stops whatever has started.
process.on('SIGINT', () => shutdown(0));
process.on('SIGTERM', () => shutdown(0));
// Detached children outlive a crashed launcher unless told to stop.
process.on('exit', () => {
  for (const { child } of [...children, ...(postgres ? [postgres] : [])]) if (child.exitCode === null) child.kill('SIGTERM');
});
let databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) {
  say('DATABASE_URL is not set: starting embedded Postgres (data in .data/postgres)');
  postgres = await startPostgresProcess();
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: postgres.adminUrl });
  await client.connect();
  const exists = await client.query(`SELECT 1 FROM pg_database WHERE datname = 'pingdummy'`);
  if (exists.rowCount === 0) await client.query('CREATE DATABASE pingdummy');
  await client.end();
  const url = new URL(postgres.adminUrl);
  url.pathname = '/pingdummy';
  databaseUrl = url.toString();
}
await runMigrations(databaseUrl);
say('migrations applied');

const secrets = localSecrets();
const region = process.env.PGDUMMY_REGION ?? 'local';
const common = { ...process.env, DATABASE_URL: databaseUrl, BEACON_TOKEN: process.env.BEACON_TOKEN ?? secrets.beaconToken };
const services = [
  {
    name: 'beacon',
    entry: 'services/beacon/dist/main.js',
    env: { PORT: String(ports.beacon), PGDUMMY_REGION: region },
  },
  {
    name: 'worker',
    entry: 'services/worker/dist/main.js',
    env: {
      PORT: String(ports.worker),
      BEACON_URLS: process.env.BEACON_URLS ?? `${region}=http://127.0.0.1:${ports.beacon}`,
      PUBLIC_URL: process.env.PUBLIC_URL ?? `http://localhost:${ports.frontend}`,
    },
  },
  {
    name: 'frontend',
    entry: 'services/frontend/dist/main.js',
    env: {
      PORT: String(ports.frontend),
      SESSION_SECRET: process.env.SESSION_SECRET ?? secrets.sessionSecret,
      // The frontend never sees SMTP_URL (it may hold a password); it only learns whether email works.
      EMAIL_DELIVERY_CONFIGURED: process.env.EMAIL_DELIVERY_CONFIGURED ?? String(Boolean(process.env.SMTP_URL || process.env.SES_REGION)),
      COOKIE_SECURE: process.env.COOKIE_SECURE ?? 'false',
    },
  },
];

children = services.map((service) => {
  const child = spawn(process.execPath, [path.join(root, service.entry)], {
    env: { ...common, ...service.env },
    stdio: ['ignore', 'inherit', 'inherit'],
    detached: true, // a terminal Ctrl-C reaches only this launcher, which stops the services in order
  });
  child.on('exit', (code, signal) => {
    if (!shuttingDown) {
      say(`${service.name} exited (${signal ?? code}); stopping everything`);
      shutdown(1);
    }
  });
  return { ...service, child };
});

async function shutdown(exitCode = 0) {
  if (shuttingDown) return;
  shuttingDown = true;
  say('stopping services...');
  await Promise.all(
    children.map(
      ({ child }) =>
        new Promise((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', resolve);
          child.kill('SIGTERM');
        }),
    ),
  );
  if (postgres && postgres.child.exitCode === null) {
    say('stopping embedded Postgres...');
    await new Promise((resolve) => {
      postgres.child.once('exit', resolve);
      postgres.child.kill('SIGTERM');
    });
  }
  say('stopped');
  process.exit(exitCode);
}

say(`frontend  http://localhost:${ports.frontend}`);
say(`beacon    http://localhost:${ports.beacon}/healthz   (internal prober, region ${region})`);
say(`worker    http://localhost:${ports.worker}/healthz`);
say('press Ctrl-C to stop');
