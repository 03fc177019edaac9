import { createLogger } from '@pingdummy/shared';
import { WakeableLoop } from '../src/wakeable-loop.js';
import { sleep, waitFor } from './helpers.js';

/** The sleep-until-work loop behind the notifier and heartbeat evaluation, on real timers. */

const errors: Array<Record<string, unknown>> = [];
const logger = createLogger('test', 'error', { write: (line: string) => void errors.push(JSON.parse(line)) });
const loops: WakeableLoop[] = [];

afterEach(async () => {
  await Promise.all(loops.splice(0).map((loop) => loop.stop()));
});

function startLoop(run: () => Promise<Date | null>, options: { minGapMs?: number; maxIdleMs?: number } = {}) {
  const starts: number[] = [];
  const loop = new WakeableLoop({
    name: 'test',
    logger,
    run: () => {
      starts.push(Date.now());
      return run();
    },
    minGapMs: options.minGapMs ?? 0,
    maxIdleMs: options.maxIdleMs ?? 60_000,
  });
  loops.push(loop);
  loop.start();
  return { loop, starts };
}

test('sleeps until the time a pass asks for, and at most maxIdleMs when it asks for nothing', async () => {
  const asked = startLoop(async () => new Date(Date.now() + 300));
  const idle = startLoop(async () => null, { maxIdleMs: 400 });
  await sleep(1_000);
  // Timers may fire late on a busy machine, never early: counts have a floor, gaps are exact lower bounds.
  expect(asked.starts.length).toBeGreaterThanOrEqual(2);
  expect(asked.starts.length).toBeLessThanOrEqual(4);
  expect(idle.starts.length).toBeGreaterThanOrEqual(2);
  expect(idle.starts.length).toBeLessThanOrEqual(3);
  const gaps = (starts: number[]) => starts.slice(1).map((start, i) => start - starts[i]!);
  for (const gap of gaps(asked.starts)) expect(gap).toBeGreaterThanOrEqual(295);
  for (const gap of gaps(idle.starts)) expect(gap).toBeGreaterThanOrEqual(395);
});

test('a wake-up runs a pass at once; a burst of them runs one pass per minGapMs', async () => {
  const { loop, starts } = startLoop(async () => null, { minGapMs: 200 });
  await sleep(300);
  expect(starts).toHaveLength(1);
  const wokenAt = Date.now();
  loop.wake();
  await waitFor(async () => starts.length === 2 || null, 2_000, 'the woken pass');
  // At once: far sooner than the 60 s idle sleep.
  expect(starts[1]! - wokenAt).toBeLessThan(250);
  for (let i = 0; i < 20; i++) {
    loop.wake();
    await sleep(10);
  }
  await sleep(300);
  // 20 wake-ups over at least 200 ms: more passes, but never two within 200 ms.
  expect(starts.length).toBeGreaterThanOrEqual(3);
  expect(starts.length).toBeLessThanOrEqual(2 + Math.ceil((Date.now() - wokenAt) / 200));
  for (let i = 1; i < starts.length; i++) expect(starts[i]! - starts[i - 1]!).toBeGreaterThanOrEqual(195);
});

test('a wake-up during a pass runs another pass right after it; passes never overlap', async () => {
  let inPass = 0;
  let overlapped = false;
  const { loop, starts } = startLoop(async () => {
    inPass += 1;
    overlapped ||= inPass > 1;
    await sleep(200);
    inPass -= 1;
    return null;
  });
  await sleep(50);
  loop.wake();
  loop.wake();
  await sleep(300);
  expect(starts).toHaveLength(2);
  expect(starts[1]! - starts[0]!).toBeGreaterThanOrEqual(195);
  expect(starts[1]! - starts[0]!).toBeLessThan(500);
  expect(overlapped).toBe(false);
});

test('a failed pass is logged with the loop name and retried, not fatal; stop waits for the pass in flight', async () => {
  let fail = true;
  let finished = false;
  const { loop, starts } = startLoop(
    async () => {
      if (fail) {
        fail = false;
        throw new Error('database unreachable');
      }
      await sleep(150);
      finished = true;
      return null;
    },
    { maxIdleMs: 100 },
  );
  await sleep(160);
  expect(errors).toEqual([expect.objectContaining({ job: 'test', msg: 'job failed; retrying' })]);
  expect(starts).toHaveLength(2);
  await loop.stop();
  expect(finished).toBe(true);
  await sleep(200);
  expect(starts).toHaveLength(2);
});
