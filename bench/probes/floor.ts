// bench/probes/floor.ts: what one probe costs at the bottom, on this machine, without the scheduler around it.
//   node --import tsx bench/probes/floor.ts --rates 50,1000 --seconds 30 --warmup 120
// For each rate, two modes, each in a fresh plain Node process (bench/probes/floor-child.mjs, no tsx loader)
// against a local target server (its own process):
//   http:  Node's bare http.get on a fresh connection (agent: false), nothing else: the floor;
//   probe: the beacon's runProbe (address policy, timings, redirects, body read, result).
// Requests start in --slot-ms slots (default 100), as the worker groups probes for the beacon (100 ms on a
// busy installation, up to WORKER_MAX_START_DELAY_MS on a small one). Each process first runs --warmup
// seconds at the same rate: at 50 requests/s V8 takes about 100 s to optimise the request path, and a
// service runs for days, so the steady state is what counts (the first 30 s cost about twice as much).
// Prints CPU-ms per request (user and system) and writes bench/results/probe-floor.json. The gap between
// the two modes is what the probe function adds; the rest of bench/probes' per-check cost is scheduling,
// recording and the hop.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');

const { values } = parseArgs({
  options: {
    rates: { type: 'string', default: '50,1000' },
    seconds: { type: 'string', default: '30' },
    repeat: { type: 'string', default: '2' },
    // Seconds at the measured rate before measuring (see above).
    warmup: { type: 'string', default: '120' },
    // Requests due within one slot start together at its end; e.g. --slot-ms 500 for a small installation's groups.
    'slot-ms': { type: 'string', default: '100' },
    // Node/V8 flags for both modes' processes, e.g. --node-flags="--no-memory-reducer" (to compare runtime settings).
    'node-flags': { type: 'string' },
  },
});

const NODE_FLAGS = values['node-flags']?.split(/\s+/).filter(Boolean) ?? [];

type Mode = 'http' | 'probe';
interface Measurement {
  mode: Mode;
  rate: number;
  requests: number;
  failed: number;
  slotMs: number;
  cpuMsPerRequest: { total: number; user: number; system: number };
}

/** One measurement in a fresh process (bench/probes/floor-child.mjs). */
async function runChild(mode: Mode, port: number, rate: number, seconds: number, warmup: number, slotMs: number): Promise<Measurement> {
  const args = [mode, String(port), String(rate), String(seconds), String(warmup), String(slotMs)];
  const child = spawn(process.execPath, [...NODE_FLAGS, path.join(here, 'floor-child.mjs'), ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`floor child ${mode} at ${rate}/s exited with ${code}`);
  return JSON.parse(output) as Measurement;
}

const rates = values.rates.split(',').map(Number);
const seconds = Number(values.seconds);
const repeat = Number(values.repeat);
const warmup = Number(values.warmup);
const slotMs = Number(values['slot-ms']);
for (const [name, value] of Object.entries({ rate: Math.min(...rates), seconds, repeat, 'slot-ms': slotMs })) {
  if (!(Number.isFinite(value) && value > 0)) throw new Error(`--${name === 'rate' ? 'rates' : name} must be positive`);
}
if (!(Number.isFinite(warmup) && warmup >= 0)) throw new Error('--warmup must be zero or more seconds');
const target = spawn(process.execPath, [path.join(root, 'bench/probes/target-server.mjs')], { stdio: ['ignore', 'pipe', 'inherit'] });
const port = await new Promise<number>((resolve) => target.stdout!.once('data', (chunk: Buffer) => resolve(JSON.parse(chunk.toString().split('\n')[0]!).port)));
const runs: Measurement[] = [];
try {
  for (const rate of rates) {
    // Modes alternate within a repeat, so a change in machine load touches both.
    for (let attempt = 0; attempt < repeat; attempt++) {
      for (const mode of ['http', 'probe'] as const) {
        const result = await runChild(mode, port, rate, seconds, warmup, slotMs);
        if (result.failed > 0) throw new Error(`${result.failed} of ${result.requests} ${mode} requests failed at ${rate}/s`);
        runs.push(result);
        const cpu = result.cpuMsPerRequest;
        process.stdout.write(`[floor] ${mode.padEnd(5)} ${rate}/s in ${slotMs} ms slots: ${cpu.total} CPU-ms per request (user ${cpu.user}, system ${cpu.system}), ${result.requests} requests\n`);
      }
    }
  }
} finally {
  target.kill('SIGTERM');
}
mkdirSync(path.join(root, 'bench/results'), { recursive: true });
const report = { when: new Date().toISOString(), machine: { cpus: os.cpus().length, node: process.version, loadAverage: os.loadavg() }, seconds, warmupSeconds: warmup, nodeFlags: NODE_FLAGS, runs };
writeFileSync(path.join(root, 'bench/results/probe-floor.json'), `${JSON.stringify(report, null, 2)}\n`);
