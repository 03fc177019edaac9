import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import {
  classifyOutboundError,
  followRedirects,
  OutboundTimeoutError,
  statusMatches,
  type ErrorClass,
  type GuardedAgentOptions,
  type HopRequest,
  type HopResponse,
  type ProbeResult,
  type ProbeSpec,
  type ProbeTimings,
  type SocketAttempt,
} from '@pingdummy/shared';
import { guardedConnectorFor } from './guarded-connector.js';
import { decodeBody, readCappedBody } from './read-body.js';
import { requestOverSocket } from './request-over-socket.js';

/** What every probe of a beacon shares. */
export interface ProbeSettings {
  /** CIDRs reachable although not public (BEACON_ALLOW_CIDRS). */
  readonly allowCidrs: readonly string[];
  /** Cap on redirects; a probe's own maxRedirects may only lower it. */
  readonly maxRedirects: number;
  /** Body bytes read per probe. */
  readonly maxBodyBytes: number;
  /** Sent when the probe sets no User-Agent of its own. */
  readonly userAgent: string;
  /** Extra TLS trust (tests, private CAs). @default - Node's root certificates */
  readonly tls?: GuardedAgentOptions['tls'];
  /** Name resolution override (tests). @default - dns.lookup */
  readonly resolve?: GuardedAgentOptions['resolve'];
}

type Failure = { errorClass: ErrorClass; message: string };

/** A hop's response: Node's message is its own body stream. */
type ProbeResponse = HopResponse & { readonly body: IncomingMessage };

const DAY_MS = 86_400_000;

/**
 * Collects phase timings over a probe's redirect chain. DNS, TCP and TLS come from each hop's guarded
 * connection attempt; first byte is the wait between the request going out on a ready
 * connection and its response headers arriving. Each is summed over the hops and stays null when
 * the phase never happened (no DNS for a literal IP, no TLS for http, no response at all).
 */
class ProbeClock {
  readonly started = performance.now();
  dnsMs: number | null = null;
  connectMs: number | null = null;
  tlsMs: number | null = null;
  firstByteMs: number | null = null;
  private hopStartedAt = this.started;
  private connectionReadyAt = -Infinity;
  /** Leaf certificate expiry per `host:port`, for the final hop's origin. */
  readonly certificates = new Map<string, Date>();

  recordConnection(origin: string, attempt: SocketAttempt): void {
    this.dnsMs = add(this.dnsMs, attempt.dnsMs);
    this.connectMs = add(this.connectMs, attempt.connectMs);
    this.tlsMs = add(this.tlsMs, attempt.tlsMs);
    if (attempt.error) return;
    this.connectionReadyAt = performance.now();
    if (attempt.certificateValidTo) this.certificates.set(origin, attempt.certificateValidTo);
  }

  recordHopStart(): void {
    this.hopStartedAt = performance.now();
  }

  recordResponseHeaders(): void {
    const waitStartedAt = Math.max(this.hopStartedAt, this.connectionReadyAt);
    this.firstByteMs = add(this.firstByteMs, performance.now() - waitStartedAt);
  }

  timings(): ProbeTimings {
    return {
      dnsMs: round(this.dnsMs),
      connectMs: round(this.connectMs),
      tlsMs: round(this.tlsMs),
      firstByteMs: round(this.firstByteMs),
      totalMs: round(performance.now() - this.started)!,
    };
  }
}

const add = (sum: number | null, value: number | null): number | null =>
  value === null ? sum : (sum ?? 0) + Math.max(0, value);
const round = (value: number | null): number | null => (value === null ? null : Math.round(value * 100) / 100);

/** What a hop to `url` dials, and the `host:port` its certificate is kept under (IPv6 without brackets). */
function dialTarget(url: URL): { host: string; port: number; tls: boolean; origin: string } {
  const tls = url.protocol === 'https:';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port) || (tls ? 443 : 80);
  return { host, port, tls, origin: `${host}:${port}` };
}

/**
 * Runs one probe and never throws: every failure becomes an error class and a short message.
 * Steps:
 * 1. Per hop, open a fresh connection under the address policy (guarded lookup, literal IPs checked,
 *    TLS verified), so timings are the probe's own: no keep-alive, no TLS session resumption.
 * 2. Send the request over it with Node's http client; follow redirects hop by hop (each hop's address
 *    checked), within timeoutMs; at the deadline the open connection is destroyed, which fails
 *    whatever is in flight (connect, headers, body).
 * 3. Check the status against expectedStatus.
 * 4. Read the body up to the cap; with a keyword, a longer body is `too_large`, otherwise check the
 *    keyword on the decoded text.
 * 5. Report timings, the final hop's certificate expiry (https), and the redirects followed.
 */
