import type { ClaimedCheck } from './claim-due-checks.js';
import type { RoundResult } from './probe-round.js';

/** Probed rounds waiting to be written together. */
export interface ProbedRounds {
  checks: ClaimedCheck[];
  results: RoundResult[];
}

export interface RoundRecorderOptions {
  /** Writes the gathered rounds in one transaction; a rejection fails every round in it. */
  write(rounds: ProbedRounds): Promise<void>;
  /** How long rounds are gathered before they are written (unless `maxChecks` is reached sooner). */
  gatherMs: number;
  /** Checks per transaction: once this many wait, they are written without waiting for `gatherMs`. */
  maxChecks: number;
}

interface Waiting extends ProbedRounds {
  recorded: { resolve: () => void; reject: (error: unknown) => void };
}

/**
 * Gathers the rounds probed within `gatherMs` (one per claim, about one a second at a steady rate) and writes
 * them in one transaction, one at a time: a small installation pays one transaction a second instead of
 * one per round, and under load the next transaction gathers whatever was probed while the previous one
 * ran (group commit). Each round's promise settles when the transaction holding it does.
 */
export class RoundRecorder {
  private waiting: Waiting[] = [];
  private waitingChecks = 0;
  private writing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** False once stopping: every round is written as soon as it arrives. */
  private gathering = true;

  constructor(private readonly options: RoundRecorderOptions) {}

  /** Queues a probed round; resolves once it is written, rejects when its transaction failed. */
  record(checks: ClaimedCheck[], results: RoundResult[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ checks, results, recorded: { resolve, reject } });
      this.waitingChecks += checks.length;
      this.schedule();
    });
  }

  /** Graceful stop: stops gathering, so what waits and every round recorded from now on is written at once. */
  stopGathering(): void {
    this.gathering = false;
    this.schedule();
  }

  private schedule(): void {
    if (this.writing || this.waiting.length === 0) return; // a running write picks the waiting rounds up when it ends
    if (!this.gathering || this.waitingChecks >= this.options.maxChecks) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.writeWaiting();
    } else {
      this.timer ??= setTimeout(() => {
        this.timer = undefined;
        this.writeWaiting();
      }, this.options.gatherMs);
    }
  }

  private writeWaiting(): void {
    const batch: Waiting[] = [];
    let checks = 0;
    while (this.waiting.length > 0 && (batch.length === 0 || checks + this.waiting[0]!.checks.length <= this.options.maxChecks)) {
      const round = this.waiting.shift()!;
      batch.push(round);
      checks += round.checks.length;
    }
    this.waitingChecks -= checks;
    if (batch.length === 0) return;
    const rounds: ProbedRounds = { checks: batch.flatMap((round) => round.checks), results: batch.flatMap((round) => round.results) };
    this.writing = this.options.write(rounds).then(
      () => batch.forEach((round) => round.recorded.resolve()),
      (error: unknown) => batch.forEach((round) => round.recorded.reject(error)),
    );
    void this.writing.finally(() => {
      this.writing = undefined;
      this.schedule();
    });
  }
}
