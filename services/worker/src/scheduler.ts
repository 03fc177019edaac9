import type { Logger, Pool } from '@pingdummy/shared';
import { createBeaconAgent, type Beacon } from './beacon-client.js';
import { claimDueChecks, nextClaimableAt, type ClaimedCheck } from './claim-due-checks.js';
import { probeRound } from './probe-round.js';
import { recordRound } from './record-round.js';
import { RoundRecorder, type ProbedRounds } from './round-recorder.js';
import { logStateChange } from './state-changes.js';

export interface SchedulerOptions {
  pool: Pool;
  logger: Logger;
  owner: string;
  beacons: Beacon[];
  beaconToken: string;
  batchSize: number;
  maxInFlight: number;
  leaseMarginSeconds: number;
  /** Claim checks due within this window and start each at its due time (claims run once a second while checks come due). */
  lookaheadMs: number;
  /** The longest start slot of a probe (see startSlotMs). */
  maxStartDelayMs: number;
  /** Longest sleep between claims while nothing is due; a change to a check (LISTEN) or a finished round wakes it sooner. */
  idlePollMs: number;
  publicUrl: string;
}

/** Between claims while checks keep coming due: each claim takes what is due within the lookahead. */
const BUSY_TICK_MS = 1_000;
/** Probed rounds are gathered this long and written in one transaction (see RoundRecorder). */
const RECORD_GATHER_MS = 1_000;
const RECORD_MAX_CHECKS = 1_000;

/**
 * Claims due checks and probes them in the background, so a slow target never delays the next claim.
 * Claims run once a second while checks come due; when nothing is due the scheduler sleeps until the
 * next check can be claimed (known from the database), until `wake()` (a check changed), or at most
 * `idlePollMs`. In-flight work is tracked for a graceful stop.
 */
export class Scheduler {
  private inFlightChecks = 0;
  private readonly rounds = new Set<Promise<void>>();
  private stopped = false;
  private ticking = false;
  /** A wake-up arrived while a tick ran: tick again right after it. */
  private wokenWhileTicking = false;
  /** The in-flight cap stopped the last tick: the next recorded round wakes the scheduler. */
  private blockedByCap = false;
  private nextTick: { at: number; timer: NodeJS.Timeout } | undefined;
  private readonly beaconAgent = createBeaconAgent();
  private readonly recorder = new RoundRecorder({
    write: (rounds) => this.writeRounds(rounds),
    gatherMs: RECORD_GATHER_MS,
    maxChecks: RECORD_MAX_CHECKS,
  });
  /** Counters since start, for /v1/status and benchmarks. */
  readonly stats = {
    rounds: 0,
    checksProbed: 0,
    resultsInserted: 0,
    fenced: 0,
    failedRounds: 0,
    /** Claim statements run (idle sleeps keep this low on a quiet installation). */
    claims: 0,
    /** Transactions that recorded probed rounds (several each under load). */
    recordTransactions: 0,
  };

  constructor(private readonly options: SchedulerOptions) {}

  /** Starts claiming: now, then as described on the class. */
  start(): void {
    this.wake();
  }

  /** Claims as soon as possible: a check may have become due sooner, or room was freed. */
  wake(): void {
    if (this.stopped) return;
    if (this.ticking) this.wokenWhileTicking = true;
    else this.tickAt(Date.now());
  }

  /** Arms the next tick for `at`, unless one is already armed for earlier. */
  private tickAt(at: number): void {
    if (this.stopped || (this.nextTick && this.nextTick.at <= at)) return;
    clearTimeout(this.nextTick?.timer);
    this.nextTick = { at, timer: setTimeout(() => void this.tick(), Math.max(0, at - Date.now())) };
  }

