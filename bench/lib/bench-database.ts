// A throw-away embedded Postgres with one migrated database, for a benchmark run.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { runMigrations, startEmbeddedPostgres } from '@pingdummy/shared';

export interface BenchDatabaseOptions {
  /** Names the temporary folder (`pingdummy-bench-<name>-…`), so a leftover one says which bench left it. */
  readonly name: string;
  /** Trade durability for speed (fsync off). @default false - durable settings, as in production */
  readonly unsafeFast?: boolean;
}

export interface BenchDatabase {
  /** URL of the migrated `pingdummy_bench` database. */
  readonly databaseUrl: string;
  /** Stops Postgres and deletes its folder. */
  stop(): Promise<void>;
}

/** Starts Postgres in a new temporary folder, creates the `pingdummy_bench` database and migrates it. */
export async function startBenchDatabase(options: BenchDatabaseOptions): Promise<BenchDatabase> {
  const tempDir = mkdtempSync(path.join(os.tmpdir(), `pingdummy-bench-${options.name}-`));
  chmodSync(tempDir, 0o755); // under root, Postgres runs as another user that must reach its folder
  process.stdout.write(`[bench] starting embedded Postgres in ${tempDir}\n`);
  const postgres = await startEmbeddedPostgres({ dataDir: path.join(tempDir, 'data'), persistent: false, unsafeFast: options.unsafeFast ?? false });
  const stop = async () => {
    await postgres.stop();
    rmSync(tempDir, { recursive: true, force: true });
  };
  try {
    const admin = new pg.Client({ connectionString: postgres.adminUrl });
    await admin.connect();
    await admin.query('CREATE DATABASE pingdummy_bench');
    await admin.end();
    const databaseUrl = postgres.urlFor('pingdummy_bench');
    await runMigrations(databaseUrl);
    return { databaseUrl, stop };
  } catch (error) {
    // No Postgres is left running when the database cannot be set up.
    await stop();
    throw error;
  }
}
