import { env, loadConfig, parseAllowCidrs, parseConfig } from '@pingdummy/shared';
import { z } from 'zod';

/** The beacon's environment variables; every value has a default except the token. */
export const beaconConfigSchema = z
  .object({
    PORT: env.port(3001),
    /** Shared secret the worker sends as `Authorization: Bearer ...`. */
    BEACON_TOKEN: env.secret(16),
    /** Returned with every batch so results can be stored per region. */
    PGDUMMY_REGION: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be lowercase letters, digits and dashes, e.g. eu-west-1')
      .default('local'),
    /** CIDRs that may be probed although they are not public (self-hosted internal services). */
    BEACON_ALLOW_CIDRS: env.list().superRefine((items, ctx) => {
      try {
        parseAllowCidrs(items);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
      }
    }),
    /** Upper bound on redirects per probe; a probe may ask for fewer. */
    BEACON_MAX_REDIRECTS: env.int(5, 0, 10),
    /** Bytes of response body read per probe (the keyword check needs the whole body within this). */
    BEACON_MAX_BODY_BYTES: env.int(1_048_576, 1_024, 67_108_864),
    /** Probes in flight at once, across all batches. */
    BEACON_CONCURRENCY: env.int(200, 1, 10_000),
    /** Beacon processes sharing the port (node:cluster), one event loop each; 1 in containers. */
    BEACON_PROCESSES: env.int(1, 1, 64),
    STOP_TIMEOUT_MS: env.int(10_000, 0, 120_000),
    LOG_LEVEL: env.logLevel(),
  })
  .transform((raw) => ({
    port: raw.PORT,
    token: raw.BEACON_TOKEN,
    region: raw.PGDUMMY_REGION,
    allowCidrs: raw.BEACON_ALLOW_CIDRS,
    maxRedirects: raw.BEACON_MAX_REDIRECTS,
    maxBodyBytes: raw.BEACON_MAX_BODY_BYTES,
    concurrency: raw.BEACON_CONCURRENCY,
    processes: raw.BEACON_PROCESSES,
    stopTimeoutMs: raw.STOP_TIMEOUT_MS,
    logLevel: raw.LOG_LEVEL,
  }));

export type BeaconConfig = z.output<typeof beaconConfigSchema>;

/** Parses the environment; throws a ConfigError such as `BEACON_TOKEN: is required`. */
export function parseBeaconConfig(source: NodeJS.ProcessEnv = process.env): BeaconConfig {
  return parseConfig(beaconConfigSchema, source);
}

/** Like parseBeaconConfig, but a bad variable ends the process with one line on stderr. */
export function loadBeaconConfig(source: NodeJS.ProcessEnv = process.env): BeaconConfig {
  return loadConfig(beaconConfigSchema, source);
}
