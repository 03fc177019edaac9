import { parseStatusCodes, parseTcpTarget, type AnyProbeSpecInput, type ProbeResult, type ProbeSpecInput } from '@pingdummy/shared';
import type { Dispatcher } from 'undici';
import { BeaconUnreachableError, probeBatch, type Beacon } from './beacon-client.js';
import type { ClaimedCheck } from './claim-due-checks.js';
import { outcomeOfProbe, type ProbeOutcome } from './decide-state.js';
import { unmeasuredResult } from './unmeasured-result.js';

/** One row of `results`: what one region saw for one check at one due time. */
export interface RoundResult {
  checkId: string;
  scheduledAt: Date;
  region: string;
  startedAt: Date;
  outcome: ProbeOutcome;
  statusCode: number | null;
  latencyMs: number | null;
  dnsMs: number | null;
  connectMs: number | null;
  tlsMs: number | null;
  ttfbMs: number | null;
  errorClass: string | null;
  errorMessage: string | null;
  tlsExpiresAt: Date | null;
}

/** Probe batches per HTTP request to a beacon. */
const BEACON_BATCH_SIZE = 250;

/** The regions a check is probed from: its own list, or every region that has a beacon. */
export function regionsFor(check: ClaimedCheck, beacons: Beacon[]): string[] {
  return check.regions.length > 0 ? check.regions : beacons.map((beacon) => beacon.region);
}

/**
 * Probes coming due close together start together, at the end of their start slot: the beacon then wakes
 * once per group, not once per probe, and a wake-up shared by a group costs each probe less.
 * bench/probes/floor.ts, runProbe at 50 probes/s: 0.54 CPU-ms per probe in 100 ms slots, 0.34 in 1 s slots.
 * A claim takes about a second's due checks, so a beacon's share of a round tells how many probes a slot
 * holds: slots are as long as it takes to group about PROBES_PER_GROUP probes, from 100 ms (busy
 * installations) up to `maxStartDelayMs` (small ones). A probe never starts early, and at most one slot late.
 */
const PROBES_PER_GROUP = 50;
/** Slot lengths that divide a second, so slots of rounds of different sizes line up. */
const SLOT_LENGTHS_MS = [100, 200, 250, 500, 1000] as const;

/** The start slot for a beacon's share of a round (`probes` probes, about one second's worth). */
export function startSlotMs(probes: number, maxStartDelayMs: number): number {
  const wanted = (PROBES_PER_GROUP * 1000) / Math.max(1, probes);
  const allowed = SLOT_LENGTHS_MS.filter((length) => length <= Math.max(SLOT_LENGTHS_MS[0], maxStartDelayMs));
  return allowed.find((length) => length >= wanted) ?? allowed[allowed.length - 1]!;
}

/** Milliseconds from `now` until the end of the check's start slot; 0 when that has passed. */
const startIn = (check: ClaimedCheck, now: number, slotMs: number) =>
  Math.max(0, Math.ceil(check.scheduledAt.getTime() / slotMs) * slotMs - now);

function toSpec(check: ClaimedCheck, now: number, slotMs: number): AnyProbeSpecInput {
  const startInMs = startIn(check, now, slotMs);
  const tcp = check.kind === 'tcp' ? parseTcpTarget(check.url) : null;
  // The database only lets a TCP check hold a tcp:// or tls:// URL (migration 004).
  if (tcp) return { id: check.id, kind: 'tcp', host: tcp.host, port: tcp.port, tls: tcp.tls, timeoutMs: check.timeoutMs, startInMs };
  return {
    id: check.id,
    startInMs,
    url: check.url,
    method: check.method as ProbeSpecInput['method'],
    headers: check.headers,
    body: check.body ?? undefined,
    timeoutMs: check.timeoutMs,
    expectedStatus: parseStatusCodes(check.expectedStatusCodes),
    keyword: check.keyword ?? undefined,
    keywordMode: check.keywordMode ?? undefined,
  };
}

const round = (value: number | null) => (value === null ? null : Math.round(value));

