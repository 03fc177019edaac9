import { Agent, request, type Dispatcher } from 'undici';
import { ProbeBatchResponse, type AnyProbeSpecInput, type ProbeResult } from '@pingdummy/shared';

export interface Beacon {
  region: string;
  url: string;
}

/** The beacon could not be asked: this says nothing about the targets and must never alert. */
export class BeaconUnreachableError extends Error {
  override name = 'BeaconUnreachableError';
}

/** Keeps connections to beacons open between ticks; one per worker, closed when it stops. */
export function createBeaconAgent(): Agent {
  return new Agent({ connections: 64, keepAliveTimeout: 30_000, pipelining: 1 });
}

/**
 * Sends one batch of probe specs to a beacon and returns its results keyed by spec id. Any transport
 * error, non-200 answer or malformed body becomes a BeaconUnreachableError.
 */
export async function probeBatch(
  dispatcher: Dispatcher,
  beacon: Beacon,
  token: string,
  probes: AnyProbeSpecInput[],
  timeoutMs: number,
): Promise<Map<string, ProbeResult>> {
  let body: unknown;
  try {
    const response = await request(`${beacon.url}/v1/probes`, {
      method: 'POST',
      dispatcher,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ probes }),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    body = await response.body.json().catch(() => undefined);
    if (response.statusCode !== 200) {
      const detail = (body as { error?: string } | undefined)?.error ?? '';
      throw new BeaconUnreachableError(`beacon ${beacon.region} answered ${response.statusCode} ${detail}`.trim());
    }
  } catch (error) {
    if (error instanceof BeaconUnreachableError) throw error;
    throw new BeaconUnreachableError(`beacon ${beacon.region} unreachable: ${(error as Error).message}`);
  }
  const parsed = ProbeBatchResponse.safeParse(body);
  if (!parsed.success) throw new BeaconUnreachableError(`beacon ${beacon.region} sent a malformed response`);
  return new Map(parsed.data.results.map((result) => [result.id, result]));
}
