import pg from 'pg';
import { z } from 'zod';
import { createAppRole } from '../app-role.js';
import { env, loadConfig } from '../config.js';

/**
 * One-off: `DATABASE_ADMIN_URL=postgres://<master>:<password>@<host>:5432/app?sslmode=no-verify
 * npm run create-app-role -w @pingdummy/shared` (README of infra, "First deploy").
 */
const config = loadConfig(z.object({
  DATABASE_ADMIN_URL: env.databaseUrl(),
  APP_ROLE: z.string().regex(/^[a-z_][a-z0-9_]*$/, 'must be a lowercase SQL identifier').default('app'),
  DATABASE_IAM_AUTH: env.boolean(true),
}));
const admin = new pg.Client({ connectionString: config.DATABASE_ADMIN_URL });
await admin.connect();
try {
  await createAppRole(admin, { role: config.APP_ROLE, iamAuth: config.DATABASE_IAM_AUTH });
  process.stdout.write(`role ${config.APP_ROLE} ready (IAM authentication ${config.DATABASE_IAM_AUTH ? 'on' : 'off'})\n`);
} finally {
  await admin.end();
}
