#!/usr/bin/env node
// Quick-start smoke test (run by .ci/run after npm test): `npm start` exactly as the README says, on
// free ports, with its embedded Postgres, must serve all three services, then stop cleanly when
// SIGINT is sent to the npm process itself (not to a terminal's process group) with exit code 0,
// and leave nothing listening. Any failure, including a crash of this script, is counted.
import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './free-port.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const started = Date.now();
const results = [];
const check = (what, ok) => results.push([what, Boolean(ok)]);

async function ready(url) {
  for (let i = 0; i < 240; i++) {
    try {
      const response = await fetch(url);
      if (response.ok) return true;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return false;
}

async function smoke() {
  const ports = { frontend: await freePort(), beacon: await freePort(), worker: await freePort(), postgres: await freePort() };
  const env = {
    ...process.env,
    FRONTEND_PORT: String(ports.frontend),
    BEACON_PORT: String(ports.beacon),
    WORKER_PORT: String(ports.worker),
    PGPORT: String(ports.postgres),
    LOG_LEVEL: 'warn',
  };
  delete env.DATABASE_URL; // the README's path: embedded Postgres
  // Output goes through pipes of this process (not inherited): services left running by a failed
  // stop must not keep the caller's pipe (CI's tee) open.
  const npm = spawn('npm', ['start'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  npm.stdout.on('data', (chunk) => {
    output += chunk;
  });
  npm.stderr.on('data', (chunk) => process.stderr.write(chunk));
  const exited = new Promise((resolve) => npm.once('exit', (code, signal) => resolve(signal ?? code)));

  for (const name of ['frontend', 'beacon', 'worker']) {
    check(`${name} ready on its port`, await ready(`http://127.0.0.1:${ports[name]}/readyz`));
  }
  const page = await fetch(`http://127.0.0.1:${ports.frontend}/signup`).catch(() => undefined);
  check('sign-up page renders', page?.ok && (await page.text()).includes('<form'));

  process.kill(npm.pid, 'SIGINT');
  const code = await Promise.race([exited, new Promise((resolve) => setTimeout(() => resolve('timeout'), 60_000))]);
  check(`SIGINT to the npm process stops everything (exit ${code})`, code === 0 && output.includes('[pingdummy] stopped'));
  const listening = await Promise.all(
    Object.values(ports).map(
      (port) =>
        new Promise((resolve) => {
          const socket = net.connect(port, '127.0.0.1');
          socket.once('connect', () => {
            socket.destroy();
            resolve(true);
          });
          socket.once('error', () => resolve(false));
        }),
    ),
  );
  check('nothing left listening (services and Postgres)', !listening.some(Boolean));
}

try {
  await smoke();
} catch (error) {
  check(`smoke test ran to the end (${error instanceof Error ? error.message : error})`, false);
}
for (const [what, ok] of results) console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
const failed = results.filter(([, ok]) => !ok).length;
console.log(`(${Math.round((Date.now() - started) / 1000)} s)`);
console.log(`smoke: ${results.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
