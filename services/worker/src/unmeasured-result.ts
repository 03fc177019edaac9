import type { RoundResult } from './probe-round.js';

/** What a result that measured nothing still says: which check, region and due time, and why. */
export type UnmeasuredFields = Pick<RoundResult, 'checkId' | 'scheduledAt' | 'region' | 'startedAt' | 'outcome' | 'errorClass' | 'errorMessage'>;

/**
 * A round result without a status code, timings or certificate: a beacon that could not be asked
 * (`infra_error`) or a heartbeat verdict (no request was made, only a ping was or was not received).
 */
export function unmeasuredResult(fields: UnmeasuredFields): RoundResult {
  return { ...fields, statusCode: null, latencyMs: null, dnsMs: null, connectMs: null, tlsMs: null, ttfbMs: null, tlsExpiresAt: null };
}
