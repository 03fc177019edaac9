import pg from 'pg';
import { runMigrations } from '../migrate.js';
import { startTestPostgres } from './test-postgres.js';
import { TEMPLATE_DATABASE, ADMIN_URL_VARIABLE } from './test-database.js';

/**
 * Jest globalSetup: one Postgres server per test run, with a migrated template database that each
 * test file clones (CREATE DATABASE ... TEMPLATE is far faster than migrating again).
 * Set PINGDUMMY_TEST_ADMIN_URL to use a server of your own instead.
 */
export default async function globalSetup(): Promise<void> {
  let adminUrl = process.env[ADMIN_URL_VARIABLE];
  if (!adminUrl) {
    const server = await startTestPostgres();
    (globalThis as { __pingdummyPostgres?: { stop(): Promise<void> } }).__pingdummyPostgres = server;
    adminUrl = server.adminUrl;
    process.env[ADMIN_URL_VARIABLE] = adminUrl;
  }
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DATABASE} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${TEMPLATE_DATABASE}`);
  await admin.end();
  const templateUrl = new URL(adminUrl);
  templateUrl.pathname = `/${TEMPLATE_DATABASE}`;
  await runMigrations(templateUrl.toString());
}
