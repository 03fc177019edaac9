export type CheckState = 'pending' | 'up' | 'down' | 'degraded';
/** What one region saw at one due time. `infra_error`: the beacon could not be asked. */
export type ProbeOutcome = 'up' | 'down' | 'degraded' | 'infra_error';

export interface StateBefore {
  state: CheckState;
  consecutiveFailures: number;
  consecutiveSuccesses: number;
  failuresBeforeDown: number;
  recoveriesBeforeUp: number;
}

export interface StateAfter {
  state: CheckState;
  consecutiveFailures: number;
  consecutiveSuccesses: number;
  /** False when no region produced a real result: the round says nothing about the target. */
  counted: boolean;
}

/**
 * Decides a check's state after one round (one due time, every region), by quorum.
 * 1. Infra errors are left out; with no real result the state and counters stay as they were.
 * 2. The round fails when a strict majority of the regions that answered saw the target fail.
 * 3. "down" after `failuresBeforeDown` failed rounds in a row; from "down", "up" again after
 *    `recoveriesBeforeUp` good rounds in a row.
 * 4. A good round is "degraded" when a strict majority of the regions saw it slower than the threshold.
 */
export function decideState(before: StateBefore, outcomes: ProbeOutcome[]): StateAfter {
  const real = outcomes.filter((outcome) => outcome !== 'infra_error');
  if (real.length === 0) {
    return { ...pickCounters(before), state: before.state, counted: false };
  }
  const failed = real.filter((outcome) => outcome === 'down').length > real.length / 2;
  if (failed) {
    const consecutiveFailures = before.consecutiveFailures + 1;
    const state = consecutiveFailures >= before.failuresBeforeDown ? 'down' : before.state;
    return { state, consecutiveFailures, consecutiveSuccesses: 0, counted: true };
  }
  const slow = real.filter((outcome) => outcome === 'degraded').length > real.length / 2;
  const consecutiveSuccesses = before.consecutiveSuccesses + 1;
  const recovered = before.state !== 'down' || consecutiveSuccesses >= before.recoveriesBeforeUp;
  const state = recovered ? (slow ? 'degraded' : 'up') : 'down';
  return { state, consecutiveFailures: 0, consecutiveSuccesses, counted: true };
}

function pickCounters(before: StateBefore) {
  return { consecutiveFailures: before.consecutiveFailures, consecutiveSuccesses: before.consecutiveSuccesses };
}
