import { describeTcpTarget, formatTcpTarget, parseTcpTarget, TcpHost, TcpPort } from '@pingdummy/shared';
import { z } from 'zod';
import { heartbeatTargetText, type HeartbeatScheduleFields } from '../heartbeats/schedule-text.js';
import type { FieldErrors } from './errors.js';

/**
 * TCP checks: a host and port the beacons connect to (and optionally handshake TLS with). The target is
 * stored in `checks.url` as tcp://host:port or tls://host:port (see @pingdummy/shared tcp-target.ts); the
 * API and the form speak host, port and tls.
 */

/** The API fields of a TCP check; null on an HTTP check. */
export const tcpCheckFields = {
  host: TcpHost.describe('TCP checks: the host name or IP address to connect to (required for kind "tcp").'),
  port: TcpPort.describe('TCP checks: the port to connect to, 1 to 65535 (required for kind "tcp").'),
  tls: z.boolean().describe('TCP checks: handshake TLS after connecting and check the certificate (default false).'),
};

/** The values an HTTP-only field holds when nobody set it; a TCP check keeps them. */
const HTTP_FIELD_DEFAULTS = {
  method: 'GET',
  body: null,
  expectedStatusCodes: '200-399',
  keyword: null,
  keywordMode: null,
} as const;

/** The fields kindFieldErrors looks at: a new check, or a stored one merged with a patch. */
export interface KindFields {
  kind: string;
  url?: string | null;
  host?: string | null;
  port?: number | null;
  tls?: boolean | null;
  method?: string;
  headers?: Record<string, string>;
  body?: string | null;
  expectedStatusCodes?: string;
  keyword?: string | null;
  keywordMode?: string | null;
}

const given = (value: unknown) => value !== undefined && value !== null;

/**
 * What a check of its kind must have and must not have. A TCP check needs host and port and takes no URL
 * or HTTP option (method, headers, body, status codes, keyword): such a value would be silently ignored,
 * so it is refused, naming the field. An HTTP check needs a URL and takes no host, port or tls. A heartbeat
 * check is pinged, never probed: it takes none of them (its stored URL is empty).
 */
export function kindFieldErrors(check: KindFields): FieldErrors {
  const errors: FieldErrors = {};
  if (check.kind === 'heartbeat') {
    const notForHeartbeats = 'does not apply to heartbeat checks (they are pinged at their /ping URL, never probed)';
    if (given(check.url) && check.url !== '') errors.url = notForHeartbeats;
    for (const [field, fallback] of Object.entries(HTTP_FIELD_DEFAULTS)) {
      const value = check[field as keyof typeof HTTP_FIELD_DEFAULTS];
      if (value !== undefined && value !== fallback) errors[field] = notForHeartbeats;
    }
    if (check.headers && Object.keys(check.headers).length > 0) errors.headers = notForHeartbeats;
    for (const field of ['host', 'port', 'tls'] as const) {
      if (given(check[field])) errors[field] = notForHeartbeats;
    }
  } else if (check.kind === 'tcp') {
    if (!given(check.host)) errors.host = 'is required for a TCP check';
    if (!given(check.port)) errors.port = 'is required for a TCP check';
    if (given(check.url) && !parseTcpTarget(check.url!)) errors.url = 'does not apply to TCP checks; set host and port instead';
    for (const [field, fallback] of Object.entries(HTTP_FIELD_DEFAULTS)) {
      const value = check[field as keyof typeof HTTP_FIELD_DEFAULTS];
      if (value !== undefined && value !== fallback) errors[field] = 'does not apply to TCP checks';
    }
    if (check.headers && Object.keys(check.headers).length > 0) errors.headers = 'does not apply to TCP checks';
  } else {
    if (!given(check.url)) errors.url = 'is required';
    for (const field of ['host', 'port', 'tls'] as const) {
      if (given(check[field])) errors[field] = 'applies only to TCP checks (kind "tcp")';
    }
  }
  return errors;
}

/** The `url` column of a TCP check. */
export function tcpUrl(check: { host: string; port: number; tls?: boolean | null }): string {
  return formatTcpTarget({ host: check.host, port: check.port, tls: check.tls ?? false });
}

/** host, port and tls of a stored check; all null for an HTTP check. */
export function tcpFieldsOfUrl(url: string): { host: string | null; port: number | null; tls: boolean | null } {
  const target = parseTcpTarget(url);
  return target ? { host: target.host, port: target.port, tls: target.tls } : { host: null, port: null, tls: null };
}

/** How lists and pages name what a check watches: host:port for TCP, the schedule of a heartbeat, the URL otherwise. */
export function checkTargetText(url: string, heartbeat?: HeartbeatScheduleFields | null): string {
  if (heartbeat) return heartbeatTargetText(heartbeat);
  const target = parseTcpTarget(url);
  return target ? describeTcpTarget(target) : url;
}
