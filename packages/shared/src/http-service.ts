import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import type { Logger } from './logger.js';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      id: string;
      log: Logger;
    }
  }
}

/** A dependency check for /readyz; throws (or rejects) when the dependency is unreachable. */
export type ReadinessCheck = { name: string; check: () => Promise<void> };

export interface HttpServiceOptions {
  name: string;
  logger: Logger;
  port: number;
  host?: string;
  /** Adds the service's own routes (after request ids and logging, before error handling). */
  routes: (app: Express) => void;
  readiness?: ReadinessCheck[];
  /** How long in-flight requests may take to finish after SIGTERM. */
  stopTimeoutMs?: number;
  /** Called as stopping begins, before in-flight requests finish (e.g. to refuse new work). */
  onStopping?: () => void;
  /** Releases resources after the server stopped (close the pool, stop loops). */
  onStop?: () => Promise<void>;
  /** Exit the process on SIGTERM/SIGINT (off in tests). */
  handleSignals?: boolean;
  /**
   * Reverse proxies in front of the service (an ALB is 1) whose `X-Forwarded-For` / `X-Forwarded-Proto`
   * entries are believed. With 0 the client address is the socket's, so a forged header changes nothing.
   * @default 0
   */
  trustProxyHops?: number;
  /**
   * Sees every request before express and answers the ones it takes (returns true): a hot path such as
   * heartbeat pings, which then pays for no routing, request context or middleware. It logs them itself.
   * @default - every request goes to express
   */
  fastPath?: (req: IncomingMessage, res: ServerResponse) => boolean;
}

export interface RunningHttpService {
  app: Express;
  server: Server;
  url: string;
  port: number;
  /** Fail readiness, finish in-flight requests (up to the stop timeout), then run onStop. */
  stop(): Promise<void>;
}

/** Takes the caller's request id when it looks sane, otherwise makes one; every log line carries it. */
function requestContext(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const incoming = req.get('x-request-id');
    req.id = incoming && /^[\w.-]{1,100}$/.test(incoming) ? incoming : randomUUID();
    req.log = logger.child({ requestId: req.id });
    res.setHeader('x-request-id', req.id);
    const started = process.hrtime.bigint();
    // Read now: a mounted router strips its prefix from req.path while it handles the request.
    const path = req.path;
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (path === '/healthz' || path === '/readyz') return;
      req.log.info({ method: req.method, path, status: res.statusCode, ms: Math.round(ms) }, 'request');
    });
    next();
  };
}

/** JSON errors without stack traces: body-parser failures become 400/413 with a readable message. */
export const jsonErrorHandler: ErrorRequestHandler = (error, req, res, next) => {
  if (res.headersSent) return next(error);
  const status: number = typeof error?.status === 'number' && error.status >= 400 && error.status < 500 ? error.status : 500;
  if (status === 500) req.log?.error({ err: error }, 'unhandled error');
  const message =
    error?.type === 'entity.parse.failed'
      ? 'malformed JSON body'
      : error?.type === 'entity.too.large'
        ? `body too large (limit ${error.limit} bytes)`
        : status === 500
          ? 'internal error'
          : String(error?.message ?? 'bad request');
  res.status(status).json({ error: message });
};

/**
 * Starts an express service with /healthz (process alive), /readyz (dependencies reachable) and
 * graceful shutdown, shared by every Pingdummy service.
 */
export async function startHttpService(options: HttpServiceOptions): Promise<RunningHttpService> {
  const { logger } = options;
  const stopTimeoutMs = options.stopTimeoutMs ?? 10_000;
  let draining = false;

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', options.trustProxyHops ?? 0);
  app.use(requestContext(logger));
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', service: options.name });
  });
  app.get('/readyz', async (_req, res) => {
    if (draining) return void res.status(503).json({ status: 'draining' });
    const failures: string[] = [];
    for (const dependency of options.readiness ?? []) {
      try {
        await dependency.check();
      } catch {
        failures.push(dependency.name);
      }
    }
    if (failures.length > 0) return void res.status(503).json({ status: 'unready', failing: failures });
    res.json({ status: 'ready' });
  });
  options.routes(app);
  app.use(jsonErrorHandler);

  const { fastPath } = options;
  const server = createServer(fastPath ? (req, res) => void (fastPath(req, res) || app(req, res)) : app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.keepAliveTimeout = 65_000; // longer than the ALB idle timeout, so the ALB closes first
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const url = `http://127.0.0.1:${port}`;

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      draining = true;
      options.onStopping?.();
      logger.info({ stopTimeoutMs }, 'stopping: readiness failed, finishing in-flight requests');
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const timer = setTimeout(() => {
        logger.warn('stop timeout reached; closing remaining connections');
        server.closeAllConnections();
      }, stopTimeoutMs);
      await closed;
      clearTimeout(timer);
      await options.onStop?.();
      logger.info('stopped');
    })();
    return stopping;
  };

  if (options.handleSignals ?? true) {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.once(signal, () => {
        logger.info({ signal }, 'signal received');
        stop().then(
          () => process.exit(0),
          (error) => {
            logger.error({ err: error }, 'error while stopping');
            process.exit(1);
          },
        );
      });
    }
  }

  logger.info({ port }, `${options.name} listening`);
  return { app, server, url, port, stop };
}
