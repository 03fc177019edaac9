import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createAppRole } from '../src/app-role.js';
import { cachedPasswordSource } from '../src/database-credentials.js';
import { createPool } from '../src/db.js';
import { runMigrations } from '../src/migrate.js';
import { ADMIN_URL_VARIABLE } from '../src/testing/test-database.js';

function urlOf(database: string, user?: string): string {
  const url = new URL(process.env[ADMIN_URL_VARIABLE]!);
  url.pathname = `/${database}`;
  if (user) {
    url.username = user;
    url.password = '';
  }
  return url.toString();
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

test('createAppRole gives the application its own role (rds_iam, owner of its database and schema) that can run the migrations; running it again changes nothing', async () => {
  const suffix = randomBytes(4).toString('hex');
  const database = `approle_${suffix}`;
  const role = `app_${suffix}`;
  await withClient(urlOf('postgres'), async (admin) => {
    await admin.query(`CREATE DATABASE ${database}`);
    // RDS has this role; a plain Postgres needs a stand-in.
    await admin.query(`DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'rds_iam') THEN CREATE ROLE rds_iam; END IF; END $$`);
  });
  try {
    await withClient(urlOf(database), async (admin) => {
      await createAppRole(admin, { role, iamAuth: true });
      await createAppRole(admin, { role, iamAuth: true });
      const facts = await admin.query(
        `SELECT r.rolcanlogin AS login,
                pg_has_role($1, 'rds_iam', 'MEMBER') AS rds_iam,
                (SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()) AS database_owner,
                (SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = 'public') AS schema_owner
           FROM pg_roles r WHERE r.rolname = $1`,
        [role],
      );
      expect(facts.rows).toEqual([{ login: true, rds_iam: true, database_owner: role, schema_owner: role }]);
      // On RDS the role logs in with IAM tokens; here a password stands in for the token.
      await admin.query(`ALTER ROLE ${role} PASSWORD 'token-stand-in'`);
    });
    const source = cachedPasswordSource(async () => 'token-stand-in');
    expect((await runMigrations(urlOf(database, role), undefined, 10_000, source)).length).toBeGreaterThan(0);
    const pool = createPool({ connectionString: urlOf(database, role), passwordSource: source });
    try {
      expect((await pool.query("SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public' AND tableowner = current_user")).rows[0].n).toBeGreaterThan(0);
    } finally {
      await pool.end();
    }
  } finally {
    await withClient(urlOf('postgres'), async (admin) => {
      await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await admin.query(`DROP ROLE IF EXISTS ${role}`);
    });
  }
});
