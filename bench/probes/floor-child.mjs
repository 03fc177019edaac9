// bench/probes/floor-child.mjs: one measurement of bench/probes/floor.ts, in its own process.
//   node bench/probes/floor-child.mjs <http|probe> <port> <rate> <seconds> <warmup seconds> <slot ms>
// Plain JavaScript, run without the tsx loader, so the measured process is a bare Node process like the
// beacon in production. Prints one JSON line: CPU-ms per request over the measured seconds.
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
const round3 = (value) => Number(value.toFixed(3));

/** One request by the chosen mode; resolves true when the target answered 200 and the body was read. */
async function oneRequestFn(mode, port) {
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
  if (mode !== 'probe') throw new Error(`unknown mode ${mode}: http or probe`);
  const { runProbe } = await import(path.join(root, 'services/beacon/dist/index.js'));
  const settings = { allowCidrs: ['127.0.0.1/32'], maxRedirects: 5, maxBodyBytes: 65_536, userAgent: 'Pingdummy-Beacon/floor' };
  const spec = { id: 'floor', url, method: 'GET', headers: {}, timeoutMs: 5_000, expectedStatus: [[200, 299]], maxRedirects: 5 };
  return async () => (await runProbe(spec, settings)).ok;
}

/** Starts `rate` requests a second in `slotMs` slots for `seconds`; resolves with each request's outcome. */
async function runAtRate(one, rate, seconds, slotMs) {
  const perSlot = (rate * slotMs) / 1000;
  const slots = Math.round((seconds * 1000) / slotMs);
  const pending = [];
  const startedAt = performance.now();
  for (let slot = 0; slot < slots; slot++) {
    // Fractional rates per slot accumulate, so 5 per second means one every other slot.
    const due = Math.floor((slot + 1) * perSlot) - Math.floor(slot * perSlot);
    for (let i = 0; i < due; i++) pending.push(one());
    await sleep(startedAt + (slot + 1) * slotMs - performance.now());
  }
  return Promise.all(pending);
}

const [mode, port, rate, seconds, warmup, slotMs] = process.argv.slice(2);
const one = await oneRequestFn(mode, Number(port));
const warmupFailed = (await runAtRate(one, Number(rate), Number(warmup), Number(slotMs))).filter((ok) => !ok).length;
const before = process.cpuUsage();
const outcomes = await runAtRate(one, Number(rate), Number(seconds), Number(slotMs));
const cpu = process.cpuUsage(before);
const perRequest = (micros) => round3(micros / 1000 / outcomes.length);
process.stdout.write(
  JSON.stringify({
    mode,
    rate: Number(rate),
    slotMs: Number(slotMs),
    requests: outcomes.length,
    // A failure while warming up fails the run as well: the floor is only the floor when every request succeeds.
    failed: warmupFailed + outcomes.filter((ok) => !ok).length,
    cpuMsPerRequest: { total: perRequest(cpu.user + cpu.system), user: perRequest(cpu.user), system: perRequest(cpu.system) },
  }),
);
