import pg from 'pg';

export interface AppRoleOptions {
  /** Login role of the application, e.g. `app` (the user of DATABASE_URL). */
  role: string;
  /** IAM database authentication: grant `rds_iam`, so the role logs in with tokens, not a password. */
  iamAuth: boolean;
}

/**
 * Creates the application's own database role, once, as the RDS master user, connected to the
 * application database: a login role (with `rds_iam` for IAM tokens) owning that database and its
 * `public` schema, so the worker's migrations can create tables. Safe to run again. The master user
 * and its RDS-rotated password stay with administrators.
 *
 * Steps: create the role unless it exists; make the caller a member (owners can only be handed
 * to roles one can act as); grant `rds_iam`; hand over the database and the schema.
 */
export async function createAppRole(admin: pg.ClientBase, options: AppRoleOptions): Promise<void> {
  const role = pg.escapeIdentifier(options.role);
  const exists = await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [options.role]);
  if (exists.rowCount === 0) await admin.query(`CREATE ROLE ${role} LOGIN`);
  await admin.query(`GRANT ${role} TO CURRENT_USER`);
  if (options.iamAuth) await admin.query(`GRANT rds_iam TO ${role}`);
  const database = (await admin.query<{ name: string }>('SELECT current_database() AS name')).rows[0]!.name;
  await admin.query(`ALTER DATABASE ${pg.escapeIdentifier(database)} OWNER TO ${role}`);
  await admin.query(`ALTER SCHEMA public OWNER TO ${role}`);
}
