import { startSlotMs } from '../src/probe-round.js';

// [probes in a beacon's share of a round (about a second's worth), WORKER_MAX_START_DELAY_MS, slot expected]
test.each([
  // Small rounds get the longest slot allowed, so their probes still start in groups: 50 probes a second
  // (1,000 checks every 20 s) would need 1 s to group 50, capped at the default 500 ms.
  [50, 500, 500],
  [50, 1000, 1000],
  [1, 500, 500],
  [0, 500, 500],
  // Busy rounds get 100 ms slots, sizes in between the shortest slot that groups about 50 probes.
  [500, 500, 100],
  [3000, 1000, 100],
  [250, 500, 200],
  [200, 500, 250],
  [150, 500, 500],
  // The cap is never exceeded, also between two slot lengths.
  [10, 100, 100],
  [10, 300, 250],
  [10, 999, 500],
])('%i probes with a cap of %i ms start in %i ms slots', (probes, maxStartDelayMs, expected) => {
  expect(startSlotMs(probes, maxStartDelayMs)).toBe(expected);
});
