import type { HTTP_METHODS } from './beacon-api.js';

/** What a check probes and how its state is decided: the columns the worker and the frontend both read. */
export interface CheckDefinition {
  id: string;
  accountId: string;
  name: string;
  /** What is probed: an HTTP(S) URL, or a TCP port whose target `url` holds as tcp:// or tls:// (see tcp-target.ts). */
  kind: 'http' | 'tcp' | 'heartbeat';
  url: string;
  method: (typeof HTTP_METHODS)[number];
  headers: Record<string, string>;
  body: string | null;
  intervalSeconds: number;
  timeoutMs: number;
  /** A spec such as `200-299,301` (see parseStatusCodes). */
  expectedStatusCodes: string;
  keyword: string | null;
  keywordMode: 'present' | 'absent' | null;
  degradedThresholdMs: number | null;
  failuresBeforeDown: number;
  recoveriesBeforeUp: number;
  /** Empty: every region that has a beacon. */
  regions: string[];
}

/** The `checks` columns behind a CheckDefinition, each prefixed with `alias.`. */
export function checkDefinitionColumns(alias: string): string {
  return [
    'id', 'account_id', 'name', 'kind', 'url', 'method', 'headers', 'body', 'interval_seconds', 'timeout_ms',
    'expected_status_codes', 'keyword', 'keyword_mode', 'degraded_threshold_ms', 'failures_before_down',
    'recoveries_before_up', 'regions',
  ]
    .map((column) => `${alias}.${column}`)
    .join(', ');
}

/** Maps a row selected with checkDefinitionColumns to a CheckDefinition. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function checkDefinitionFromRow(row: any): CheckDefinition {
  return {
    id: row.id,
    accountId: row.account_id,
    name: row.name,
    kind: row.kind,
    url: row.url,
    method: row.method,
    headers: row.headers,
    body: row.body,
    intervalSeconds: row.interval_seconds,
    timeoutMs: row.timeout_ms,
    expectedStatusCodes: row.expected_status_codes,
    keyword: row.keyword,
    keywordMode: row.keyword_mode,
    degradedThresholdMs: row.degraded_threshold_ms,
    failuresBeforeDown: row.failures_before_down,
    recoveriesBeforeUp: row.recoveries_before_up,
    regions: row.regions,
  };
}
