import type { AnyProbeSpecInput, ProbeBatchResponse, ProbeResult, ProbeSpecInput, RunningHttpService } from '@pingdummy/shared';
import { parseBeaconConfig, startBeacon, type StartBeaconOptions } from '../../src/index.js';

export const TEST_TOKEN = 'test-token-0123456789abcdef';

/** Starts a real beacon on a free port; `env` overrides the test defaults (local servers allowed). */
export async function startTestBeacon(
  env: Record<string, string | undefined> = {},
  options: Omit<StartBeaconOptions, 'handleSignals'> = {},
): Promise<RunningHttpService> {
  const config = parseBeaconConfig({
    BEACON_TOKEN: TEST_TOKEN,
    BEACON_ALLOW_CIDRS: '127.0.0.1/32',
    PGDUMMY_REGION: 'test-region',
    LOG_LEVEL: 'silent',
    ...env,
  });
  return startBeacon({ ...config, port: 0 }, { ...options, handleSignals: false });
}

/** POSTs raw JSON to /v1/probes with the test token. */
export async function postProbes(beacon: RunningHttpService, body: unknown, token: string | null = TEST_TOKEN): Promise<Response> {
  return fetch(`${beacon.url}/v1/probes`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token === null ? {} : { authorization: `Bearer ${token}` }) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** Runs a batch and returns the parsed response, failing loudly on anything but 200. */
export async function probeBatch(beacon: RunningHttpService, probes: AnyProbeSpecInput[]): Promise<ProbeBatchResponse> {
  const response = await postProbes(beacon, { probes });
  const body = await response.json();
  if (response.status !== 200) throw new Error(`beacon answered ${response.status}: ${JSON.stringify(body)}`);
  return body as ProbeBatchResponse;
}

/** Runs a single probe (id `p`) and returns its result. */
export async function probeOne(beacon: RunningHttpService, spec: Omit<ProbeSpecInput, 'id'>): Promise<ProbeResult> {
  const { results } = await probeBatch(beacon, [{ id: 'p', ...spec }]);
  return results[0]!;
}
