import { env, parseAllowCidrs, parseConfig } from '@pingdummy/shared';
import { z } from 'zod';

/**
 * The frontend's environment. COOKIE_SECURE defaults to true when NODE_ENV=production, so a
 * production deploy never sends the session cookie over plain HTTP by accident.
 */
export function frontendConfigSchema(nodeEnv: string | undefined) {
  return z.object({
    PORT: env.port(3000),
    DATABASE_URL: env.databaseUrl(),
    SESSION_SECRET: env.secret(32),
    CHECK_LIMIT_PER_ACCOUNT: env.int(50, 0, 100_000),
    COOKIE_SECURE: env.boolean(nodeEnv === 'production'),
    LOG_LEVEL: env.logLevel(),
    STOP_TIMEOUT_MS: env.int(10_000, 0, 120_000),
    /** Login and sign-up attempts per client IP per 15 minutes (in-memory counter, per process). */
    AUTH_RATE_LIMIT_PER_IP: env.int(30, 1, 100_000),
    /** Failed logins per email address from one client IP per 15 minutes. */
    AUTH_RATE_LIMIT_PER_EMAIL_AND_IP: env.int(5, 1, 100_000),
    /** Failed logins per email address from all IPs per 15 minutes; browsers that signed in to it before are exempt. */
    AUTH_RATE_LIMIT_PER_EMAIL: env.int(20, 1, 100_000),
    /** Reverse proxies in front (an ALB is 1) whose X-Forwarded-For entry gives the client IP; 0 trusts none. */
    TRUST_PROXY_HOPS: env.int(0, 0, 10),
    /** The beacons' BEACON_ALLOW_CIDRS, so a new check aimed at an address they refuse gets a warning. */
    BEACON_ALLOW_CIDRS: env.list().superRefine((items, ctx) => {
      try {
        parseAllowCidrs(items);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
      }
    }),
    /**
     * Whether the worker can send email (it has SMTP_URL or SES_REGION). The frontend never sees
     * those (SMTP_URL may hold a password); this flag only lets the channels pages warn when email
     * channels would receive nothing.
     */
    EMAIL_DELIVERY_CONFIGURED: env.boolean(false),
  });
}

export interface FrontendConfig {
  port: number;
  databaseUrl: string;
  sessionSecret: string;
  checkLimitPerAccount: number;
  cookieSecure: boolean;
  logLevel: string;
  stopTimeoutMs: number;
  authRateLimitPerIp: number;
  authRateLimitPerEmailAndIp: number;
  authRateLimitPerEmail: number;
  trustProxyHops: number;
  beaconAllowCidrs: string[];
  /** EMAIL_DELIVERY_CONFIGURED: false makes the channels pages say email channels receive nothing. */
  emailDeliveryConfigured: boolean;
}

/** Parses the frontend's variables; throws a ConfigError that names the first bad variable. */
export function parseFrontendConfig(environment: NodeJS.ProcessEnv = process.env): FrontendConfig {
  const raw = parseConfig(frontendConfigSchema(environment.NODE_ENV), environment);
  return {
    port: raw.PORT,
    databaseUrl: raw.DATABASE_URL,
    sessionSecret: raw.SESSION_SECRET,
    checkLimitPerAccount: raw.CHECK_LIMIT_PER_ACCOUNT,
    cookieSecure: raw.COOKIE_SECURE,
    logLevel: raw.LOG_LEVEL,
    stopTimeoutMs: raw.STOP_TIMEOUT_MS,
    authRateLimitPerIp: raw.AUTH_RATE_LIMIT_PER_IP,
    authRateLimitPerEmailAndIp: raw.AUTH_RATE_LIMIT_PER_EMAIL_AND_IP,
    authRateLimitPerEmail: raw.AUTH_RATE_LIMIT_PER_EMAIL,
    trustProxyHops: raw.TRUST_PROXY_HOPS,
    beaconAllowCidrs: raw.BEACON_ALLOW_CIDRS,
    emailDeliveryConfigured: raw.EMAIL_DELIVERY_CONFIGURED,
  };
}
