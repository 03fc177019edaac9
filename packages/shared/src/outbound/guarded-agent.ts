import { lookup as dnsLookup } from 'node:dns/promises';
import type { LookupAddress, LookupOptions } from 'node:dns';
import { isIP, type Socket } from 'node:net';
import type { ConnectionOptions, TLSSocket } from 'node:tls';
import { Agent, buildConnector } from 'undici';
import { assertAddressAllowed, parseAllowCidrs, type AllowedCidr, type BlockedAddressError } from './address-policy.js';
import { hostNameProblem } from './host-name.js';
import { InvalidOutboundUrlError } from './redirects.js';

/** Resolves a host name to every address it has (dns.lookup with `all: true` by default). */
export type ResolveHost = (hostname: string) => Promise<LookupAddress[]>;

/** What one connection attempt cost; phases that did not happen are null. */
export interface ConnectionReport {
  /** Host name or literal IP from the URL (without IPv6 brackets). */
  readonly hostname: string;
  readonly protocol: 'http:' | 'https:';
  readonly port: number;
  /** The address the socket reached; undefined when the attempt failed before connecting. */
  readonly remoteAddress: string | undefined;
  /** Name resolution; null for a literal IP. */
  readonly dnsMs: number | null;
  /** TCP handshake; null when it did not complete. */
  readonly connectMs: number | null;
  /** TLS handshake; null for http or when it did not complete. */
  readonly tlsMs: number | null;
  /** The server's leaf certificate expiry (https, after a successful handshake). */
  readonly certificateValidTo: Date | null;
  /** Why the attempt failed; undefined on success. */
  readonly error: Error | undefined;
}

export interface GuardedAgentOptions {
  /**
   * CIDRs (`10.0.0.0/8`, `fd00::/8`, or a bare address) that may be reached although they are not
   * global unicast; for self-hosters monitoring internal services.
   * @default - none: only global unicast addresses are dialled
   */
  readonly allowCidrs?: readonly string[];
  /**
   * How long the TCP and TLS handshakes may take together.
   * @default 10000
   */
  readonly connectTimeoutMs?: number;
  /**
   * Name resolution; tests inject one to make a name resolve to a chosen address.
   * @default - dns.lookup with `all: true`
   */
  readonly resolve?: ResolveHost;
  /**
   * Extra TLS settings for https, e.g. `ca` to trust a private CA. Certificate verification cannot be
   * turned off here.
   * @default - Node's bundled root certificates
   */
  readonly tls?: Pick<ConnectionOptions, 'ca' | 'minVersion'>;
  /**
   * Called once per connection attempt, when it succeeded or failed, with its phase timings.
   * @default - nothing is reported
   */
  readonly onConnection?: (report: ConnectionReport) => void;
  /**
   * Connections kept per origin; a prober wants 1, a webhook sender may want more.
   * @default 10
   */
  readonly connectionsPerOrigin?: number;
}

const defaultResolve: ResolveHost = (hostname) => dnsLookup(hostname, { all: true });

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `net.connect` lookup that resolves the name, refuses the whole connection when ANY resolved
 * address is not allowed, and hands exactly the checked addresses to the socket. A name DNS cannot
 * carry (see hostNameProblem) is refused before any lookup. Checking here,
 * rather than before the request, closes the DNS-rebinding gap: what is checked is what is dialled.
 */
