import os from 'node:os';
import { z } from 'zod';
import { env, loadConfig, parseConfig } from '@pingdummy/shared';
import { DEFAULT_PROVIDER_ENDPOINTS, type ProviderEndpoints } from './notifier/provider-endpoints.js';

/** `region=url` pairs, e.g. `eu-west-1=http://beacon.stack.local:3001,us-east-1=http://...`. */
const beaconList = z
  .string({ error: 'is required: comma-separated region=url pairs, e.g. local=http://127.0.0.1:3001' })
  .transform((value, context) => {
    const beacons: { region: string; url: string }[] = [];
    for (const item of value.split(',').map((part) => part.trim()).filter(Boolean)) {
      const match = /^([a-z0-9][a-z0-9-]{0,40})=(https?:\/\/\S+)$/i.exec(item);
      if (!match) {
        context.addIssue({ code: 'custom', message: `"${item}" is not region=http(s)://host:port` });
        return z.NEVER;
      }
      beacons.push({ region: match[1]!, url: match[2]!.replace(/\/+$/, '') });
    }
    if (beacons.length === 0) {
      context.addIssue({ code: 'custom', message: 'lists no beacon' });
      return z.NEVER;
    }
    if (new Set(beacons.map((beacon) => beacon.region)).size !== beacons.length) {
      context.addIssue({ code: 'custom', message: 'names a region twice' });
      return z.NEVER;
    }
    return beacons;
  });

/** An http(s) base URL without a trailing slash. */
const providerBase = (fallback: string) =>
  z
    .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
    .default(fallback)
    .transform((url) => url.replace(/\/+$/, ''));

export const workerConfigSchema = z.object({
  DATABASE_URL: env.databaseUrl(),
  BEACON_URLS: beaconList,
  BEACON_TOKEN: env.secret(16),
  WORKER_ID: z.string().min(1).max(100).default(`${os.hostname()}-${process.pid}`),
  PORT: env.port(3002),
  /**
   * Longest sleep between claims while nothing is due. The scheduler otherwise sleeps until the next
   * check can be claimed, and a change to a check (LISTEN check_due_changed) wakes it at once.
   */
  WORKER_IDLE_POLL_MS: env.int(10_000, 100, 300_000),
  /** Checks claimed per database round trip. */
  WORKER_BATCH_SIZE: env.int(500, 1, 5000),
  /**
   * Upper bound on checks claimed and not yet recorded by this replica. Kept near what the beacons
   * can finish within a lease: past it, due checks wait unclaimed in the database (and show in the
   * OverdueChecks metric) instead of ageing in memory until their leases expire and they are probed twice.
   */
  WORKER_MAX_IN_FLIGHT: env.int(2_000, 1, 200_000),
  /** Added to a check's timeout to make its lease: a replica killed mid-probe loses the check for this long. */
  WORKER_LEASE_MARGIN_SECONDS: env.int(15, 1, 600),
  /** Checks due within this many ms are claimed early; none starts before its due time (see WORKER_MAX_START_DELAY_MS). */
  WORKER_LOOKAHEAD_MS: env.int(1500, 0, 10_000),
  /**
   * Longest a probe may start after its due time, so that probes coming due close together start as one
   * group: on a small installation groups need longer slots to fill, and a group costs each probe less CPU.
   * Busy installations get 100 ms slots anyway; 100 keeps every start within 0.1 s of its due time.
   */
  WORKER_MAX_START_DELAY_MS: env.int(500, 100, 1000),
  DB_POOL_SIZE: env.int(10, 2, 100),
  /** Apply pending migrations at start (an advisory lock makes concurrent replicas safe). */
  MIGRATE_ON_START: env.boolean(true),
  /**
   * Longest sleep of the notifier while nothing is pending. It otherwise sleeps until the next retry is
   * due, and a queued alert, test or invitation email (LISTEN notifications_due) wakes it at once.
   */
  NOTIFIER_POLL_MS: env.int(30_000, 50, 300_000),
  NOTIFIER_MAX_ATTEMPTS: env.int(8, 1, 50),
  /** Internal CIDRs webhooks may reach (empty: public addresses only). */
  WEBHOOK_ALLOW_CIDRS: env.list(),
  /**
   * API base URLs of PagerDuty (US and EU service regions), Opsgenie (US and EU) and the Telegram Bot API:
   * the documented hosts unless set (tests point them at local receivers).
   */
  PAGERDUTY_API_BASE: providerBase(DEFAULT_PROVIDER_ENDPOINTS.pagerduty.us),
  PAGERDUTY_EU_API_BASE: providerBase(DEFAULT_PROVIDER_ENDPOINTS.pagerduty.eu),
  OPSGENIE_API_BASE: providerBase(DEFAULT_PROVIDER_ENDPOINTS.opsgenie.us),
  OPSGENIE_EU_API_BASE: providerBase(DEFAULT_PROVIDER_ENDPOINTS.opsgenie.eu),
  TELEGRAM_API_BASE: providerBase(DEFAULT_PROVIDER_ENDPOINTS.telegram),
  SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL').optional(),
  SES_REGION: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region such as eu-west-1').optional(),
  EMAIL_FROM: z.email().default('alerts@pingdummy.local'),
  RESULT_RETENTION_DAYS: env.int(14, 1, 3650),
  ROLLUP_RETENTION_DAYS: env.int(400, 30, 3650),
  /** When set (in AWS), the overdue-checks gauge is published to CloudWatch under this namespace. */
  CLOUDWATCH_NAMESPACE: z.string().min(1).optional(),
  ENVIRONMENT: z.string().default('local'),
  /** Base URL of the frontend, used for links in notifications. */
  PUBLIC_URL: z.url().default('http://localhost:3000'),
  STOP_TIMEOUT_MS: env.int(30_000, 0, 600_000),
  LOG_LEVEL: env.logLevel(),
});

export type WorkerConfig = z.infer<typeof workerConfigSchema>;

export const parseWorkerConfig = (source: NodeJS.ProcessEnv = process.env) => parseConfig(workerConfigSchema, source);
export const loadWorkerConfig = (source: NodeJS.ProcessEnv = process.env) => loadConfig(workerConfigSchema, source);

/** The provider API bases of the config, in the shape the senders take. */
export const providerEndpoints = (config: WorkerConfig): ProviderEndpoints => ({
  pagerduty: { us: config.PAGERDUTY_API_BASE, eu: config.PAGERDUTY_EU_API_BASE },
  opsgenie: { us: config.OPSGENIE_API_BASE, eu: config.OPSGENIE_EU_API_BASE },
  telegram: config.TELEGRAM_API_BASE,
});
