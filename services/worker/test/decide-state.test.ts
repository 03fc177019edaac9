import { decideState, outcomeOfProbe, type StateBefore } from '../src/decide-state.js';
import { alertFor } from '../src/state-changes.js';
import { nextDueAt } from '../src/record-round.js';

const base: StateBefore = {
  state: 'up',
  consecutiveFailures: 0,
  consecutiveSuccesses: 5,
  failuresBeforeDown: 2,
  recoveriesBeforeUp: 2,
};

describe('decideState', () => {
  test('down only after the configured number of failed rounds', () => {
    const first = decideState(base, ['down']);
    expect(first).toEqual({ state: 'up', consecutiveFailures: 1, consecutiveSuccesses: 0, counted: true });
    const second = decideState({ ...base, ...first }, ['down']);
    expect(second.state).toBe('down');
  });

  test('a minority of failing regions does not fail the round', () => {
    expect(decideState({ ...base, failuresBeforeDown: 1 }, ['down', 'up', 'up']).state).toBe('up');
    expect(decideState({ ...base, failuresBeforeDown: 1 }, ['down', 'down', 'up']).state).toBe('down');
  });

  test('a tie is not a majority', () => {
    expect(decideState({ ...base, failuresBeforeDown: 1 }, ['down', 'up']).state).toBe('up');
  });

  test('infra errors are not votes: an unreachable beacon never takes a check down', () => {
    const result = decideState({ ...base, failuresBeforeDown: 1 }, ['infra_error', 'infra_error', 'up']);
    expect(result.state).toBe('up');
    const onlyInfra = decideState({ ...base, failuresBeforeDown: 1 }, ['infra_error', 'infra_error']);
    expect(onlyInfra).toEqual({ state: 'up', consecutiveFailures: 0, consecutiveSuccesses: 5, counted: false });
    const withOneFailure = decideState({ ...base, failuresBeforeDown: 1 }, ['infra_error', 'down']);
    expect(withOneFailure.state).toBe('down');
  });

  test('a probe refused by the address policy is not a vote: it never takes a check down nor brings it back', () => {
    const blocked = outcomeOfProbe({ ok: false, errorClass: 'blocked_address' }, false);
    expect(blocked).toBe('infra_error');
    expect(outcomeOfProbe({ ok: false, errorClass: 'refused' }, false)).toBe('down');
    expect(outcomeOfProbe({ ok: false, errorClass: 'http_status' }, false)).toBe('down');
    expect(outcomeOfProbe({ ok: true, errorClass: null }, true)).toBe('degraded');
    const pending: StateBefore = { ...base, state: 'pending', consecutiveSuccesses: 0, failuresBeforeDown: 1 };
    expect(decideState(pending, [blocked, blocked])).toEqual({ state: 'pending', consecutiveFailures: 0, consecutiveSuccesses: 0, counted: false });
    const down: StateBefore = { ...base, state: 'down', consecutiveFailures: 3, consecutiveSuccesses: 0, recoveriesBeforeUp: 1 };
    expect(decideState(down, [blocked]).state).toBe('down');
  });

  test('recovery needs the configured number of good rounds', () => {
    const down: StateBefore = { ...base, state: 'down', consecutiveFailures: 3, consecutiveSuccesses: 0 };
    const once = decideState(down, ['up']);
    expect(once.state).toBe('down');
    expect(decideState({ ...down, ...once }, ['up']).state).toBe('up');
  });

  test('degraded when a majority of regions is slower than the threshold', () => {
    expect(decideState(base, ['degraded', 'degraded', 'up']).state).toBe('degraded');
    expect(decideState(base, ['degraded', 'up', 'up']).state).toBe('up');
  });

  test('pending stays pending until a round decides', () => {
    const pending: StateBefore = { ...base, state: 'pending', consecutiveSuccesses: 0 };
    expect(decideState(pending, ['down']).state).toBe('pending');
    expect(decideState(pending, ['up']).state).toBe('up');
  });
});

describe('alertFor', () => {
  test('one alert per state change, recovery included, none for the first success', () => {
    expect(alertFor('up', 'down')).toBe('down');
    expect(alertFor('pending', 'down')).toBe('down');
    expect(alertFor('down', 'up')).toBe('up');
    expect(alertFor('degraded', 'up')).toBe('up');
    expect(alertFor('up', 'degraded')).toBe('degraded');
    expect(alertFor('pending', 'up')).toBeNull();
    expect(alertFor('down', 'down')).toBeNull();
  });
});

describe('nextDueAt', () => {
  const at = new Date('2026-01-01T00:00:00Z');
  test('one interval after the due time just probed', () => {
    expect(nextDueAt(at, 30, new Date('2026-01-01T00:00:05Z')).toISOString()).toBe('2026-01-01T00:00:30.000Z');
  });
  test('a late worker catches up with at most one interval of backlog', () => {
    const next = nextDueAt(at, 30, new Date('2026-01-01T00:10:00Z'));
    expect(next.getTime()).toBeGreaterThanOrEqual(new Date('2026-01-01T00:09:30Z').getTime());
    expect((next.getTime() - at.getTime()) % 30_000).toBe(0);
  });
  test('a check re-claimed after a lease (a crashed worker) misses no due time; one further behind skips', () => {
    // Every 10 s, lease 20 s (timeout 5 s + margin 15 s): re-claimed 20.5 s late, recorded at 21 s.
    const lease = 20_000;
    expect(nextDueAt(at, 10, new Date('2026-01-01T00:00:21Z'), lease).toISOString()).toBe('2026-01-01T00:00:10.000Z');
    expect(nextDueAt(at, 10, new Date('2026-01-01T00:00:21Z')).toISOString()).toBe('2026-01-01T00:00:30.000Z');
    expect(nextDueAt(at, 10, new Date('2026-01-01T00:01:00Z'), lease).toISOString()).toBe('2026-01-01T00:01:00.000Z');
  });
});
