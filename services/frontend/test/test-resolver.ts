import type { LookupAddress } from 'node:dns';

/** A public (global unicast) address every name not listed below resolves to. */
export const PUBLIC_TEST_ADDRESS = '93.184.215.14';

const NAMES: Record<string, string> = {
  localhost: '127.0.0.1',
  'intranet.example.test': '10.1.2.3',
};

/**
 * Name resolution for tests: no query leaves the machine (the network rule), yet every name resolves.
 * `*.invalid` does not resolve (ENOTFOUND), as RFC 6761 reserves it.
 */
export async function resolveTestHost(hostname: string): Promise<LookupAddress[]> {
  if (hostname.endsWith('.invalid')) {
    throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', hostname });
  }
  const address = NAMES[hostname] ?? PUBLIC_TEST_ADDRESS;
  return [{ address, family: 4 }];
}
