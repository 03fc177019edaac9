export type CheckState = 'pending' | 'up' | 'down' | 'degraded';
/**
 * What one region saw at one due time. `infra_error`: the round says nothing about the target, because the
 * beacon could not be asked or refused to go there (see outcomeOfProbe).
 */
export type ProbeOutcome = 'up' | 'down' | 'degraded' | 'infra_error';

/**
 * Beacon error classes that describe this installation, not the target. `blocked_address`: the address policy
 * refused the destination (loopback, private, ... outside BEACON_ALLOW_CIDRS) before any packet was sent; that
 * is a configuration problem, so it must not page anyone as an outage. The check page shows it as "blocked by
 * address policy" from the stored error class.
 */
const NOT_ABOUT_THE_TARGET: ReadonlySet<string> = new Set(['blocked_address']);

/** One beacon result as a vote: failures caused by this installation's own policy are not votes. */
export function outcomeOfProbe(result: { ok: boolean; errorClass: string | null }, slow: boolean): ProbeOutcome {
  if (result.ok) return slow ? 'degraded' : 'up';
  return result.errorClass !== null && NOT_ABOUT_THE_TARGET.has(result.errorClass) ? 'infra_error' : 'down';
}

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
 * 1. Infra errors (beacon unreachable, address refused by policy) are left out; with no real result the
 *    state and counters stay as they were, so such rounds never open or resolve an incident.
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
