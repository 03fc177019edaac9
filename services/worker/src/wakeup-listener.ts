import type { Logger, Pool, PoolClient } from '@pingdummy/shared';

/** Notified by migration 009's triggers when a check may have become due sooner (new, rescheduled, resumed). */
export const CHECK_DUE_CHANGED_CHANNEL = 'check_due_changed';
/** Notified by migration 015 when an alert, a test or an invitation email was queued. */
export const NOTIFICATIONS_DUE_CHANNEL = 'notifications_due';
/** Notified by migration 015 when heartbeat pings or schedules were written. */
export const HEARTBEATS_CHANGED_CHANNEL = 'heartbeats_changed';
const RECONNECT_DELAY_MS = 2_000;

/**
 * Holds one pooled connection that LISTENs on each channel of `wakers` and calls that channel's function
 * for each notification, so sleeping loops (the scheduler, the notifier, heartbeat evaluation) run when
 * there is work instead of polling for it. When the connection breaks it reconnects every
 * RECONNECT_DELAY_MS and calls every waker once listening again, since notifications sent meanwhile are lost.
 */
export class WakeupListener {
  private client: PoolClient | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** A broken connection may be reported twice (error event, failed query) or after stop(): released once. */
  private readonly released = new WeakSet<PoolClient>();

  constructor(
    private readonly pool: Pool,
    private readonly logger: Logger,
    private readonly wakers: Readonly<Record<string, () => void>>,
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

  private wakeAll(): void {
    for (const wake of Object.values(this.wakers)) wake();
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
      client.on('notification', (message) => this.wakers[message.channel]?.());
      client.on('error', lose);
      // Channel names are this module's constants, never user input.
      await client.query(Object.keys(this.wakers).map((channel) => `LISTEN ${channel};`).join(' '));
      if (this.stopped) return this.release(client);
      this.client = client;
      if (missedNotifications) this.wakeAll();
    } catch (error) {
      lose(error);
    }
  }

  private retryLater(error: unknown): void {
    if (this.stopped || this.retryTimer) return;
    this.logger.warn({ err: (error as Error).message }, 'listening for wake-ups failed; retrying (sleeping loops fall back to their idle polls)');
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.connect(true);
    }, RECONNECT_DELAY_MS);
  }
}