export function createGuardedLookup(allowCidrs: readonly AllowedCidr[], resolve: ResolveHost = defaultResolve) {
  return (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    // Callers that skip parseOutboundUrl (a plain undici request) still never ask DNS for such a name.
    const problem = hostNameProblem(hostname);
    if (problem) return callback(new InvalidOutboundUrlError(problem), []);
    resolve(hostname).then(
      (addresses) => {
        const usable = addresses.filter((entry) => !options.family || entry.family === options.family);
        if (usable.length === 0) {
          const error: NodeJS.ErrnoException = new Error(`${hostname} has no ${options.family ? `IPv${options.family} ` : ''}address`);
          error.code = 'ENOTFOUND';
          return callback(error, []);
        }
        try {
          for (const entry of usable) assertAddressAllowed(entry.address, allowCidrs, hostname);
        } catch (error) {
          return callback(error as BlockedAddressError, []);
        }
        if (options.all) return callback(null, usable);
        const first = usable[0]!;
        callback(null, first.address, first.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, []),
    );
  };
}

const elapsedSince = (start: number, end: number | undefined): number | null =>
  end === undefined ? null : Math.max(0, end - start);

/**
 * Builds an undici connector that refuses destinations outside the address policy and reports each
 * connection's DNS, TCP and TLS timings. Literal IPs are checked here because Node skips the lookup
 * for them; the hostname undici passes is already the WHATWG-normalised one (`0x7f000001` arrives as
 * `127.0.0.1`, `[::ffff:7f00:1]` as `::ffff:7f00:1`), so every spelling meets the same check.
 */
export function createGuardedConnector(options: GuardedAgentOptions = {}): buildConnector.connector {
  const allowCidrs = parseAllowCidrs(options.allowCidrs ?? []);
  const baseConnect = buildConnector({
    timeout: options.connectTimeoutMs ?? 10_000,
    lookup: createGuardedLookup(allowCidrs, options.resolve),
    ...options.tls,
    rejectUnauthorized: true,
  } as buildConnector.BuildOptions);
  return guardConnections(baseConnect, allowCidrs, options.onConnection);
}

/** Wraps Node's connector: literal IPs are checked before dialling, every attempt is reported. */
function guardConnections(
  baseConnect: buildConnector.connector,
  allowCidrs: readonly AllowedCidr[],
  onConnection: GuardedAgentOptions['onConnection'],
): buildConnector.connector {
  return (connectOptions, callback) => {
    const protocol = connectOptions.protocol === 'https:' ? 'https:' : 'http:';
    const hostname = connectOptions.hostname;
    const port = Number(connectOptions.port) || (protocol === 'https:' ? 443 : 80);
    const literal = isIP(hostname) !== 0;
    const started = performance.now();
    let lookedUpAt: number | undefined;
    let connectedAt: number | undefined;
    let secureAt: number | undefined;
    let remoteAddress: string | undefined;
    let reported = false;

    const report = (socket: Socket | null, error: Error | undefined) => {
      if (reported) return;
      reported = true;
      const tcpStart = lookedUpAt ?? started;
      const peer = socket && protocol === 'https:' && !error ? (socket as TLSSocket).getPeerCertificate() : undefined;
      onConnection?.({
        hostname,
        protocol,
        port,
        remoteAddress,
        dnsMs: literal ? null : elapsedSince(started, lookedUpAt),
        connectMs: elapsedSince(tcpStart, connectedAt),
        tlsMs: protocol === 'https:' && connectedAt !== undefined ? elapsedSince(connectedAt, secureAt) : null,
        certificateValidTo: peer?.valid_to ? new Date(peer.valid_to) : null,
        error,
      });
    };

    if (connectOptions.protocol !== 'http:' && connectOptions.protocol !== 'https:') {
      const error = new Error(`unsupported protocol ${connectOptions.protocol}`);
      report(null, error);
      return callback(error, null);
    }
    if (literal) {
      try {
        assertAddressAllowed(hostname, allowCidrs);
      } catch (error) {
        report(null, error as Error);
        return callback(error as Error, null);
      }
    }

    // buildConnector's connector returns the socket synchronously; its typings say void.
    const socket = baseConnect(connectOptions, (error, connected) => {
      if (error) {
        report(null, error);
        return callback(error, null);
      }
      // For http undici's own 'connect' listener runs before ours, so the moment is taken here.
      const now = performance.now();
      if (protocol === 'https:') secureAt = now;
      connectedAt ??= now;
      remoteAddress ??= connected?.remoteAddress;
      report(connected, undefined);
      callback(null, connected!);
    }) as unknown as Socket | undefined;

    if (!literal) {
      socket?.once('lookup', () => {
        lookedUpAt = performance.now();
      });
    }
    socket?.once('connect', () => {
      connectedAt = performance.now();
      remoteAddress = socket.remoteAddress;
    });
  };
}

/**
 * An undici Agent whose every connection goes through the address policy (see address-policy.ts).
 * It never follows redirects by itself; use requestFollowingRedirects so each hop is dialled through
 * this agent and the number of hops is capped.
 */
export function createGuardedAgent(options: GuardedAgentOptions = {}): Agent {
  return new Agent({
    connect: createGuardedConnector(options),
    connections: options.connectionsPerOrigin ?? 10,
  });
}

/** What every connection of one outbound client shares: the address policy, name resolution and TLS trust. */
export type GuardedAgentDefaults = Pick<GuardedAgentOptions, 'allowCidrs' | 'resolve' | 'tls'>;
