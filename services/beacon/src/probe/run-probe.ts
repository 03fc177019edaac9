import {
  classifyOutboundError,
  createGuardedAgentFactory,
  OutboundTimeoutError,
  requestFollowingRedirects,
  statusMatches,
  type ConnectionReport,
  type ErrorClass,
  type GuardedAgentOptions,
  type ProbeResult,
  type ProbeSpec,
  type ProbeTimings,
} from '@pingdummy/shared';
import { errors } from 'undici';
import { onePerSettings } from './per-settings.js';
import { decodeBody, readCappedBody } from './read-body.js';

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

const DAY_MS = 86_400_000;

/**
 * Ends a finished probe's agent. Made once: without it undici builds a fresh error per probe and
 * Node formats its stack while destroying the socket, which was a visible share of a probe's CPU.
 */
const PROBE_FINISHED = new errors.ClientDestroyedError();

/** One factory per settings object, so the allow-list is parsed once per beacon, not per probe. */
const agentFactoryFor = onePerSettings((settings) =>
  createGuardedAgentFactory({ allowCidrs: settings.allowCidrs, tls: settings.tls, resolve: settings.resolve }),
);

/**
 * Collects phase timings over a probe's redirect chain. DNS, TCP and TLS come from the guarded
 * agent's connection reports; first byte is the wait between the request going out on a ready
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

  recordConnection(report: ConnectionReport): void {
    this.dnsMs = add(this.dnsMs, report.dnsMs);
    this.connectMs = add(this.connectMs, report.connectMs);
    this.tlsMs = add(this.tlsMs, report.tlsMs);
    if (report.error) return;
    this.connectionReadyAt = performance.now();
    if (report.certificateValidTo) this.certificates.set(`${report.hostname}:${report.port}`, report.certificateValidTo);
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

/**
 * Runs one probe and never throws: every failure becomes an error class and a short message.
 * Steps:
 * 1. Open a guarded agent for this probe alone, so timings are its own and connections are fresh
 *    (no keep-alive reuse, no TLS session resumption between probes).
 * 2. Request with redirects followed hop by hop (each hop's address checked), within timeoutMs; at
 *    the deadline the agent is destroyed, which fails whatever is in flight (connect, headers, body).
 * 3. Check the status against expectedStatus.
 * 4. Read the body up to the cap; with a keyword, a longer body is `too_large`, otherwise check the
 *    keyword on the decoded text.
 * 5. Report timings, the final hop's certificate expiry (https), and the redirects followed.
 */
export async function runProbe(spec: ProbeSpec, settings: ProbeSettings): Promise<ProbeResult> {
  const startedAt = new Date();
  const clock = new ProbeClock();
  const agent = agentFactoryFor(settings)({
    connectTimeoutMs: spec.timeoutMs,
    connectionsPerOrigin: 1,
    onConnection: (report) => clock.recordConnection(report),
  });
  // Destroying the agent rather than aborting a signal: no AbortController and listeners per probe.
  let timedOut: OutboundTimeoutError | undefined;
  const deadline = setTimeout(() => {
    timedOut = new OutboundTimeoutError(spec.timeoutMs);
    agent.destroy(timedOut).catch(() => undefined);
  }, spec.timeoutMs);

  let statusCode: number | null = null;
  let redirects = 0;
  let finalUrl: URL | undefined;
  let failure: Failure | null = null;
  try {
    const followed = await requestFollowingRedirects(
      { url: spec.url, method: spec.method, headers: withUserAgent(spec.headers, settings.userAgent), body: spec.body },
      {
        dispatcher: agent,
        maxRedirects: Math.min(spec.maxRedirects, settings.maxRedirects),
        headersTimeout: spec.timeoutMs,
        bodyTimeout: spec.timeoutMs,
        onHop: (_url, hop) => {
          clock.recordHopStart();
          redirects = hop;
        },
        onResponse: () => clock.recordResponseHeaders(),
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
    // destroy, not close: an unread or capped body must not keep the socket open.
    agent.destroy(PROBE_FINISHED).catch(() => undefined);
  }

  const validTo = finalUrl?.protocol === 'https:' ? clock.certificates.get(`${finalUrl.hostname.replace(/^\[|\]$/g, '')}:${Number(finalUrl.port) || 443}`) : undefined;
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

type FinalResponse = Awaited<ReturnType<typeof requestFollowingRedirects>>['response'];

/** Status first, then the body: a failing status is reported without downloading anything. */
async function checkResponse(spec: ProbeSpec, settings: ProbeSettings, response: FinalResponse): Promise<Failure | null> {
  if (!statusMatches(response.statusCode, spec.expectedStatus)) {
    return { errorClass: 'http_status', message: `HTTP ${response.statusCode}, expected ${describeRanges(spec.expectedStatus)}` };
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
