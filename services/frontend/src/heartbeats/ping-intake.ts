import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger, Pool } from '@pingdummy/shared';
import proxyAddress from 'proxy-addr';
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
  /** Reverse proxies whose `X-Forwarded-For` entry is believed for a ping's source address (as express's `trust proxy`). @default 0 */
  trustProxyHops?: number;
}

export interface PingIntake {
  /**
   * A raw Node request handler ahead of express: takes every `/ping/...` request (GET, POST or HEAD
   * /ping/<key>, /ping/<key>/start, /ping/<key>/fail) and returns true; returns false for any other path.
   */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
  buffer: WriteBehindBuffer<AcceptedPing>;
  /** Refuses new pings (503) and writes the accepted ones, retrying for up to `timeoutMs`. */
  stop(timeoutMs: number): Promise<void>;
}

/** A ping path for the request log, its secret key replaced by the text `<key>` (e.g. `/ping/<key>/start`). */
export const redactPingKey = (path: string): string => path.replace(/^\/ping\/[^/]+/, '/ping/<key>');

/** `/ping/<key>` or `/ping/<key>/<signal>`, an optional trailing slash and query string. */
const PING_PATH = /^\/ping\/([^/?]+)(?:\/([^/?]+))?\/?(?:\?.*)?$/;

/** A percent-encoded key is decoded; a malformed one stays as it is (and matches no check). */
function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

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

  const trustHops = options.trustProxyHops ?? 0;
  const trustProxy = (_address: string, hop: number) => hop < trustHops;
  const logRequests = options.logger.isLevelEnabled('info');

  const answer = (res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}) => {
    res.writeHead(status, {
      'Cache-Control': 'no-store',
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Length': Buffer.byteLength(text),
      ...headers,
    });
    res.end(text);
  };

  const receivePing = async (req: IncomingMessage, res: ServerResponse, key: string, signal: string | undefined) => {
    if (!PING_METHODS.has(req.method ?? '')) {
      answer(res, 405, 'method not allowed: use GET, POST or HEAD\n', { Allow: 'GET, POST, HEAD' });
      return;
    }
    const kind: PingKind | undefined = signal === undefined ? 'success' : SIGNALS[signal];
    let checkId: string | null = null;
    if (kind) {
      try {
        checkId = await keys.checkIdOf(key);
      } catch (error) {
        options.logger.warn({ err: error }, 'ping key lookup failed; ping refused with 503');
        answer(res, 503, 'cannot accept pings right now; retry\n', { 'Retry-After': '1' });
        return;
      }
    }
    if (!kind || !checkId) {
      answer(res, 404, 'not found: no heartbeat check has this ping URL\n');
      return;
    }
    // A ping without a body (most are GETs) skips the stream reader.
    const hasBody = req.headers['transfer-encoding'] !== undefined || (req.headers['content-length'] ?? '0') !== '0';
    const body = hasBody ? await readPingBody(req, PING_BODY_LIMIT_BYTES) : { text: null, truncated: false };
    const accepted = buffer.accept({
      id: randomUUID(),
      checkId,
      receivedAt: new Date(),
      kind,
      method: req.method as AcceptedPing['method'],
      sourceIp: proxyAddress(req, trustProxy) || null,
      userAgent: clean(req.headers['user-agent'], 500),
      body: body.text,
      bodyTruncated: body.truncated,
    });
    if (!accepted) {
      answer(res, 503, 'too many pings waiting to be written; retry\n', { 'Retry-After': '1' });
      return;
    }
    answer(res, 200, body.truncated ? `OK (body truncated to ${PING_BODY_LIMIT_BYTES} bytes)\n` : 'OK\n');
  };

  const handle = (req: IncomingMessage, res: ServerResponse): boolean => {
    const match = PING_PATH.exec(req.url ?? '');
    if (!match) return false;
    const started = logRequests ? performance.now() : 0;
    if (logRequests) {
      // The request log names the route, never the key: anyone who has a ping URL can ping the check.
      res.once('finish', () => {
        const path = redactPingKey((req.url ?? '').split('?')[0]!);
        options.logger.info({ method: req.method, path, status: res.statusCode, ms: Math.round(performance.now() - started) }, 'request');
      });
    }
    receivePing(req, res, safeDecode(match[1]!), match[2]).catch((error) => {
      options.logger.error({ err: error }, 'ping failed');
      if (!res.headersSent) answer(res, 500, 'internal error\n');
      else res.destroy();
    });
    return true;
  };

  return { handle, buffer, stop: (timeoutMs) => buffer.stop(timeoutMs) };
}
