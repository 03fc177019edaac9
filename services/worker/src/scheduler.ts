import type { Logger, Pool } from '@pingdummy/shared';
import { createBeaconAgent, type Beacon } from './beacon-client.js';
import { claimDueChecks, type ClaimedCheck } from './claim-due-checks.js';
import { probeRound } from './probe-round.js';
import { recordRound } from './record-round.js';
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
  /** Claim checks due within this window and start each at its due time (the tick runs once a second). */
  lookaheadMs: number;
  publicUrl: string;
}

/** Checks due within the same 100 ms slot are probed together (one batch per beacon), at the slot's end. */
const SLOT_MS = 100;

/**
 * Claims due checks on every tick and probes them in the background, so a slow target never delays
 * the next tick. In-flight work is tracked for a graceful stop.
 */
export class Scheduler {
  private inFlightChecks = 0;
  private readonly rounds = new Set<Promise<void>>();
  private stopped = false;
  private ticking = false;
  private readonly beaconAgent = createBeaconAgent();
  /** Counters since start, for /v1/status and benchmarks. */
  readonly stats = { rounds: 0, checksProbed: 0, resultsInserted: 0, fenced: 0, failedRounds: 0 };

  constructor(private readonly options: SchedulerOptions) {}

  /**
   * One tick: claims batches until nothing is due or the in-flight cap is reached, and starts a round per
   * batch. Overlapping ticks are skipped (the running one is already draining the queue).
   */
  async tick(): Promise<void> {
    if (this.ticking || this.stopped) return;
    this.ticking = true;
    try {
      while (!this.stopped) {
        const room = this.options.maxInFlight - this.inFlightChecks;
        if (room <= 0) break;
        const claimed = await claimDueChecks(
          this.options.pool,
          this.options.owner,
          Math.min(room, this.options.batchSize),
          this.options.leaseMarginSeconds,
          this.options.lookaheadMs,
        );
        if (claimed.length === 0) break;
        this.scheduleRounds(claimed);
        if (claimed.length < this.options.batchSize) break;
      }
    } catch (error) {
      this.options.logger.error({ err: error }, 'claiming due checks failed; next tick retries');
    } finally {
      this.ticking = false;
    }
  }

  /**
   * Splits claimed checks into slots of SLOT_MS by due time and starts each slot's round when its last
   * check is due, so a check claimed ahead of time is probed on time and never before it is due.
   */
  private scheduleRounds(checks: ClaimedCheck[]): void {
    const slots = new Map<number, ClaimedCheck[]>();
    for (const check of checks) {
      const slot = Math.ceil(check.scheduledAt.getTime() / SLOT_MS) * SLOT_MS;
      const list = slots.get(slot) ?? [];
      list.push(check);
      slots.set(slot, list);
    }
    for (const [slot, slotChecks] of slots) this.startRound(slotChecks, Math.max(0, slot - Date.now()));
  }

  private startRound(checks: ClaimedCheck[], delayMs: number): void {
    this.inFlightChecks += checks.length;
    const delayed = delayMs > 0 ? new Promise((resolve) => setTimeout(resolve, delayMs)) : Promise.resolve();
    const round = delayed.then(() => this.runRound(checks)).finally(() => {
      this.inFlightChecks -= checks.length;
      this.rounds.delete(round);
    });
    this.rounds.add(round);
  }

  private async runRound(checks: ClaimedCheck[]): Promise<void> {
    const { options } = this;
    try {
      const results = await probeRound(this.beaconAgent, checks, options.beacons, options.beaconToken);
      const summary = await recordRound(options.pool, options.owner, checks, results, options.publicUrl);
      this.stats.rounds += 1;
      this.stats.checksProbed += checks.length;
      this.stats.resultsInserted += summary.inserted;
      this.stats.fenced += summary.fenced;
      const { changes, ...counts } = summary;
      for (const change of changes) logStateChange(options.logger, change);
      // Every round at debug level (the compose end-to-end test counts rounds per worker replica).
      if (counts.fenced > 0 || counts.stateChanges > 0) options.logger.info({ checks: checks.length, ...counts }, 'round recorded');
      else options.logger.debug({ checks: checks.length, ...counts }, 'round recorded');
    } catch (error) {
      this.stats.failedRounds += 1;
      // The leases expire and another tick (here or elsewhere) re-claims the same due times: nothing is lost.
      options.logger.error({ err: error, checks: checks.length }, 'round failed; its checks will be re-claimed');
    }
  }

  get inFlight(): number {
    return this.inFlightChecks;
  }

  /** Stops claiming and waits for the rounds in flight to be recorded. */
  async stop(): Promise<void> {
    this.stopped = true;
    while (this.rounds.size > 0) await Promise.allSettled([...this.rounds]);
    await this.beaconAgent.close();
  }
}