export async function runProbe(spec: ProbeSpec, settings: ProbeSettings): Promise<ProbeResult> {
  const startedAt = new Date();
  const clock = new ProbeClock();
  const connect = guardedConnectorFor(settings);
  const deadlineAt = performance.now() + spec.timeoutMs;
  let timedOut: OutboundTimeoutError | undefined;
  let open: Socket | undefined;
  const deadline = setTimeout(() => {
    timedOut = new OutboundTimeoutError(spec.timeoutMs);
    open?.destroy(timedOut);
  }, spec.timeoutMs);

  const sendHop = async (url: URL, hop: HopRequest): Promise<ProbeResponse> => {
    const { host, port, tls, origin } = dialTarget(url);
    open?.destroy(); // the previous hop's connection: every hop dials afresh
    const attempt = await connect({ host, port, tls, timeoutMs: Math.max(1, deadlineAt - performance.now()) });
    clock.recordConnection(origin, attempt);
    if (timedOut) attempt.socket?.destroy();
    if (timedOut || attempt.error) throw timedOut ?? attempt.error;
    open = attempt.socket!;
    const message = await requestOverSocket(open, url, hop);
    return { statusCode: message.statusCode ?? 0, headers: message.headers, body: message };
  };

  let statusCode: number | null = null;
  let redirects = 0;
  let finalUrl: URL | undefined;
  let failure: Failure | null = null;
  try {
    const followed = await followRedirects(
      { url: spec.url, method: spec.method, headers: withUserAgent(spec.headers, settings.userAgent), body: spec.body },
      sendHop,
      {
        maxRedirects: Math.min(spec.maxRedirects, settings.maxRedirects),
        onHop: (_url, hop) => {
          clock.recordHopStart();
          redirects = hop;
        },
        onResponse: () => clock.recordResponseHeaders(),
        // The next hop dials a new connection anyway: drop this one instead of reading its body.
        discard: async (response) => void response.body.destroy(),
      },
    );
    ({ redirects, url: finalUrl } = followed);
    const { response } = followed;
    statusCode = response.statusCode;
    failure = await checkResponse(spec, settings, response);
  } catch (error) {
    failure = classifyOutboundError(timedOut ?? error);
  } finally {
    clearTimeout(deadline);
    open?.destroy();
  }

  const validTo = finalUrl?.protocol === 'https:' ? clock.certificates.get(dialTarget(finalUrl).origin) : undefined;
  return {
    id: spec.id,
    ok: failure === null,
    startedAt: startedAt.toISOString(),
    statusCode,
    timings: clock.timings(),
    errorClass: failure?.errorClass ?? null,
    errorMessage: failure?.message ?? null,
    tlsCertExpiresAt: validTo ? validTo.toISOString() : null,
    tlsCertDaysLeft: validTo ? Math.floor((validTo.getTime() - Date.now()) / DAY_MS) : null,
    redirects,
  };
}

/** Status first, then the body: a failing status is reported without downloading anything. */
async function checkResponse(spec: ProbeSpec, settings: ProbeSettings, response: ProbeResponse): Promise<Failure | null> {
  const { statusCode } = response;
  if (!statusMatches(statusCode, spec.expectedStatus)) {
    return { errorClass: 'http_status', message: `HTTP ${statusCode}, expected ${describeRanges(spec.expectedStatus)}` };
  }
  const keyword = spec.keyword;
  const declaredLength = Number(response.headers['content-length']);
  if (keyword && declaredLength > settings.maxBodyBytes) {
    return { errorClass: 'too_large', message: tooLargeMessage(settings.maxBodyBytes, `Content-Length ${declaredLength}`) };
  }
  const body = await readCappedBody(response.body, settings.maxBodyBytes, keyword !== undefined);
  if (!keyword) return null; // past the cap, reading simply stopped: a big page is not a failure
  if (body.truncated) return { errorClass: 'too_large', message: tooLargeMessage(settings.maxBodyBytes, 'the body') };

  const found = decodeBody(body.data, response.headers['content-type']).includes(keyword);
  const mode = spec.keywordMode ?? 'present';
  if (mode === 'present' && !found) return { errorClass: 'keyword', message: `keyword ${quote(keyword)} not found in the response body` };
  if (mode === 'absent' && found) return { errorClass: 'keyword', message: `keyword ${quote(keyword)} found in the response body but must be absent` };
  return null;
}

function tooLargeMessage(maxBytes: number, what: string): string {
  return `${what} exceeds the ${maxBytes}-byte limit, so the keyword cannot be checked`;
}

function describeRanges(ranges: ReadonlyArray<readonly [number, number]>): string {
  return ranges.map(([low, high]) => (low === high ? `${low}` : `${low}-${high}`)).join(',');
}

function quote(keyword: string): string {
  return JSON.stringify(keyword.length > 60 ? `${keyword.slice(0, 57)}...` : keyword);
}

function withUserAgent(headers: Record<string, string>, userAgent: string): Record<string, string> {
  const hasOwn = Object.keys(headers).some((name) => name.toLowerCase() === 'user-agent');
  return hasOwn ? headers : { ...headers, 'user-agent': userAgent };
}
