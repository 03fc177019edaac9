import type { Logger } from '@pingdummy/shared';

/** Waits for `work`, or until `deadline` (epoch ms) when it takes longer (a write stuck on a paused database). */
async function untilDeadline(work: Promise<unknown>, deadline: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise((resolve) => (timer = setTimeout(resolve, Math.max(0, deadline - Date.now()))));
  try {
    await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export interface WriteBehindBufferOptions<T> {
  /** Writes one batch durably; throws when it could not (the batch is kept and retried). */
  write(batch: T[]): Promise<void>;
  /** Size in bytes of an item, for the memory bound. */
  sizeOf(item: T): number;
  logger: Logger;
  /** @default 1000 */
  batchSize?: number;
  /** How long an accepted item may wait for a batch to fill. @default 50 */
  flushIntervalMs?: number;
  /** Items held at most; `accept` refuses more. @default 100000 */
  maxItems?: number;
  /** Bytes held at most; `accept` refuses more. @default 64 MiB */
  maxBytes?: number;
  /** Retry delay after a failed write, doubled per failure up to retryMaxMs. @default 100 */
  retryMinMs?: number;
  /** @default 5000 */
  retryMaxMs?: number;
}

/**
 * Accepts items into memory at once and writes them in batches in the background, in order.
 * A failed write keeps its batch at the head and is retried with backoff, so an accepted item is never
 * dropped while the process lives; when the bound is reached `accept` says no and the caller refuses the
 * request (it was not accepted, so nothing is lost). `stop` refuses new items and writes what is held.
 */
export class WriteBehindBuffer<T> {
  private readonly items: T[] = [];
  private bytes = 0;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private failures = 0;
  private stopped = false;
  private readonly batchSize: number;
  private readonly flushIntervalMs: number;
  private readonly maxItems: number;
  private readonly maxBytes: number;
  private readonly retryMinMs: number;
  private readonly retryMaxMs: number;
  /** Counters since start, for tests and benchmarks. */
  readonly stats = { accepted: 0, refused: 0, written: 0, failedWrites: 0 };

  constructor(private readonly options: WriteBehindBufferOptions<T>) {
    this.batchSize = options.batchSize ?? 1000;
    this.flushIntervalMs = options.flushIntervalMs ?? 50;
    this.maxItems = options.maxItems ?? 100_000;
    this.maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
    this.retryMinMs = options.retryMinMs ?? 100;
    this.retryMaxMs = options.retryMaxMs ?? 5_000;
  }

  /** Items accepted and not yet written. */
  get size(): number {
    return this.items.length;
  }

  /** Takes `item` for writing; false when stopping or full (the caller must not report it as accepted). */
  accept(item: T): boolean {
    const bytes = this.options.sizeOf(item);
    if (this.stopped || this.items.length >= this.maxItems || this.bytes + bytes > this.maxBytes) {
      this.stats.refused += 1;
      return false;
    }
    this.items.push(item);
    this.bytes += bytes;
    this.stats.accepted += 1;
    this.schedule(this.items.length >= this.batchSize ? 0 : this.flushIntervalMs);
    return true;
  }

  private schedule(delayMs: number): void {
    if (this.flushing || this.timer || this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flushing = this.writeHeld().finally(() => {
        this.flushing = undefined;
        if (this.items.length > 0) this.schedule(this.failures > 0 ? this.retryDelay() : 0);
      });
    }, delayMs);
  }

  private retryDelay(): number {
    return Math.min(this.retryMaxMs, this.retryMinMs * 2 ** Math.min(this.failures - 1, 16));
  }

  /**
   * Writes held items batch by batch, oldest first. Returns when the buffer is empty or a write failed
   * (the failed batch stays at the head for the retry).
   */
  private async writeHeld(): Promise<void> {
    while (this.items.length > 0) {
      const batch = this.items.slice(0, this.batchSize);
      try {
        await this.options.write(batch);
      } catch (error) {
        this.failures += 1;
        this.stats.failedWrites += 1;
        // Keep going: the items stay held and the next attempt comes after a backoff.
        this.options.logger.warn({ err: error, held: this.items.length, failures: this.failures }, 'write-behind flush failed; retrying');
        return;
      }
      this.failures = 0;
      // Only this loop removes items, and only from the head: items accepted meanwhile are behind the batch.
      this.items.splice(0, batch.length);
      for (const item of batch) this.bytes -= this.options.sizeOf(item);
      this.stats.written += batch.length;
    }
  }

  /** Writes everything held now (used by tests and by stop); resolves when empty, rejects after `timeoutMs`. */
  async drain(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.items.length > 0 || this.flushing) {
      if (Date.now() > deadline) throw new Error(`${this.items.length} accepted items are still not written after ${timeoutMs} ms`);
      if (this.flushing) {
        await untilDeadline(this.flushing, deadline);
        continue;
      }
      clearTimeout(this.timer);
      this.timer = undefined;
      this.flushing = this.writeHeld().finally(() => (this.flushing = undefined));
      await untilDeadline(this.flushing, deadline);
      if (this.items.length > 0) await untilDeadline(new Promise((resolve) => setTimeout(resolve, this.retryDelay())), deadline);
    }
  }

  /** Refuses new items and writes the held ones, retrying until `timeoutMs`; logs what could not be written. */
  async stop(timeoutMs: number): Promise<void> {
    this.stopped = true;
    try {
      await this.drain(timeoutMs);
    } catch (error) {
      this.options.logger.error({ err: error, lost: this.items.length }, 'stopping with accepted items not written');
    }
  }
}
