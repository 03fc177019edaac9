// The built frontend (services/frontend/dist) run inside the bench process, so a bench can also call its data
// functions directly. Build it first: `npx tsc -p services/frontend/tsconfig.build.json`.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { findFreePort } from '@pingdummy/shared';

const frontendDist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../services/frontend/dist');
if (!existsSync(path.join(frontendDist, 'index.js'))) {
  throw new Error('services/frontend/dist is missing: run `npx tsc -p services/frontend/tsconfig.build.json` first');
}

/** Imports a module of the built frontend by its path below dist (e.g. `data/checks.js`). */
export const loadBuiltFrontend = <T>(file: string): Promise<T> => import(pathToFileURL(path.join(frontendDist, file)).href) as Promise<T>;

type FrontendModule = typeof import('../../services/frontend/src/index.js');
const { startFrontend, parseFrontendConfig } = await loadBuiltFrontend<FrontendModule>('index.js');

export interface BuiltFrontend {
  /** Base URL, e.g. http://127.0.0.1:PORT; stays the same across restarts. */
  readonly url: string;
  /** Stops and starts the frontend again on the same port (it forgets what it cached). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts the built frontend on a free loopback port against `databaseUrl`, with a random session secret and
 * non-secure cookies (plain http). `environment` adds or overrides variables (e.g. CHECK_LIMIT_PER_ACCOUNT).
 */
export async function startBuiltFrontend(databaseUrl: string, environment: Record<string, string> = {}): Promise<BuiltFrontend> {
  const config = parseFrontendConfig({
    PORT: String(await findFreePort()),
    DATABASE_URL: databaseUrl,
    SESSION_SECRET: randomBytes(32).toString('hex'),
    COOKIE_SECURE: 'false',
    LOG_LEVEL: 'warn',
    ...environment,
  });
  let running = await startFrontend(config, { handleSignals: false });
  return {
    url: running.url,
    async restart() {
      await running.stop();
      running = await startFrontend(config, { handleSignals: false });
    },
    stop: () => running.stop(),
  };
}
