// bench/probes/floor.ts: what one probe costs at the bottom, on this machine, without the scheduler around it.
//   node --import tsx bench/probes/floor.ts --rates 50,1000 --seconds 30
// For each rate, two modes, each in a fresh process against a local target server (its own process):
//   http:  Node's bare http.get on a fresh connection (agent: false), nothing else: the floor;
//   probe: the beacon's runProbe (address policy, timings, redirects, body read, result).
// Requests start in 100 ms slots, as the worker hands probes to the beacon. Prints CPU-ms per request
// (user and system) and writes bench/results/probe-floor.json. The gap between the two modes is what the
// probe function adds; the rest of bench/probes' per-check cost is scheduling, recording and the hop.
import { spawn } from 'node:child_process';
import http from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const self = fileURLToPath(import.meta.url);
const root = path.resolve(path.dirname(self), '../..');
const SLOT_MS = 100;
const WARMUP_REQUESTS = 300;

const { values } = parseArgs({
  options: {
    rates: { type: 'string', default: '50,1000' },
    seconds: { type: 'string', default: '30' },
    repeat: { type: 'string', default: '2' },
    // Node/V8 flags for both modes' processes, e.g. --node-flags="--no-memory-reducer" (to compare runtime settings).
    'node-flags': { type: 'string' },
    // Internal: one measurement in this process.
    child: { type: 'string' },
    port: { type: 'string' },
    rate: { type: 'string' },
  },
});

const NODE_FLAGS = values['node-flags']?.split(/\s+/).filter(Boolean) ?? [];

type Mode = 'http' | 'probe';
interface Measurement {
  mode: Mode;
  rate: number;
  requests: number;
  failed: number;
  cpuMsPerRequest: { total: number; user: number; system: number };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const round3 = (value: number) => Number(value.toFixed(3));

/** One request by the chosen mode; resolves true when the target answered 200 and the body was read. */
async function oneRequestFn(mode: Mode, port: number): Promise<() => Promise<boolean>> {
  const url = `http://127.0.0.1:${port}/floor`;
  if (mode === 'http') {
    return () =>
      new Promise((resolve) => {
        const request = http.get(url, { agent: false }, (response) => {
          response.resume();
          response.once('end', () => resolve(response.statusCode === 200));
        });
        request.once('error', () => resolve(false));
      });
  }
  const { runProbe } = await import(path.join(root, 'services/beacon/dist/index.js'));
  const settings = { allowCidrs: ['127.0.0.1/32'], maxRedirects: 5, maxBodyBytes: 65_536, userAgent: 'Pingdummy-Beacon/floor' };
  const spec = { id: 'floor', url, method: 'GET', headers: {}, timeoutMs: 5_000, expectedStatus: [[200, 299]], maxRedirects: 5 };
  return async () => (await runProbe(spec, settings)).ok;
}

/** Child: warms up, then starts `rate` requests a second in 100 ms slots for `seconds`, and reports its own CPU. */
async function measure(mode: Mode, port: number, rate: number, seconds: number): Promise<Measurement> {
  const one = await oneRequestFn(mode, port);
  for (let i = 0; i < WARMUP_REQUESTS; i++) await one();
  const perSlot = (rate * SLOT_MS) / 1000;
  const slots = (seconds * 1000) / SLOT_MS;
  const before = process.cpuUsage();
  const pending: Promise<boolean>[] = [];
  const startedAt = performance.now();
  for (let slot = 0; slot < slots; slot++) {
    // Fractional rates per slot accumulate, so 5 per second means one every other slot.
    const due = Math.floor((slot + 1) * perSlot) - Math.floor(slot * perSlot);
    for (let i = 0; i < due; i++) pending.push(one());
    await sleep(startedAt + (slot + 1) * SLOT_MS - performance.now());
  }
  const outcomes = await Promise.all(pending);
  const cpu = process.cpuUsage(before);
  const perRequest = (micros: number) => round3(micros / 1000 / outcomes.length);
  return {
    mode,
    rate,
    requests: outcomes.length,
    failed: outcomes.filter((ok) => !ok).length,
    cpuMsPerRequest: { total: perRequest(cpu.user + cpu.system), user: perRequest(cpu.user), system: perRequest(cpu.system) },
  };
}

async function runChild(mode: Mode, port: number, rate: number, seconds: number): Promise<Measurement> {
  const child = spawn(process.execPath, [...NODE_FLAGS, '--import', 'tsx', self, '--child', mode, '--port', String(port), '--rate', String(rate), '--seconds', String(seconds)], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`floor child ${mode} at ${rate}/s exited with ${code}`);
  return JSON.parse(output) as Measurement;
}

if (values.child) {
  const result = await measure(values.child as Mode, Number(values.port), Number(values.rate), Number(values.seconds));
  process.stdout.write(JSON.stringify(result));
} else {
  const rates = values.rates.split(',').map(Number);
  const seconds = Number(values.seconds);
  const repeat = Number(values.repeat);
  for (const [name, value] of Object.entries({ rate: Math.min(...rates), seconds, repeat })) {
    if (!(Number.isFinite(value) && value > 0)) throw new Error(`--${name === 'rate' ? 'rates' : name} must be positive`);
  }
  const target = spawn(process.execPath, [path.join(root, 'bench/probes/target-server.mjs')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve) => target.stdout!.once('data', (chunk: Buffer) => resolve(JSON.parse(chunk.toString().split('\n')[0]!).port)));
  const runs: Measurement[] = [];
  try {
    for (const rate of rates) {
      // Modes alternate within a repeat, so a change in machine load touches both.
      for (let attempt = 0; attempt < repeat; attempt++) {
        for (const mode of ['http', 'probe'] as const) {
          const result = await runChild(mode, port, rate, seconds);
          if (result.failed > 0) throw new Error(`${result.failed} of ${result.requests} ${mode} requests failed at ${rate}/s`);
          runs.push(result);
          const cpu = result.cpuMsPerRequest;
          process.stdout.write(`[floor] ${mode.padEnd(5)} ${rate}/s: ${cpu.total} CPU-ms per request (user ${cpu.user}, system ${cpu.system}), ${result.requests} requests\n`);
        }
      }
    }
  } finally {
    target.kill('SIGTERM');
  }
  mkdirSync(path.join(root, 'bench/results'), { recursive: true });
  const report = { when: new Date().toISOString(), machine: { cpus: os.cpus().length, node: process.version, loadAverage: os.loadavg() }, slotMs: SLOT_MS, seconds, nodeFlags: NODE_FLAGS, runs };
  writeFileSync(path.join(root, 'bench/results/probe-floor.json'), `${JSON.stringify(report, null, 2)}\n`);
}
