import { fileURLToPath } from 'node:url';
import { runner } from 'node-pg-migrate';
import type pg from 'pg';
import type { DatabasePasswordSource } from './database-credentials.js';
import { createPool } from './db.js';
import type { Logger } from './logger.js';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../migrations', import.meta.url));

const LOCKED = 'Another migration is already running';

/**
 * Applies every pending migration. node-pg-migrate takes an advisory lock and fails at once when
 * another process holds it; here that process is waited for (up to `waitMs`), so replicas starting
 * together migrate exactly once and all start.
 */
export async function runMigrations(databaseUrl: string, logger?: Logger, waitMs = 120_000, passwordSource?: DatabasePasswordSource): Promise<string[]> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      return await (passwordSource ? migrateWithPasswordSource(databaseUrl, passwordSource, logger) : migrateOnce(databaseUrl, logger));
    } catch (error) {
      if (!(error instanceof Error) || !error.message.includes(LOCKED) || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

/** Migrates over a connection whose password comes from `passwordSource` (IAM token, rotated secret). */
async function migrateWithPasswordSource(databaseUrl: string, passwordSource: DatabasePasswordSource, logger?: Logger): Promise<string[]> {
  // No statement timeout: a migration may rewrite a big table.
  const pool = createPool({ connectionString: databaseUrl, max: 1, passwordSource, applicationName: 'migrations', statementTimeoutMs: 0, logger });
  try {
    const client = await pool.connect();
    try {
      return await migrateOnce(client, logger);
    } finally {
      client.release();
    }
  } finally {
    await pool.end();
  }
}

async function migrateOnce(connection: string | pg.ClientBase, logger?: Logger): Promise<string[]> {
  const applied = await runner({
    ...(typeof connection === 'string' ? { databaseUrl: connection } : { dbClient: connection }),
    dir: MIGRATIONS_DIR,
    direction: 'up',
    migrationsTable: 'pgmigrations',
    count: Infinity,
    singleTransaction: true,
    checkOrder: true,
    log: (message: string) => logger?.debug({ migration: message }, 'migration'),
    verbose: false,
  });
  const names = applied.map((migration) => migration.name);
  if (names.length > 0) logger?.info({ migrations: names }, 'migrations applied');
  return names;
}
