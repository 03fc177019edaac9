import type { Server } from 'node:http';
import { createLogger, type Pool } from '@pingdummy/shared';
import express from 'express';
import { createApiRouter } from '../../src/api/router.js';
import { createAddressAdvisor } from '../../src/checks/address-warnings.js';
import { resolveTestHost } from '../test-resolver.js';

export interface ApiServer {
  url: string;
  close(): Promise<void>;
}

/**
 * A real HTTP server with only the API router mounted at /api/v1, on a free port. Check URLs are resolved by
 * the test resolver (no DNS query leaves the machine) under the given beacon allow-list.
 */
export async function startApiServer(pool: Pool, checkLimit = 50, requestsPerMinute?: number, beaconAllowCidrs: string[] = []): Promise<ApiServer> {
  const app = express();
  const addressWarnings = createAddressAdvisor({ allowCidrs: beaconAllowCidrs, resolve: resolveTestHost });
  app.use('/api/v1', createApiRouter({ pool, logger: createLogger('api-test', 'silent'), checkLimit, requestsPerMinute, addressWarnings }));
  const server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/api/v1`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
  text: string;
}

/** Sends a request; `body` objects are sent as JSON, strings as they are (for malformed bodies). */
export async function call(
  server: ApiServer,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<ApiResponse> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(`${server.url}${path}`, { method, headers, body });
  const text = await response.text();
  let json: unknown = undefined;
  if (response.headers.get('content-type')?.includes('application/json')) json = JSON.parse(text);
  return { status: response.status, headers: response.headers, json, text };
}
