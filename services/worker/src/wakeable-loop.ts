import type { Logger } from '@pingdummy/shared';

export interface WakeableLoopOptions {
  /** Names the loop in logs. */
  readonly name: string;
  readonly logger: Logger;
  /**
   * One pass. Resolves with when the next pass is wanted (null: nothing is known to come, so sleep
   * `maxIdleMs`); a time in the past means at once, after `minGapMs`.
   */
  readonly run: () => Promise<Date | null>;
  /** Shortest time between the starts of two passes, so a burst of wake-ups costs one pass. */
  readonly minGapMs: number;
  /** Longest sleep: a safety net for work nobody announced (a notification lost in a reconnect). */
  readonly maxIdleMs: number;
}

/** After a failed pass (database down), the next one comes this soon, or after `maxIdleMs` if that is shorter. */
const RETRY_AFTER_ERROR_MS = 5_000;

/**
 * Runs a job when there is work instead of on a fixed tick: after each pass it sleeps until the time the
 * pass asked for, or until `wake()` (a LISTEN notification said work arrived), at most `maxIdleMs`. An idle
 * installation thus runs no queries for it, while an announced or scheduled piece of work is picked up
 * at once. Passes never overlap; a wake-up during a pass runs another one right after it.
 */
export class WakeableLoop {
  /** Passes run since start, for /v1/status and tests. */
  readonly stats = { runs: 0 };
  private timer: { at: number; handle: NodeJS.Timeout } | undefined;
  private running: Promise<void> | undefined;
  private wokenWhileRunning = false;
  private lastStartedAt = -Infinity;
  private stopped = false;

  constructor(private readonly options: WakeableLoopOptions) {}

  /** Runs the first pass now. */
  start(): void {
    this.runAt(Date.now());
  }

  /** Work may have arrived: run a pass as soon as `minGapMs` allows. */
  wake(): void {
    if (this.stopped) return;
    if (this.running) this.wokenWhileRunning = true;
    else this.runAt(Date.now());
  }

  /** Stops scheduling passes and waits for the one in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer?.handle);
    this.timer = undefined;
    await this.running;
  }

  /** Arms the next pass for `at` (not sooner than the gap allows), unless one is already armed for earlier. */
  private runAt(at: number): void {
    const when = Math.max(at, this.lastStartedAt + this.options.minGapMs);
    if (this.stopped || (this.timer && this.timer.at <= when)) return;
    clearTimeout(this.timer?.handle);
    this.timer = { at: when, handle: setTimeout(() => void this.pass(), Math.max(0, when - Date.now())) };
  }

  private async pass(): Promise<void> {
    if (this.running || this.stopped) return;
    this.timer = undefined;
    this.wokenWhileRunning = false;
    this.lastStartedAt = Date.now();
    this.stats.runs += 1;
    const running = this.nextPassAt();
    this.running = running.then(() => undefined);
    const next = await running;
    this.running = undefined;
    this.runAt(this.wokenWhileRunning ? Date.now() : next);
  }

  /** Runs the job once; never throws. Resolves with when the next pass is due. */
  private async nextPassAt(): Promise<number> {
    const latest = Date.now() + this.options.maxIdleMs;
    try {
      const wanted = await this.options.run();
      return wanted ? Math.min(latest, wanted.getTime()) : latest;
    } catch (error) {
      this.options.logger.error({ err: error, job: this.options.name }, 'job failed; retrying');
      return Date.now() + Math.min(this.options.maxIdleMs, RETRY_AFTER_ERROR_MS);
    }
  }
}
