import type { ErrorClass } from '../beacon-api.js';

/** The caller's overall deadline passed (use as an AbortController reason). */
export class OutboundTimeoutError extends Error {
  override name = 'OutboundTimeoutError';
  readonly code = 'ERR_OUTBOUND_TIMEOUT';
  constructor(readonly timeoutMs: number) {
    super(`no complete response within ${timeoutMs} ms`);
  }
}

export interface ClassifiedError {
  readonly errorClass: ErrorClass;
  /** One short line a person can act on; never a stack trace. */
  readonly message: string;
}

type ErrorWithDetails = Error & {
  code?: string;
  hostname?: string;
  address?: string;
  port?: number;
  syscall?: string;
  errors?: unknown[];
};

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'ENODATA', 'ESERVFAIL', 'ENONAME', 'ENOTIMP', 'EREFUSED']);
const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT', 'ERR_OUTBOUND_TIMEOUT']);
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENETDOWN', 'EADDRNOTAVAIL']);
const PROTOCOL_CODES = new Set(['UND_ERR_RES_CONTENT_LENGTH_MISMATCH', 'UND_ERR_RES_EXCEEDED_MAX_SIZE', 'UND_ERR_INFO', 'HPE_INVALID_CONSTANT']);

/** Node's certificate verification codes, phrased for a status page. */
const TLS_MESSAGES: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'certificate is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'certificate chain ends in an untrusted self-signed root',
  CERT_HAS_EXPIRED: 'certificate has expired',
  CERT_NOT_YET_VALID: 'certificate is not yet valid',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'certificate chain is incomplete or signed by an unknown authority',
  UNABLE_TO_GET_ISSUER_CERT: 'certificate issuer is unknown',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'certificate issuer is unknown',
  CERT_REVOKED: 'certificate has been revoked',
  CERT_UNTRUSTED: 'certificate is not trusted',
  ERR_SSL_WRONG_VERSION_NUMBER: 'TLS handshake failed: the server does not speak TLS on this port',
};

/**
 * Maps any error from the outbound client (guarded agent, redirects, undici, Node's net/tls/dns) to
 * one of the beacon's error classes and a readable message. Wrapped errors (`cause`, AggregateError
 * from happy-eyeballs connection attempts) are unwrapped to the first informative one.
 */
export function classifyOutboundError(error: unknown): ClassifiedError {
  const root = unwrap(error);
  const code = root.code ?? '';
  const classified = classifyByCode(root, code);
  return { errorClass: classified.errorClass, message: oneLine(classified.message) };
}

function classifyByCode(error: ErrorWithDetails, code: string): ClassifiedError {
  if (code === 'ERR_BLOCKED_ADDRESS') return { errorClass: 'blocked_address', message: error.message };
  if (code === 'ERR_TOO_MANY_REDIRECTS') return { errorClass: 'too_many_redirects', message: error.message };
  if (code === 'ERR_INVALID_OUTBOUND_URL' || code === 'ERR_INVALID_URL') {
    return { errorClass: 'invalid_url', message: error.message };
  }
  if (DNS_CODES.has(code)) {
    return { errorClass: 'dns', message: `could not resolve ${error.hostname ?? 'host'} (${code})` };
  }
  if (TIMEOUT_CODES.has(code) || error.name === 'TimeoutError') {
    return { errorClass: 'timeout', message: timeoutMessage(error, code) };
  }
  if (UNREACHABLE_CODES.has(code)) {
    const target = error.address ? ` ${error.address}${error.port ? `:${error.port}` : ''}` : '';
    const what = code === 'ECONNREFUSED' ? 'connection refused' : 'host unreachable';
    return { errorClass: 'refused', message: `${what} by${target || ' server'} (${code})` };
  }
  if (TLS_MESSAGES[code]) return { errorClass: 'tls', message: TLS_MESSAGES[code] };
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return { errorClass: 'tls', message: `certificate does not match the host name: ${error.message}` };
  }
  if (code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_') || code.includes('CERT') || /\bSSL\b|\bTLS\b/i.test(error.message)) {
    return { errorClass: 'tls', message: `TLS error: ${error.message}` };
  }
  if (RESET_CODES.has(code)) {
    return { errorClass: 'connection_reset', message: `connection closed by the server before the response completed (${code})` };
  }
  if (code.startsWith('HPE_') || PROTOCOL_CODES.has(code) || error.name === 'HTTPParserError') {
    return { errorClass: 'protocol', message: `invalid HTTP response: ${error.message}` };
  }
  return { errorClass: 'unknown', message: error.message || error.name || 'unknown error' };
}

function timeoutMessage(error: ErrorWithDetails, code: string): string {
  switch (code) {
    case 'UND_ERR_CONNECT_TIMEOUT':
      return 'connect timeout: no TCP/TLS connection established in time';
    case 'UND_ERR_HEADERS_TIMEOUT':
      return 'timeout waiting for response headers';
    case 'UND_ERR_BODY_TIMEOUT':
      return 'timeout while reading the response body';
    default:
      return `timeout: ${error.message}`;
  }
}

/** Duck-typed on purpose: errors from Node internals may come from another realm (vm, jest). */
function isErrorLike(value: unknown): value is ErrorWithDetails {
  return typeof value === 'object' && value !== null && typeof (value as { message?: unknown }).message === 'string';
}

function unwrap(error: unknown): ErrorWithDetails {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && isErrorLike(current); depth++) {
    if (!current.code && Array.isArray(current.errors) && isErrorLike(current.errors[0])) {
      current = current.errors[0];
    } else if (!current.code && isErrorLike(current.cause)) {
      current = current.cause;
    } else {
      return current;
    }
  }
  return isErrorLike(current) ? current : (new Error(String(current)) as ErrorWithDetails);
}

function oneLine(message: string): string {
  const line = message.replace(/\s+/g, ' ').trim();
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}
