import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { checkAddress, parseAllowCidrs, parseTcpTarget, type ResolveHost } from '@pingdummy/shared';

/** A problem with a saved check that does not stop it from being saved, e.g. `{ field: 'url', message }`. */
export interface CheckWarning {
  /** The field that holds the address: `url`, or `host` for a TCP check. */
  field: 'url' | 'host';
  message: string;
}

/** Tells whether a check's URL points where this installation's beacons will refuse to go. */
export type AddressAdvisor = (url: string) => Promise<CheckWarning[]>;

export interface AddressAdvisorOptions {
  /** The beacons' BEACON_ALLOW_CIDRS: addresses they may reach although not public. */
  allowCidrs: readonly string[];
  /**
   * Name resolution; tests inject one so no query leaves the machine.
   * @default dns.lookup with `all: true`, as the beacon resolves
   */
  resolve?: ResolveHost;
  /**
   * How long a lookup may hold up the save; a slower one gives no warning.
   * @default 1500
   */
  timeoutMs?: number;
}

const defaultResolve: ResolveHost = (hostname) => lookup(hostname, { all: true });

/** Every address is allowed under this list except the ones no allow-list can open (cloud metadata). */
const EVERYTHING = parseAllowCidrs(['0.0.0.0/0', '::/0']);

const NOT_FOUND_CODES = new Set(['ENOTFOUND', 'ENODATA', 'EAI_NONAME', 'EAI_NODATA']);

/**
 * Builds the advisor used when a check is saved (web form and API). Steps:
 * 1. Take the URL's host: a literal IP is used as it is, a name is resolved (bounded by `timeoutMs`).
 * 2. Apply the beacon's address policy (packages/shared outbound/address-policy) with its allow-list to
 *    every address, as the beacon does before dialling.
 * 3. The first refused address becomes a warning saying why and how to allow it; a name that does not
 *    resolve gets a warning too. A lookup that fails otherwise or times out says nothing: the check is
 *    saved either way, the warning only explains the results to come.
 */
export function createAddressAdvisor(options: AddressAdvisorOptions): AddressAdvisor {
  const allowCidrs = parseAllowCidrs(options.allowCidrs);
  const resolve = options.resolve ?? defaultResolve;
  const timeoutMs = options.timeoutMs ?? 1500;

  return async (url) => {
    let hostname: string;
    try {
      hostname = new URL(url).hostname.replace(/^\[(.*)\]$/, '$1');
    } catch {
      return [];
    }
    const field = parseTcpTarget(url) ? 'host' : 'url';
    let addresses: string[];
    if (isIP(hostname)) {
      addresses = [hostname];
    } else {
      const resolved = await withTimeout(resolve(hostname), timeoutMs).catch((error: NodeJS.ErrnoException) => error);
      if (resolved === undefined) return [];
      if (resolved instanceof Error) {
        if (!NOT_FOUND_CODES.has(resolved.code ?? '')) return [];
        return [{ field, message: `${hostname} does not resolve to any address (${resolved.code}); probes will fail until it does.` }];
      }
      addresses = resolved.map((entry) => entry.address);
    }
    for (const address of addresses) {
      const verdict = checkAddress(address, allowCidrs);
      if (verdict.allowed) continue;
      return [{ field, message: refusedMessage(hostname, address, verdict.reason) }];
    }
    return [];
  };
}

function refusedMessage(hostname: string, address: string, reason: string): string {
  const what = hostname === address ? `${address} (${reason}) is` : `${hostname} resolves to ${address} (${reason}), which is`;
  if (!checkAddress(address, EVERYTHING).allowed) {
    return `${what} refused by this installation's address policy and cannot be allowed: its beacons will never probe it.`;
  }
  const cidr = isIP(address) === 6 ? `${address}/128` : `${address}/32`;
  return (
    `${what} not allowed by this installation's address policy: its beacons will not probe it, and the check ` +
    `shows "blocked by address policy" instead of up or down. To monitor it, allow it with BEACON_ALLOW_CIDRS (e.g. ${cidr}).`
  );
}

/** The promise's value, or undefined when it takes longer than `ms` (the lookup itself cannot be cancelled). */
function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