function fromProbe(check: ClaimedCheck, region: string, result: ProbeResult): RoundResult {
  const totalMs = Math.round(result.timings.totalMs);
  const slow = check.degradedThresholdMs !== null && totalMs > check.degradedThresholdMs;
  const outcome = outcomeOfProbe(result, slow);
  return {
    checkId: check.id,
    scheduledAt: check.scheduledAt,
    region,
    startedAt: new Date(result.startedAt),
    outcome,
    statusCode: result.statusCode,
    // A refused probe measured only the refusal, not the target.
    latencyMs: outcome === 'infra_error' ? null : totalMs,
    dnsMs: round(result.timings.dnsMs),
    connectMs: round(result.timings.connectMs),
    tlsMs: round(result.timings.tlsMs),
    ttfbMs: round(result.timings.firstByteMs),
    errorClass: result.errorClass,
    errorMessage: result.errorMessage,
    tlsExpiresAt: result.tlsCertExpiresAt ? new Date(result.tlsCertExpiresAt) : null,
  };
}

function infraError(check: ClaimedCheck, region: string, errorClass: string, message: string): RoundResult {
  return unmeasuredResult({
    checkId: check.id,
    scheduledAt: check.scheduledAt,
    region,
    startedAt: new Date(),
    outcome: 'infra_error',
    errorClass,
    errorMessage: message.slice(0, 1000),
  });
}

/**
 * Probes claimed checks from every region they ask for, each starting at the end of its due time's start slot.
 * 1. Groups the checks by region and sends each region's beacon batches of specs, all in parallel, at once:
 *    each spec carries `startInMs`, so the beacon (not the worker) waits for a check coming due.
 *    The slot's length follows the region's share of the round (see startSlotMs).
 * 2. A beacon that cannot be reached, or a region without a beacon, yields `infra_error` rows.
 * Returns one RoundResult per check and region; never throws for a target or a beacon failure.
 */
export async function probeRound(
  dispatcher: Dispatcher,
  checks: ClaimedCheck[],
  beacons: Beacon[],
  token: string,
  /** WORKER_MAX_START_DELAY_MS: the longest start slot. */
  maxStartDelayMs: number,
): Promise<RoundResult[]> {
  const beaconByRegion = new Map(beacons.map((beacon) => [beacon.region, beacon]));
  const byRegion = new Map<string, ClaimedCheck[]>();
  const results: RoundResult[] = [];
  for (const check of checks) {
    for (const region of regionsFor(check, beacons)) {
      if (!beaconByRegion.has(region)) {
        results.push(infraError(check, region, 'no_beacon', `no beacon is configured for region ${region}`));
        continue;
      }
      const list = byRegion.get(region) ?? [];
      list.push(check);
      byRegion.set(region, list);
    }
  }
  const batches: Promise<void>[] = [];
  for (const [region, regionChecks] of byRegion) {
    const beacon = beaconByRegion.get(region)!;
    const slotMs = startSlotMs(regionChecks.length, maxStartDelayMs);
    for (let start = 0; start < regionChecks.length; start += BEACON_BATCH_SIZE) {
      const batch = regionChecks.slice(start, start + BEACON_BATCH_SIZE);
      const now = Date.now();
      // The beacon starts each probe at the end of its start slot: the batch lasts that much longer.
      const timeoutMs = Math.max(...batch.map((check) => check.timeoutMs)) * 6 + 5_000 + Math.max(...batch.map((check) => startIn(check, now, slotMs)));
      batches.push(
        probeBatch(dispatcher, beacon, token, batch.map((check) => toSpec(check, now, slotMs)), timeoutMs).then(
          (byId) => {
            for (const check of batch) {
              const result = byId.get(check.id);
              results.push(
                result
                  ? fromProbe(check, region, result)
                  : infraError(check, region, 'beacon_unreachable', 'beacon returned no result for this probe'),
              );
            }
          },
          (error: unknown) => {
            const message = error instanceof BeaconUnreachableError ? error.message : String(error);
            for (const check of batch) results.push(infraError(check, region, 'beacon_unreachable', message));
          },
        ),
      );
    }
  }
  await Promise.all(batches);
  return results;
}
