import { createLogger, startHttpService, type GuardedAgentOptions, type Logger, type RunningHttpService } from '@pingdummy/shared';
import type { BeaconConfig } from './config.js';
import { createProbesRouter } from './routes/probes.js';

export { beaconConfigSchema, loadBeaconConfig, parseBeaconConfig, type BeaconConfig } from './config.js';
export { runProbe, type ProbeSettings } from './probe/run-probe.js';
export { runTcpProbe } from './probe/run-tcp-probe.js';

export interface StartBeaconOptions {
  /**
   * Stop gracefully on SIGTERM/SIGINT and exit.
   * @default true
   */
  readonly handleSignals?: boolean;
  /** @default - a pino logger named `beacon` at config.logLevel */
  readonly logger?: Logger;
  /**
   * TLS trust for probed https targets; `ca` replaces Node's root certificates (use
   * NODE_EXTRA_CA_CERTS to add to them instead).
   * @default - Node's root certificates
   */
  readonly tls?: GuardedAgentOptions['tls'];
}

/** Starts the beacon: `POST /v1/probes` behind a bearer token, plus /healthz and /readyz. */
export async function startBeacon(config: BeaconConfig, options: StartBeaconOptions = {}): Promise<RunningHttpService> {
  const logger = options.logger ?? createLogger('beacon', config.logLevel);
  let stopping = false;
  const probesRouter = createProbesRouter({
    isStopping: () => stopping,
    token: config.token,
    region: config.region,
    concurrency: config.concurrency,
    settings: {
      allowCidrs: config.allowCidrs,
      maxRedirects: config.maxRedirects,
      maxBodyBytes: config.maxBodyBytes,
      userAgent: `Pingdummy-Beacon/0.1 (region ${config.region})`,
      tls: options.tls,
    },
  });
  logger.info(
    { region: config.region, allowCidrs: config.allowCidrs, concurrency: config.concurrency, maxRedirects: config.maxRedirects },
    'beacon configured',
  );
  return startHttpService({
    name: 'beacon',
    logger,
    port: config.port,
    stopTimeoutMs: config.stopTimeoutMs,
    handleSignals: options.handleSignals,
    onStopping: () => {
      stopping = true; // while draining, responses close their connection so clients reconnect elsewhere
    },
    routes: (app) => {
      app.use(probesRouter);
      app.use((req, res) => {
        res.status(404).json({ error: `no route for ${req.method} ${req.path}` });
      });
    },
  });
}
