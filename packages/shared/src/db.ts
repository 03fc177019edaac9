import pg from 'pg';
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
}

/**
 * A pg pool that survives a database restart: broken idle clients are dropped (and logged) instead of
 * crashing the process, and the next query opens a fresh connection.
 */
export function createPool(options: PoolOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max ?? 10,
    statement_timeout: options.statementTimeoutMs ?? 15_000,
    application_name: options.applicationName,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
  });
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
