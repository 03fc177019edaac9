import { z } from 'zod';

/** A configuration problem, phrased as `VARIABLE: what is wrong`. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses environment variables with a zod object schema; throws a ConfigError naming the first bad variable. */
export function parseConfig<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const variable = issue?.path.join('.') || '(environment)';
  throw new ConfigError(`${variable}: ${issue?.message ?? 'invalid'}`);
}

/** Like parseConfig, but a bad variable stops the process with one line on stderr. */
export function loadConfig<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  try {
    return parseConfig(schema, env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`config error: ${error.message}\n`);
    process.exit(1);
  }
}

/** Reusable field schemas for environment variables (all arrive as strings). */
export const env = {
  /** A TCP port; 0 asks the OS for a free one (tests). */
  port: (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback),
  int: (fallback: number, min: number, max: number) => z.coerce.number().int().min(min).max(max).default(fallback),
  databaseUrl: () =>
    z
      .string({ error: 'is required (postgres://user:password@host:5432/db)' })
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL'),
  optionalDatabaseUrl: () =>
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
      .optional(),
  secret: (minLength: number) =>
    z.string({ error: 'is required' }).min(minLength, `must be at least ${minLength} characters`),
  logLevel: () => z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  boolean: (fallback: boolean) =>
    z
      .enum(['true', 'false', '1', '0'], { error: 'must be true or false' })
      .default(fallback ? 'true' : 'false')
      .transform((value) => value === 'true' || value === '1'),
  /** A comma-separated list; empty items are dropped. */
  list: () =>
    z
      .string()
      .default('')
      .transform((value) =>
        value
          .split(',')
          .map((item) => item.trim())
          .filter(Boolean),
      ),
};
