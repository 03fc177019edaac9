import { randomUUID } from 'node:crypto';
import type { Logger, Pool } from '@pingdummy/shared';
import express, { type RequestHandler } from 'express';
import { PingKeyDirectory } from './ping-keys.js';
import { readPingBody } from './read-ping-body.js';
import { WriteBehindBuffer } from './write-behind-buffer.js';
import { writePings, type AcceptedPing, type PingKind } from './write-pings.js';

/** Bytes of a ping's body that are kept; the rest is read, dropped and the ping flagged as truncated. */
export const PING_BODY_LIMIT_BYTES = 10 * 1024;

const PING_METHODS = new Set(['GET', 'POST', 'HEAD']);
const SIGNALS: Record<string, PingKind> = { start: 'start', fail: 'fail' };

export interface PingIntakeOptions {
  pool: Pool;
  logger: Logger;
  /** Tuning of the write-behind buffer (tests make it small). */
  buffer?: { batchSize?: number; flushIntervalMs?: number; maxItems?: number; maxBytes?: number; retryMaxMs?: number };
  /** @default 60000 */
  pingKeyTtlMs?: number;
}

export interface PingIntake {
  /** Mount at /ping: GET, POST or HEAD /ping/<key>, /ping/<key>/start, /ping/<key>/fail. */
  router: express.Router;
  buffer: WriteBehindBuffer<AcceptedPing>;
  /** Refuses new pings (503) and writes the accepted ones, retrying for up to `timeoutMs`. */
  stop(timeoutMs: number): Promise<void>;
}

/** A ping path for the request log, its secret key replaced by the text `<key>` (e.g. `/ping/<key>/start`). */
export const redactPingKey = (path: string): string => path.replace(/^\/ping\/[^/]+/, '/ping/<key>');

const clean = (value: string | undefined, max: number) => (value ? value.slice(0, max).replaceAll('\u0000', '\uFFFD') : null);

/**
 * The public ping endpoint of heartbeat checks. A ping is answered 200 as soon as it is in the
 * write-behind buffer (memory), which writes batches to Postgres in the background; 404 for a key no
 * check has; 503 (retry) when the buffer is full or the key cannot be looked up: then nothing was accepted.
 */
export function createPingIntake(options: PingIntakeOptions): PingIntake {
  const keys = new PingKeyDirectory(options.pool, { ttlMs: options.pingKeyTtlMs });
  const buffer = new WriteBehindBuffer<AcceptedPing>({
    ...options.buffer,
    logger: options.logger,
    write: (batch) => writePings(options.pool, batch),
    sizeOf: (ping) => 200 + (ping.body?.length ?? 0) * 2 + (ping.userAgent?.length ?? 0) * 2,
  });

  const receivePing: RequestHandler = async (req, res) => {
    res.set('Cache-Control', 'no-store');
    if (!PING_METHODS.has(req.method)) {
      res.set('Allow', 'GET, POST, HEAD').status(405).type('text/plain').send('method not allowed: use GET, POST or HEAD\n');
      return;
    }
    const signal = req.params.signal as string | undefined;
    const kind: PingKind | undefined = signal === undefined ? 'success' : SIGNALS[signal];
    let checkId: string | null = null;
    if (kind) {
      try {
        checkId = await keys.checkIdOf(String(req.params.key));
      } catch (error) {
        options.logger.warn({ err: error }, 'ping key lookup failed; ping refused with 503');
        res.set('Retry-After', '1').status(503).type('text/plain').send('cannot accept pings right now; retry\n');
        return;
      }
    }
    if (!kind || !checkId) {
      res.status(404).type('text/plain').send('not found: no heartbeat check has this ping URL\n');
      return;
    }
    const body = await readPingBody(req, PING_BODY_LIMIT_BYTES);
    const accepted = buffer.accept({
      id: randomUUID(),
      checkId,
      receivedAt: new Date(),
      kind,
      method: req.method as AcceptedPing['method'],
      sourceIp: req.ip ?? null,
      userAgent: clean(req.get('user-agent'), 500),
      body: body.text,
      bodyTruncated: body.truncated,
    });
    if (!accepted) {
      res.set('Retry-After', '1').status(503).type('text/plain').send('too many pings waiting to be written; retry\n');
      return;
    }
    res.status(200).type('text/plain').send(body.truncated ? `OK (body truncated to ${PING_BODY_LIMIT_BYTES} bytes)\n` : 'OK\n');
  };

  const router = express.Router();
  router.all(['/:key', '/:key/:signal'], receivePing);
  return { router, buffer, stop: (timeoutMs) => buffer.stop(timeoutMs) };
}
