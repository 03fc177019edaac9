import { connect as netConnect, isIP, type Socket } from 'node:net';
import { checkServerIdentity, connect as tlsConnect, type PeerCertificate, type TLSSocket } from 'node:tls';
import { assertAddressAllowed, parseAllowCidrs, type AllowedCidr } from './address-policy.js';
import { createGuardedLookup, type GuardedAgentDefaults } from './guarded-agent.js';
import { hostNameProblem } from './host-name.js';
import { InvalidOutboundUrlError } from './redirects.js';

/** One TCP connection to open (a DNS name or an IP literal without brackets). */
export interface SocketTarget {
  readonly host: string;
  readonly port: number;
  /** Handshake TLS after the TCP connection, with SNI = host when it is a name. */
  readonly tls: boolean;
  /** Budget for DNS, TCP and TLS together; past it the attempt fails with code ETIMEDOUT. */
  readonly timeoutMs: number;
}

/** What one attempt achieved; phases that did not happen are null. Never thrown: `error` says why it failed. */
export interface SocketAttempt {
  /** The open socket (TLS when asked), for the caller to use and destroy; null when the attempt failed. */
  readonly socket: Socket | null;
  readonly error: Error | null;
  /** The address the socket reached. */
  readonly remoteAddress: string | undefined;
  readonly dnsMs: number | null;
  readonly connectMs: number | null;
  readonly tlsMs: number | null;
  /** The leaf certificate's expiry, whenever one was received (also when it was refused). */
  readonly certificateValidTo: Date | null;
}

type CertificateError = Error & { code?: string };

/**
 * Makes a function that opens TCP (and TLS) connections under the same address policy as the guarded
 * HTTP agent: literal IPs are checked before dialling, names go through the guarded lookup, which
 * hands the socket exactly the addresses it checked (no DNS-rebinding gap). The allow-list is parsed
 * once per factory.
 */
export function createGuardedSocketConnector(defaults: GuardedAgentDefaults = {}): (target: SocketTarget) => Promise<SocketAttempt> {
  const allowCidrs = parseAllowCidrs(defaults.allowCidrs ?? []);
  const lookup = createGuardedLookup(allowCidrs, defaults.resolve);

  /**
   * Steps:
   * 1. Refuse a name DNS cannot carry, or a literal IP outside the policy, before dialling.
   * 2. Connect (the guarded lookup resolves and checks every address of a name).
   * 3. With TLS, handshake on that socket. The certificate is verified by Node (chain, dates, host name)
   *    but checked here, after the handshake, rather than by aborting it: a refused certificate's
   *    expiry is then still reported. Nothing is ever sent over an unverified connection.
   * 4. At the deadline, destroy whatever is in flight.
   */
  return (target) =>
    new Promise<SocketAttempt>((resolve) => {
      const literal = isIP(target.host) !== 0;
      const refusal = refusalBeforeDialling(target.host, literal, allowCidrs);
      if (refusal) {
        return resolve({ socket: null, error: refusal, remoteAddress: undefined, dnsMs: null, connectMs: null, tlsMs: null, certificateValidTo: null });
      }
      const started = performance.now();
      let lookedUpAt: number | undefined;
      let connectedAt: number | undefined;
      let secureAt: number | undefined;
      let remoteAddress: string | undefined;
      let certificateValidTo: Date | null = null;
      let settled = false;
      let socket: Socket | undefined;

      const finish = (error: Error | null, open: Socket | null) => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        if (error) socket?.destroy();
        const tcpStart = lookedUpAt ?? started;
        resolve({
          socket: error ? null : open,
          error,
          remoteAddress,
          dnsMs: literal ? null : elapsed(started, lookedUpAt),
          connectMs: elapsed(tcpStart, connectedAt),
          tlsMs: target.tls && connectedAt !== undefined ? elapsed(connectedAt, secureAt) : null,
          certificateValidTo,
        });
      };

      const deadline = setTimeout(() => {
        const what = target.tls ? 'connection and TLS handshake' : 'connection';
        finish(Object.assign(new Error(`no ${what} within ${target.timeoutMs} ms`), { code: 'ETIMEDOUT' }), null);
      }, target.timeoutMs);

      const tcp = netConnect({ host: target.host, port: target.port, lookup });
      socket = tcp;
      tcp.once('lookup', () => {
        lookedUpAt = performance.now();
      });
      tcp.once('error', (error) => finish(error, null));
      tcp.once('connect', () => {
        connectedAt = performance.now();
        remoteAddress = tcp.remoteAddress;
        if (!target.tls) return finish(null, tcp);

        const secure = tlsConnect({
          socket: tcp,
          host: target.host,
          servername: literal ? undefined : target.host, // SNI carries names only (RFC 6066)
          ...defaults.tls,
          // Verified below from `authorized`, so the expiry of a refused certificate can be reported.
          rejectUnauthorized: false,
        });
        socket = secure;
        secure.once('error', (error) => finish(error, null));
        secure.once('secureConnect', () => {
          secureAt = performance.now();
          const certificate = secure.getPeerCertificate(true);
          if (certificate?.valid_to) certificateValidTo = new Date(certificate.valid_to);
          const refused = secure.authorized ? null : certificateError(secure, target.host, certificate);
          finish(refused, secure);
        });
      });
    });
}

/** A name DNS cannot carry, or a literal IP outside the policy (Node skips the lookup for literals). */
function refusalBeforeDialling(host: string, literal: boolean, allowCidrs: readonly AllowedCidr[]): Error | null {
  try {
    if (literal) assertAddressAllowed(host, allowCidrs);
    const problem = literal ? null : hostNameProblem(host);
    return problem ? new InvalidOutboundUrlError(problem) : null;
  } catch (error) {
    return error as Error;
  }
}

/**
 * The error Node would have raised with rejectUnauthorized: its verification code (CERT_HAS_EXPIRED, ...)
 * or, for a host name mismatch, checkServerIdentity's own error, which names the host.
 */
function certificateError(socket: TLSSocket, host: string, certificate: PeerCertificate): CertificateError {
  const reason = String(socket.authorizationError ?? 'UNABLE_TO_VERIFY_LEAF_SIGNATURE');
  if (reason === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    const mismatch = checkServerIdentity(host, certificate);
    if (mismatch) return mismatch;
  }
  return Object.assign(new Error(reason), { code: reason });
}

const elapsed = (start: number, end: number | undefined): number | null => (end === undefined ? null : Math.max(0, end - start));
