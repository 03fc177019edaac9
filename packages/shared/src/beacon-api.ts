import { z } from 'zod';
import { TcpHost, TcpPort } from './tcp-target.js';

/** Why a probe failed; the worker records it and the UI shows it. */
export const ERROR_CLASSES = [
  'dns',
  'refused',
  'timeout',
  'tls',
  'http_status',
  'keyword',
  'blocked_address',
  'too_large',
  'too_many_redirects',
  'connection_reset',
  'invalid_url',
  'protocol',
  'unknown',
] as const;
export const ErrorClass = z.enum(ERROR_CLASSES);
export type ErrorClass = z.infer<typeof ErrorClass>;

export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
export const HttpMethod = z.enum(HTTP_METHODS);

export const StatusRangeSchema = z
  .tuple([z.number().int().min(100).max(599), z.number().int().min(100).max(599)])
  .refine(([low, high]) => low <= high, 'low must not exceed high');

/** A header name: an RFC 9110 token. */
export const HeaderName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,200}$/, 'is not a valid header name');
/**
 * A header value as Node's HTTP client accepts it: tabs, printable ASCII and Latin-1, at most 4096 characters.
 * A line break would smuggle another header (the client then refuses the whole request), so it is refused here.
 */
export const HeaderValue = z
  .string()
  .max(4096, 'must be at most 4096 characters')
  .regex(/^[\t\x20-\x7e\x80-\xff]*$/, 'must not contain line breaks, control characters or characters beyond Latin-1');
/** Request headers of a probe: the one rule the API, the web form and the beacon apply. */
export const ProbeHeaders = z
  .record(HeaderName, HeaderValue)
  .refine((headers) => Object.keys(headers).length <= 50, 'must have at most 50 headers');

/**
 * How long the beacon waits before starting a probe: the worker sends every check coming due within its
 * lookahead in one batch, each to start at its due time (one request per second instead of one per due instant).
 * At most WORKER_LOOKAHEAD_MS's bound (10 s) plus room. Absent: at once.
 */
const StartInMs = z.number().int().min(0).max(15_000).optional();

/** One probe the worker asks a beacon to run. */
export const ProbeSpec = z.strictObject({
  /** Correlation id chosen by the worker, echoed in the result. */
  id: z.string().min(1).max(200),
  /** Absent in requests from workers that predate TCP probes. */
  kind: z.literal('http').optional(),
  url: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).max(2048),
  method: HttpMethod.default('GET'),
  headers: ProbeHeaders.default({}),
  body: z.string().max(65_536).optional(),
  timeoutMs: z.number().int().min(100).max(60_000).default(10_000),
  expectedStatus: z.array(StatusRangeSchema).min(1).max(20).default([[200, 399]]),
  keyword: z.string().min(1).max(1024).optional(),
  keywordMode: z.enum(['present', 'absent']).optional(),
  maxRedirects: z.number().int().min(0).max(10).default(5),
  startInMs: StartInMs,
});
export type ProbeSpec = z.infer<typeof ProbeSpec>;
export type ProbeSpecInput = z.input<typeof ProbeSpec>;

/** A TCP probe: connect to host:port (every resolved address checked), optionally handshake TLS, close. */
export const TcpProbeSpec = z.strictObject({
  id: z.string().min(1).max(200),
  kind: z.literal('tcp'),
  host: TcpHost,
  port: TcpPort,
  /** Handshake TLS (SNI = host name) and check the certificate after connecting. */
  tls: z.boolean().default(false),
  timeoutMs: z.number().int().min(100).max(60_000).default(10_000),
  startInMs: StartInMs,
});
export type TcpProbeSpec = z.infer<typeof TcpProbeSpec>;
export type TcpProbeSpecInput = z.input<typeof TcpProbeSpec>;

/** Any probe a beacon runs, told apart by `kind` (HTTP when absent). */
export const AnyProbeSpec = z.discriminatedUnion('kind', [ProbeSpec, TcpProbeSpec]);
export type AnyProbeSpec = z.infer<typeof AnyProbeSpec>;
export type AnyProbeSpecInput = z.input<typeof AnyProbeSpec>;

export const ProbeBatchRequest = z.strictObject({
  probes: z.array(AnyProbeSpec).min(1).max(1000),
});
export type ProbeBatchRequest = z.infer<typeof ProbeBatchRequest>;

/** Phase durations in milliseconds; null when the phase did not happen (no DNS for a literal IP, no TLS for http). */
export const ProbeTimings = z.strictObject({
  dnsMs: z.number().nonnegative().nullable(),
  connectMs: z.number().nonnegative().nullable(),
  tlsMs: z.number().nonnegative().nullable(),
  firstByteMs: z.number().nonnegative().nullable(),
  totalMs: z.number().nonnegative(),
});
export type ProbeTimings = z.infer<typeof ProbeTimings>;

export const ProbeResult = z.strictObject({
  id: z.string(),
  /** True when status, keyword and everything else passed. */
  ok: z.boolean(),
  startedAt: z.iso.datetime(),
  /** The HTTP status; always null for a TCP probe. */
  statusCode: z.number().int().nullable(),
  timings: ProbeTimings,
  errorClass: ErrorClass.nullable(),
  errorMessage: z.string().max(1000).nullable(),
  /** Expiry of the leaf certificate (https; TCP with TLS, where a refused certificate's expiry is reported too). */
  tlsCertExpiresAt: z.iso.datetime().nullable(),
  tlsCertDaysLeft: z.number().int().nullable(),
  /** How many redirects were followed. */
  redirects: z.number().int().nonnegative(),
});
export type ProbeResult = z.infer<typeof ProbeResult>;

export const ProbeBatchResponse = z.strictObject({
  region: z.string(),
  results: z.array(ProbeResult),
});
export type ProbeBatchResponse = z.infer<typeof ProbeBatchResponse>;

/** Turns a zod error into the message the APIs return: `field.path: problem`. */
export function describeZodError(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(body)'}: ${issue.message}`)
    .join('; ');
}