  /**
   * One tick: claims batches until nothing is due or the in-flight cap is reached, starts a round per
   * claim, then arms the next tick (see the class). Overlapping ticks are skipped (the running one is
   * already draining the queue).
   */
  async tick(): Promise<void> {
    if (this.ticking || this.stopped) return;
    this.ticking = true;
    this.wokenWhileTicking = false;
    const startedAt = Date.now();
    clearTimeout(this.nextTick?.timer);
    this.nextTick = undefined;
    let claimedAny = false;
    // Measured from the tick's start, so a slow claim does not stretch the period beyond the lookahead.
    let nextAt = startedAt + BUSY_TICK_MS;
    try {
      this.blockedByCap = false;
      while (!this.stopped) {
        const room = this.options.maxInFlight - this.inFlightChecks;
        if (room <= 0) {
          this.blockedByCap = true;
          break;
        }
        this.stats.claims += 1;
        const claimed = await claimDueChecks(
          this.options.pool,
          this.options.owner,
          Math.min(room, this.options.batchSize),
          this.options.leaseMarginSeconds,
          this.options.lookaheadMs,
        );
        if (claimed.length > 0) claimedAny = true;
        this.scheduleRounds(claimed);
        if (claimed.length < Math.min(room, this.options.batchSize)) break;
      }
      if (!claimedAny && !this.blockedByCap) nextAt = Date.now() + (await this.idleDelayMs());
    } catch (error) {
      this.options.logger.error({ err: error }, 'claiming due checks failed; next tick retries');
    } finally {
      this.ticking = false;
    }
    this.tickAt(this.wokenWhileTicking ? Date.now() : nextAt);
  }

  /**
   * How long to sleep when nothing was claimable: until the next check can be claimed minus the
   * lookahead, at most idlePollMs. A claimable time inside the lookahead means a claim lost a race or
   * a row is not claimable at all, so the scheduler falls back to the busy period instead of spinning.
   */
  private async idleDelayMs(): Promise<number> {
    const next = await nextClaimableAt(this.options.pool);
    if (next === null) return this.options.idlePollMs;
    const delay = next.getTime() - this.options.lookaheadMs - Date.now();
    return delay <= 0 ? BUSY_TICK_MS : Math.min(delay, this.options.idlePollMs);
  }

  /**
   * Starts one round for everything a claim took: its checks come due within the lookahead, and the beacons
   * start each at its due time (`startInMs`), so a check claimed ahead of time is probed on time and never
   * before it is due. One batch per beacon per claim, where a batch per 100 ms slot cost the worker and the
   * beacon a request each (bench/probes at 1,000 checks: worker 0.33-0.40 CPU-ms per check, was 0.43-0.51).
   */
  private scheduleRounds(checks: ClaimedCheck[]): void {
    if (checks.length === 0) return;
    this.inFlightChecks += checks.length;
    const round = this.runRound(checks).finally(() => {
      this.inFlightChecks -= checks.length;
      this.rounds.delete(round);
    });
    this.rounds.add(round);
  }

  private async runRound(checks: ClaimedCheck[]): Promise<void> {
    const { options } = this;
    try {
      const results = await probeRound(this.beaconAgent, checks, options.beacons, options.beaconToken, options.maxStartDelayMs);
      await this.recorder.record(checks, results);
      this.stats.rounds += 1;
      this.stats.checksProbed += checks.length;
    } catch (error) {
      this.stats.failedRounds += 1;
      // The leases expire and another tick (here or elsewhere) re-claims the same due times: nothing is lost.
      options.logger.error({ err: error, checks: checks.length }, 'round failed; its checks will be re-claimed');
    }
  }

  /** Writes gathered rounds in one transaction; afterwards wakes the scheduler for the checks it advanced. */
  private async writeRounds({ checks, results }: ProbedRounds): Promise<void> {
    const { options } = this;
    const summary = await recordRound(options.pool, options.owner, checks, results, options.publicUrl, options.leaseMarginSeconds);
    this.stats.recordTransactions += 1;
    this.stats.resultsInserted += summary.inserted;
    this.stats.fenced += summary.fenced;
    const { changes, nextDueAt, ...counts } = summary;
    for (const change of changes) logStateChange(options.logger, change);
    // Every recorded batch at debug level (the compose end-to-end test counts rounds per worker replica).
    if (counts.fenced > 0 || counts.stateChanges > 0) options.logger.info({ checks: checks.length, ...counts }, 'round recorded');
    else options.logger.debug({ checks: checks.length, ...counts }, 'round recorded');
    // The in-flight cap held claims back until now; otherwise a sleeping scheduler must not miss these checks' next due time.
    if (this.blockedByCap) this.wake();
    else if (nextDueAt) this.tickAt(nextDueAt.getTime() - options.lookaheadMs);
  }

  get inFlight(): number {
    return this.inFlightChecks;
  }

  /** Stops claiming and waits for the rounds in flight to be recorded. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.nextTick?.timer);
    this.nextTick = undefined;
    this.recorder.stopGathering();
    while (this.rounds.size > 0) await Promise.allSettled([...this.rounds]);
    await this.beaconAgent.close();
  }
}
