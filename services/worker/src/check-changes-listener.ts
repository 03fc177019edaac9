import type { Logger, Pool, PoolClient } from '@pingdummy/shared';

/** Notified by migration 009's triggers when a check may have become due sooner (new, rescheduled, resumed). */
export const CHECK_DUE_CHANGED_CHANNEL = 'check_due_changed';
const RECONNECT_DELAY_MS = 2_000;

/**
 * Holds one pooled connection that LISTENs on CHECK_DUE_CHANGED_CHANNEL and calls `onChange` for each
 * notification, so a sleeping scheduler claims an edited check at its new due time instead of at its
 * next idle poll. When the connection breaks it reconnects every RECONNECT_DELAY_MS and calls
 * `onChange` once listening again, since notifications sent meanwhile are lost.
 */
export class CheckChangesListener {
  private client: PoolClient | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** A broken connection may be reported twice (error event, failed query) or after stop(): released once. */
  private readonly released = new WeakSet<PoolClient>();

  constructor(
    private readonly pool: Pool,
    private readonly logger: Logger,
    private readonly onChange: () => void,
  ) {}

  /** Resolves once listening, or after the first failure (retries go on in the background). */
  async start(): Promise<void> {
    await this.connect(false);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = undefined;
    if (client) this.release(client);
  }

  private release(client: PoolClient): void {
    if (this.released.has(client)) return;
    this.released.add(client);
    client.release(true);
  }

  private async connect(missedNotifications: boolean): Promise<void> {
    if (this.stopped) return;
    let client: PoolClient | undefined;
    const lose = (error: unknown) => {
      if (client && this.released.has(client)) return;
      if (this.client === client) this.client = undefined;
      if (client) this.release(client);
      this.retryLater(error);
    };
    try {
      client = await this.pool.connect();
      client.on('notification', () => this.onChange());
      client.on('error', lose);
      await client.query(`LISTEN ${CHECK_DUE_CHANGED_CHANNEL}`);
      if (this.stopped) return this.release(client);
      this.client = client;
      if (missedNotifications) this.onChange();
    } catch (error) {
      lose(error);
    }
  }

  private retryLater(error: unknown): void {
    if (this.stopped || this.retryTimer) return;
    this.logger.warn({ err: (error as Error).message }, 'listening for check changes failed; retrying (claims fall back to the idle poll)');
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.connect(true);
    }, RECONNECT_DELAY_MS);
  }
}
