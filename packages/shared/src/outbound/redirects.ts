import type { Readable } from 'node:stream';
import { request, type Dispatcher } from 'undici';
import { hostNameProblem } from './host-name.js';

/** A URL the outbound client will not request: unparsable, or a scheme other than http/https. */
export class InvalidOutboundUrlError extends Error {
  override name = 'InvalidOutboundUrlError';
  readonly code = 'ERR_INVALID_OUTBOUND_URL';
}

/** The redirect chain was longer than allowed (a loop ends here too). */
export class TooManyRedirectsError extends Error {
  override name = 'TooManyRedirectsError';
  readonly code = 'ERR_TOO_MANY_REDIRECTS';
  constructor(readonly maxRedirects: number, readonly lastUrl: string) {
    super(`more than ${maxRedirects} redirect${maxRedirects === 1 ? '' : 's'} (stopped at ${lastUrl})`);
  }
}

/** Parses an outbound URL; only http and https, with a host name DNS can carry, are accepted. */
export function parseOutboundUrl(value: string | URL, base?: URL): URL {
  let url: URL;
  try {
    url = new URL(value, base);
  } catch {
    throw new InvalidOutboundUrlError(`"${String(value).slice(0, 200)}" is not a valid URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidOutboundUrlError(`${url.protocol} URLs are not allowed (only http and https)`);
  }
  const problem = hostNameProblem(url.hostname);
  if (problem) throw new InvalidOutboundUrlError(problem);
  return url;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** Credentials meant for one origin must not follow a redirect to another. */
const ORIGIN_BOUND_HEADERS = new Set(['authorization', 'cookie', 'proxy-authorization']);
const BODY_HEADERS = new Set(['content-type', 'content-length', 'content-encoding', 'content-language', 'content-location']);

export interface OutboundRequest {
  readonly url: string | URL;
  /** @default 'GET' */
  readonly method?: Dispatcher.HttpMethod;
  /** @default - no extra headers */
  readonly headers?: Readonly<Record<string, string>>;
  /** @default - no body */
  readonly body?: string;
}

/** What a hop sends: the redirect loop rewrites it from hop to hop. */
export interface HopRequest {
  readonly method: Dispatcher.HttpMethod;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | undefined;
}

/** One hop's response, as the redirect loop needs it. */
export interface HopResponse {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Readable;
}

/** Sends one request to `url` (following nothing) and resolves once its response headers arrived. */
export type SendHop<R extends HopResponse> = (url: URL, request: HopRequest) => Promise<R>;

export interface RedirectOptions<R extends HopResponse = HopResponse> {
  /**
   * Redirects to follow before failing with TooManyRedirectsError; 0 returns the 3xx itself.
   * @default 5
   */
  readonly maxRedirects?: number;
  /** Called before each hop is requested; `hop` 0 is the original URL. @default - nothing */
  readonly onHop?: (url: URL, hop: number) => void;
  /** Called as soon as a hop's response headers arrive, redirects included. @default - nothing */
  readonly onResponse?: (statusCode: number, url: URL, hop: number) => void;
  /** Lets go of a redirect's response before the next hop. @default - reads up to 64 KiB of its body, then drops it */
  readonly discard?: (response: R) => Promise<void>;
}

export interface FollowRedirectsOptions extends RedirectOptions<Dispatcher.ResponseData> {
  /** The guarded agent (or any dispatcher) every hop goes through. */
  readonly dispatcher: Dispatcher;
  /** Aborts the whole chain. @default - none */
  readonly signal?: AbortSignal;
  /** Per hop: time allowed until response headers arrive. @default 300000 (undici's) */
  readonly headersTimeout?: number;
  /** Per hop: longest pause between body chunks. @default 300000 (undici's) */
  readonly bodyTimeout?: number;
}

export interface Followed<R extends HopResponse> {
  /** The last hop's response; its body is unread. */
  readonly response: R;
  /** The URL that produced `response`. */
  readonly url: URL;
  /** Redirects followed to get there. */
  readonly redirects: number;
}

export type FollowedResponse = Followed<Dispatcher.ResponseData>;

/** Requests a URL through an undici dispatcher and follows redirects hop by hop (see followRedirects). */
export function requestFollowingRedirects(initial: OutboundRequest, options: FollowRedirectsOptions): Promise<FollowedResponse> {
  const send: SendHop<Dispatcher.ResponseData> = (url, hop) =>
    request(url, {
      dispatcher: options.dispatcher,
      method: hop.method,
      headers: hop.headers,
      body: hop.body,
      signal: options.signal,
      headersTimeout: options.headersTimeout,
      bodyTimeout: options.bodyTimeout,
    });
  return followRedirects(initial, send, {
    discard: (response) => response.body.dump({ limit: REDIRECT_BODY_LIMIT }).catch(() => undefined),
    ...options,
  });
}

/**
 * Requests a URL with `send` and follows redirects one hop at a time. Steps per hop:
 * 1. Send (the sender dials through the address policy, so every hop's address is checked).
 * 2. Not a redirect, no Location, or maxRedirects 0: return the response.
 * 3. Discard the redirect's body; fail with TooManyRedirectsError once the cap is reached.
 * 4. Resolve Location against the current URL (relative locations work); refuse non-http(s).
 * 5. 303 (and 301/302 after a POST, as browsers do) become a GET without body; cross-origin hops
 *    drop Authorization and Cookie.
 */
export async function followRedirects<R extends HopResponse>(
  initial: OutboundRequest,
  send: SendHop<R>,
  options: RedirectOptions<R> = {},
): Promise<Followed<R>> {
  const maxRedirects = options.maxRedirects ?? 5;
  const discard = options.discard ?? ((response: R) => discardBody(response.body));
  let url = parseOutboundUrl(initial.url);
  let method: Dispatcher.HttpMethod = initial.method ?? 'GET';
  let headers: Record<string, string> = { ...initial.headers };
  let body = initial.body;

  for (let redirects = 0; ; redirects++) {
    options.onHop?.(url, redirects);
    const response = await send(url, { method, headers, body });
    options.onResponse?.(response.statusCode, url, redirects);
    const location = firstHeader(response.headers.location);
    if (!REDIRECT_STATUSES.has(response.statusCode) || !location || maxRedirects === 0) {
      return { response, url, redirects };
    }
    await discard(response);
    if (redirects >= maxRedirects) throw new TooManyRedirectsError(maxRedirects, url.href);

    let next: URL;
    try {
      next = parseOutboundUrl(location, url);
    } catch (error) {
      throw new InvalidOutboundUrlError(`redirect to ${(error as Error).message}`);
    }
    const becomesGet =
      (response.statusCode === 303 && method !== 'HEAD') ||
      ((response.statusCode === 301 || response.statusCode === 302) && method === 'POST');
    if (becomesGet) {
      method = 'GET';
      body = undefined;
      headers = withoutHeaders(headers, BODY_HEADERS);
    }
    if (next.origin !== url.origin) headers = withoutHeaders(headers, ORIGIN_BOUND_HEADERS);
    url = next;
  }
}

/** A redirect's body is read this far (so a keep-alive connection can be reused), then dropped. */
const REDIRECT_BODY_LIMIT = 64 * 1024;

async function discardBody(body: Readable): Promise<void> {
  let read = 0;
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      read += chunk.length;
      if (read > REDIRECT_BODY_LIMIT) break; // leaving the loop destroys the stream
    }
  } catch {
    // a broken redirect body does not matter: the next hop is what counts
  }
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function withoutHeaders(headers: Record<string, string>, names: ReadonlySet<string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !names.has(name.toLowerCase())));
}
