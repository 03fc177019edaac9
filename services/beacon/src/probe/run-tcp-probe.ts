import { classifyOutboundError, type ProbeResult, type TcpProbeSpec } from '@pingdummy/shared';
import { guardedConnectorFor } from './guarded-connector.js';
import type { ProbeSettings } from './run-probe.js';

const DAY_MS = 86_400_000;
const round = (value: number | null): number | null => (value === null ? null : Math.round(value * 100) / 100);

/**
 * Runs one TCP probe and never throws. Steps:
 * 1. Connect to host:port under the beacon's address policy (the same as HTTP probes), within timeoutMs.
 * 2. With TLS, handshake and verify the certificate (chain, dates, host name); a refused certificate
 *    is a `tls` failure that still reports the certificate's expiry.
 * 3. Close at once: the probe only proves the port accepts connections (and speaks TLS).
 */
export async function runTcpProbe(spec: TcpProbeSpec, settings: ProbeSettings): Promise<ProbeResult> {
  const startedAt = new Date();
  const started = performance.now();
  const attempt = await guardedConnectorFor(settings)({ host: spec.host, port: spec.port, tls: spec.tls, timeoutMs: spec.timeoutMs });
  const totalMs = performance.now() - started;
  attempt.socket?.destroy();
  const failure = attempt.error ? classifyOutboundError(attempt.error) : null;
  const validTo = attempt.certificateValidTo;
  return {
    id: spec.id,
    ok: failure === null,
    startedAt: startedAt.toISOString(),
    statusCode: null,
    timings: {
      dnsMs: round(attempt.dnsMs),
      connectMs: round(attempt.connectMs),
      tlsMs: round(attempt.tlsMs),
      firstByteMs: null,
      totalMs: round(totalMs)!,
    },
    errorClass: failure?.errorClass ?? null,
    errorMessage: failure?.message ?? null,
    tlsCertExpiresAt: validTo ? validTo.toISOString() : null,
    tlsCertDaysLeft: validTo ? Math.floor((validTo.getTime() - Date.now()) / DAY_MS) : null,
    redirects: 0,
  };
}
