import pg from 'pg';
import type { DatabasePasswordSource } from './database-credentials.js';
import type { Logger } from './logger.js';

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;

export interface PoolOptions {
  connectionString: string;
  /** Largest number of connections. */
  max?: number;
  /** Server-side limit for one statement, so a stuck query cannot hold a connection forever. */
  statementTimeoutMs?: number;
  applicationName?: string;
  logger?: Logger;
  /**
   * Password of each new connection (IAM token, rotated secret); asked again, once, when the
   * server refuses it.
   * @default - the password of `connectionString` (or PGPASSWORD)
   */
  passwordSource?: DatabasePasswordSource;
}

/** SQLSTATE of a refused password (28P01) or a refused authorization (28000, e.g. an expired IAM token). */
const AUTHENTICATION_FAILURES = new Set(['28P01', '28000']);

export function isAuthenticationFailure(error: unknown): boolean {
  return typeof error === 'object' && error !== null && AUTHENTICATION_FAILURES.has(String((error as { code?: unknown }).code));
}

type ConnectCallback = (error: Error | undefined, client?: pg.PoolClient, release?: (error?: Error | boolean) => void) => void;

/**
 * A pool whose new connections ask `source` for their password; when the server refuses it (the
 * secret rotated under us), the source refreshes and the connection is tried once more, so
 * rotation never needs a restart. `pool.query` goes through `connect` too.
 */
class RefreshingPool extends pg.Pool {
  constructor(config: pg.PoolConfig, private readonly source: DatabasePasswordSource, private readonly logger?: Logger) {
    // Set on each client after construction: a `password` in the pool config loses to the one
    // parsed from connectionString (empty when the URL has none).
    class SourcedClient extends pg.Client {
      constructor(clientConfig?: pg.ClientConfig) {
        super(clientConfig);
        (this as { password?: unknown }).password = () => source.password();
      }
    }
    super({ ...config, Client: SourcedClient });
  }

  override connect(): Promise<pg.PoolClient>;
  override connect(callback: ConnectCallback): void;
  override connect(callback?: ConnectCallback): Promise<pg.PoolClient> | void {
    const connected = super.connect().catch(async (error: unknown) => {
      if (!isAuthenticationFailure(error)) throw error;
      this.logger?.warn({ code: (error as { code?: string }).code }, 'database refused the credentials; refreshing them and connecting again');
      await this.source.refresh();
      return super.connect();
    });
    if (!callback) return connected;
    connected.then(
      (client) => callback(undefined, client, (releaseError) => client.release(releaseError)),
      (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
    );
  }
}

/**
 * A pg pool that survives a database restart (broken idle clients are dropped, and logged,
 * instead of crashing the process; the next query opens a fresh connection) and, with a
 * `passwordSource`, a password rotation (each new connection asks for its password; a refused
 * one is refreshed and tried again).
 */
export function createPool(options: PoolOptions): pg.Pool {
  const config: pg.PoolConfig = {
    connectionString: options.connectionString,
    max: options.max ?? 10,
    statement_timeout: options.statementTimeoutMs ?? 15_000,
    application_name: options.applicationName,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
  };
  const pool = options.passwordSource ? new RefreshingPool(config, options.passwordSource, options.logger) : new pg.Pool(config);
  pool.on('error', (error) => {
    options.logger?.warn({ err: error.message }, 'idle database connection failed; it will be replaced');
  });
  return pool;
}

/** Runs `work` in one transaction on one client; rolls back when it throws. */
export async function withTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** Readiness probe for the database. */
export async function pingDatabase(pool: pg.Pool): Promise<void> {
  await pool.query('SELECT 1');
}
