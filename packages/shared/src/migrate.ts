import { fileURLToPath } from 'node:url';
import { runner } from 'node-pg-migrate';
import type { Logger } from './logger.js';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../migrations', import.meta.url));

/**
 * Applies every pending migration. node-pg-migrate takes an advisory lock, so several processes
 * starting at once migrate exactly once.
 */
export async function runMigrations(databaseUrl: string, logger?: Logger): Promise<string[]> {
  const applied = await runner({
    databaseUrl,
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
