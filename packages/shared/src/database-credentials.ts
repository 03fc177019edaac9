import { Signer } from '@aws-sdk/rds-signer';
import { z } from 'zod';
import { ConfigError, env, parseConfig } from './config.js';

/**
 * Where the pool gets the password of each new connection. Read per connection (never once at
 * start), so a rotated password or a short-lived token reaches every connection opened after it.
 */
export interface DatabasePasswordSource {
  /** The password for the connection being opened now. */
  password(): Promise<string>;
  /** The server refused the last password: fetch a fresh one before the next connection. */
  refresh(): Promise<void>;
}

/**
 * Caches what `fetch` returns until the server refuses it: one fetch per rotation, not per
 * connection (for passwords kept in a secret store, rotated out of band).
 */
export function cachedPasswordSource(fetch: () => Promise<string>): DatabasePasswordSource {
  let cached: Promise<string> | undefined;
  return {
    password: () => {
      cached ??= fetch().catch((error: unknown) => {
        cached = undefined;
        throw error;
      });
      return cached;
    },
    refresh: async () => {
      cached = undefined;
    },
  };
}

export interface RdsIamAuthOptions {
  /** Host name of the RDS instance. */
  hostname: string;
  /** Port of the instance. */
  port: number;
  /** Database user, created with `GRANT rds_iam` (see createAppRole). */
  username: string;
  /** AWS region of the instance. */
  region: string;
}

/**
 * IAM database authentication: each new connection gets a fresh token (valid 15 minutes, signed
 * locally with the task role's credentials, no network call), so there is no password to rotate
 * and nothing to restart. Needs `rds-db:connect` on the user and TLS to the server.
 */
export function rdsIamPasswordSource(options: RdsIamAuthOptions): DatabasePasswordSource {
  const signer = new Signer({ hostname: options.hostname, port: options.port, username: options.username, region: options.region });
  return {
    password: () => signer.getAuthToken(),
    // Every token is new already; a refused one means missing rds_iam or rds-db:connect, which a retry logs again.
    refresh: async () => undefined,
  };
}

/** The IAM password source for a `postgres://user@host:port/db` URL (the URL carries no password). */
export function rdsIamPasswordSourceForUrl(databaseUrl: string, region: string): DatabasePasswordSource {
  const url = new URL(databaseUrl);
  if (url.password) throw new Error('DATABASE_URL carries a password while DATABASE_IAM_AUTH is on: remove the password from the URL');
  if (!url.username) throw new Error('DATABASE_URL names no user while DATABASE_IAM_AUTH is on: IAM tokens are issued per user');
  return rdsIamPasswordSource({ hostname: url.hostname, port: Number(url.port || 5432), username: decodeURIComponent(url.username), region });
}

/**
 * The password source the environment asks for: with `DATABASE_IAM_AUTH=true`, IAM tokens for the
 * user of `databaseUrl` in `AWS_REGION`; otherwise none (the URL or PGPASSWORD holds the password).
 * Throws a ConfigError naming the variable when the combination is incomplete.
 */
export function databasePasswordSourceFromEnvironment(databaseUrl: string, environment: NodeJS.ProcessEnv = process.env): DatabasePasswordSource | undefined {
  const iamAuth = parseConfig(iamAuthSchema, environment);
  if (!iamAuth.DATABASE_IAM_AUTH) return undefined;
  if (!iamAuth.AWS_REGION) throw new ConfigError('AWS_REGION: is required when DATABASE_IAM_AUTH is true (IAM tokens are signed per region)');
  try {
    return rdsIamPasswordSourceForUrl(databaseUrl, iamAuth.AWS_REGION);
  } catch (error) {
    throw new ConfigError(`DATABASE_URL: ${(error as Error).message}`);
  }
}

const iamAuthSchema = z.object({
  DATABASE_IAM_AUTH: env.boolean(false),
  AWS_REGION: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region such as eu-west-1').optional(),
});
