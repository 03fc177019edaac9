import type { Pool } from '@pingdummy/shared';
import { isUuid } from '../data/ids.js';

export interface PingKeyDirectoryOptions {
  /** How long a known key is trusted without asking Postgres again (a deleted check stops answering after this). @default 60000 */
  ttlMs?: number;
}

/**
 * Maps ping keys to heartbeat check ids, with an in-memory cache so a burst of pings costs no query each,
 * and so pings to a known check are still accepted while Postgres is down (a stale entry is used when the
 * lookup fails). Unknown keys are not cached: a check created a second ago must answer at once.
 */
export class PingKeyDirectory {
  private readonly known = new Map<string, { checkId: string; fetchedAt: number }>();
  private readonly pending = new Map<string, Promise<string | null>>();
  private readonly ttlMs: number;

  constructor(
    private readonly pool: Pool,
    options: PingKeyDirectoryOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 60_000;
  }

  /**
   * The check id of `key`, or null when no heartbeat check has it. Throws when Postgres cannot be asked and
   * the key is not cached (the caller answers 503: the ping was not accepted).
   */
  async checkIdOf(key: string): Promise<string | null> {
    const normalized = key.toLowerCase();
    if (!isUuid(normalized)) return null;
    const cached = this.known.get(normalized);
    if (cached && Date.now() - cached.fetchedAt < this.ttlMs) return cached.checkId;
    // Concurrent pings of one uncached key share one query.
    let lookup = this.pending.get(normalized);
    if (!lookup) {
      lookup = this.lookUp(normalized).finally(() => this.pending.delete(normalized));
      this.pending.set(normalized, lookup);
    }
    try {
      return await lookup;
    } catch (error) {
      if (cached) return cached.checkId;
      throw error;
    }
  }

  private async lookUp(key: string): Promise<string | null> {
    const { rows } = await this.pool.query(`SELECT check_id FROM heartbeats WHERE ping_key = $1`, [key]);
    const checkId: string | undefined = rows[0]?.check_id;
    if (checkId) this.known.set(key, { checkId, fetchedAt: Date.now() });
    else this.known.delete(key);
    return checkId ?? null;
  }
}
