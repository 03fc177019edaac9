import { isIP } from 'node:net';
import { z } from 'zod';
import { hostNameProblem } from './outbound/host-name.js';

/**
 * Where a TCP check connects. Stored in `checks.url` as `tcp://host:port` (plain) or `tls://host:port`
 * (TLS handshake after connecting), IPv6 literals in brackets: one column stays the single source of
 * the target, so everything that reads `url` (scheduling, address warnings, lists) keeps working.
 */
export interface TcpTarget {
  /** A DNS name (ASCII, punycode for IDN) or an IPv4/IPv6 literal without brackets. */
  readonly host: string;
  readonly port: number;
  /** Handshake TLS after connecting (certificate checked, expiry recorded). */
  readonly tls: boolean;
}

/** Characters that would make a host more than a host (a path, credentials, a port, a scheme). */
const NOT_HOST_CHARACTERS = /[\s/\\?#@%:[\]]/;

/**
 * Normalizes a host as the HTTP client does (IDN to punycode, `0x7f000001` to `127.0.0.1`, IPv6 compressed);
 * throws an Error saying what is wrong with it.
 */
export function normalizeTcpHost(value: string): string {
  const host = value.trim().replace(/^\[(.*)\]$/, '$1');
  if (host === '') throw new Error('is required');
  const ipv6 = isIP(host) === 6;
  if (!ipv6 && NOT_HOST_CHARACTERS.test(host)) throw new Error('must be a host name or IP address only, without scheme, port or path');
  let hostname: string;
  try {
    hostname = new URL(`http://${ipv6 ? `[${host}]` : host}/`).hostname.replace(/^\[(.*)\]$/, '$1');
  } catch {
    throw new Error('is not a valid host name or IP address');
  }
  const problem = hostNameProblem(hostname);
  if (problem) throw new Error(problem);
  return hostname;
}

/** The host rule the API, the web form and the beacon share: trimmed, normalized, at most 253 characters. */
export const TcpHost = z
  .string()
  .max(255, 'must be at most 253 characters')
  .transform((value, ctx) => {
    try {
      return normalizeTcpHost(value);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
      return z.NEVER;
    }
  });

export const TcpPort = z
  .number({ error: 'must be a whole number between 1 and 65535' })
  .int('must be a whole number between 1 and 65535')
  .min(1, 'must be a whole number between 1 and 65535')
  .max(65_535, 'must be a whole number between 1 and 65535');

/** `tcp://host:port` or `tls://host:port`. */
export function formatTcpTarget(target: TcpTarget): string {
  const host = isIP(target.host) === 6 ? `[${target.host}]` : target.host;
  return `${target.tls ? 'tls' : 'tcp'}://${host}:${target.port}`;
}

/** The target stored by formatTcpTarget; null for any other URL (an HTTP check's). */
export function parseTcpTarget(url: string): TcpTarget | null {
  const match = /^(tcp|tls):\/\/(\[[^\]]+\]|[^/:[\]]+):(\d{1,5})$/.exec(url);
  if (!match) return null;
  return { host: match[2]!.replace(/^\[(.*)\]$/, '$1'), port: Number(match[3]), tls: match[1] === 'tls' };
}

/** How a person reads the target: `host:port`, IPv6 in brackets. */
export function describeTcpTarget(target: TcpTarget): string {
  return `${isIP(target.host) === 6 ? `[${target.host}]` : target.host}:${target.port}`;
}
