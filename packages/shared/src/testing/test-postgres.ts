import { existsSync } from 'node:fs';
import { chmod, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres, type RunningPostgres } from '../embedded-postgres.js';

/** A container engine is used only when one answers; CI here has none, so embedded Postgres is the common path. */
function containerEngineReachable(): boolean {
  if (process.env.PINGDUMMY_TEST_POSTGRES === 'embedded') return false;
  if (process.env.DOCKER_HOST) return true;
  return existsSync('/var/run/docker.sock');
}

async function startContainerPostgres(): Promise<RunningPostgres> {
  const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
  const container = await new PostgreSqlContainer('postgres:17-alpine').start();
  const port = container.getPort();
  const urlFor = (database: string) =>
    `postgres://${container.getUsername()}:${container.getPassword()}@${container.getHost()}:${port}/${database}`;
  return {
    adminUrl: urlFor('postgres'),
    port,
    urlFor,
    stop: async () => {
      await container.stop();
    },
  };
}

/** Starts a real, throw-away Postgres server for a test run: a container when possible, else embedded. */
export async function startTestPostgres(): Promise<RunningPostgres> {
  if (containerEngineReachable()) {
    try {
      return await startContainerPostgres();
    } catch {
      // A socket that does not answer (a client without an engine): fall back to embedded Postgres.
    }
  }
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'pingdummy-test-pg-'));
  await chmod(dataDir, 0o755); // under root, Postgres runs as another user that must reach its folder
  return startEmbeddedPostgres({ dataDir: path.join(dataDir, 'data'), persistent: false, unsafeFast: true });
}
