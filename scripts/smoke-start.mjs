#!/usr/bin/env node
// Quick-start smoke test (run by .ci/run after npm test): `node scripts/start.mjs` on spare ports, with
// its embedded Postgres, must serve all three services, then stop cleanly on SIGINT with exit code 0
// and leave nothing listening.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ports = { FRONTEND_PORT: '13000', BEACON_PORT: '13001', WORKER_PORT: '13002', PGPORT: '15433' };
const started = Date.now();
const child = spawn(process.execPath, [path.join(root, 'scripts/start.mjs')], {
  env: { ...process.env, ...ports, LOG_LEVEL: 'warn' },
  stdio: ['ignore', 'pipe', 'inherit'],
});
let output = '';
child.stdout.on('data', (chunk) => {
  output += chunk;
});

async function healthy(url) {
  for (let i = 0; i < 120; i++) {
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

const results = [];
for (const [name, port] of [['frontend', 13000], ['beacon', 13001], ['worker', 13002]]) {
  results.push([`${name} ready on ${port}`, await healthy(`http://127.0.0.1:${port}/readyz`)]);
}
const page = await fetch('http://127.0.0.1:13000/signup').catch(() => undefined);
results.push(['sign-up page renders', Boolean(page?.ok && (await page.text()).includes('<form'))]);

child.kill('SIGINT');
const code = await new Promise((resolve) => child.once('exit', (exitCode) => resolve(exitCode)));
results.push([`Ctrl-C stops everything (exit ${code})`, code === 0 && output.includes('[pingdummy] stopped')]);
const listening = await Promise.all(
  [13000, 13001, 13002].map((port) => fetch(`http://127.0.0.1:${port}/healthz`).then(() => true, () => false)),
);
results.push(['nothing left listening', !listening.some(Boolean)]);

for (const [what, ok] of results) console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
const failed = results.filter(([, ok]) => !ok).length;
console.log(`quick start smoke: ${results.length - failed} passed, ${failed} failed (${Math.round((Date.now() - started) / 1000)} s)`);
process.exit(failed ? 1 : 0);
