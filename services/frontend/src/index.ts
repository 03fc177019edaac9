import {
  createLogger,
  createPool,
  databasePasswordSourceFromEnvironment,
  pingDatabase,
  startHttpService,
  type Logger,
  type ResolveHost,
  type RunningHttpService,
} from '@pingdummy/shared';
import { addFrontendRoutes } from './app.js';
import type { FrontendConfig } from './config.js';
import { createPingIntake, type PingIntakeOptions } from './heartbeats/ping-intake.js';

export { parseFrontendConfig, type FrontendConfig } from './config.js';

export interface StartFrontendOptions {
  /** Exit on SIGTERM/SIGINT after a graceful stop (off in tests). @default true */
  handleSignals?: boolean;
  /** @default a pino logger named "frontend" at config.logLevel */
  logger?: Logger;
  /** Name resolution for the warnings about a saved check's URL. @default dns.lookup */
  resolveHost?: ResolveHost;
  /** Tuning of the heartbeat pings' write-behind buffer. */
  pingBuffer?: PingIntakeOptions['buffer'];
}

/** Starts the web frontend (HTML pages and /api/v1) on config.port; stop() drains requests and closes the pool. */
export async function startFrontend(config: FrontendConfig, options: StartFrontendOptions = {}): Promise<RunningHttpService> {
  const logger = options.logger ?? createLogger('frontend', config.logLevel);
  // DATABASE_IAM_AUTH=true: a fresh IAM token per new connection, so credentials never go stale.
  const passwordSource = databasePasswordSourceFromEnvironment(config.databaseUrl);
  const pool = createPool({ connectionString: config.databaseUrl, applicationName: 'frontend', logger, passwordSource });
  let routes: { close(): Promise<void> } | undefined;
  // Heartbeat pings, the hot public path, are answered ahead of express: no routing, headers, cookies,
  // sessions, CSRF or role guard (the secret key in the URL is their authentication). Its batches are
  // written by a background loop with no actor, so it takes the plain pool: pings are not audited.
  const pings = createPingIntake({ pool, logger, buffer: options.pingBuffer, trustProxyHops: config.trustProxyHops });
  return startHttpService({
    name: 'frontend',
    logger,
    port: config.port,
    stopTimeoutMs: config.stopTimeoutMs,
    trustProxyHops: config.trustProxyHops,
    handleSignals: options.handleSignals ?? true,
    fastPath: pings.handle,
    readiness: [{ name: 'database', check: () => pingDatabase(pool) }],
    routes: (app) => {
      routes = addFrontendRoutes(app, { config, pool, logger, resolveHost: options.resolveHost });
    },
    onStop: async () => {
      await routes?.close();
      await pings.stop(config.stopTimeoutMs);
      await pool.end();
    },
  });
}
