import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { cachedPasswordSource, databasePasswordSourceFromEnvironment, rdsIamPasswordSourceForUrl } from '../src/database-credentials.js';
import { createPool } from '../src/db.js';
import { ADMIN_URL_VARIABLE } from '../src/testing/test-database.js';

const adminUrl = () => process.env[ADMIN_URL_VARIABLE]!;

/** Runs one statement as the server's administrator. */
async function asAdmin(sql: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

test('a rotated password reaches new connections without restarting the pool: refused once, refreshed, connected', async () => {
  const role = `rotating_${randomBytes(4).toString('hex')}`;
  await asAdmin(`CREATE ROLE ${role} LOGIN PASSWORD 'before-rotation'`);
  // The secret store: what the source fetches, and how often.
  let stored = 'before-rotation';
  let fetches = 0;
  const source = cachedPasswordSource(async () => {
    fetches += 1;
    return stored;
  });
  const url = new URL(adminUrl());
  url.username = role;
  url.password = '';
  const pool = createPool({ connectionString: url.toString(), max: 2, passwordSource: source });
  try {
    expect((await pool.query('SELECT current_user AS name')).rows[0].name).toBe(role);
    expect(fetches).toBe(1);

    // Rotation, as RDS does it: the server's password changes, then the store's.
    await asAdmin(`ALTER ROLE ${role} PASSWORD 'after-rotation'`);
    stored = 'after-rotation';
    // Existing connections survive a rotation; drop them so the next query needs a new one.
    await asAdmin(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '${role}'`);
    await new Promise((resolve) => setTimeout(resolve, 100));

    // The cached password is refused (28P01), the source refreshes, the second attempt connects.
    expect((await pool.query('SELECT current_user AS name')).rows[0].name).toBe(role);
    expect(fetches).toBe(2);
    // And the connections after it reuse the fresh password.
    const clients = await Promise.all([pool.connect(), pool.connect()]);
    for (const client of clients) client.release();
    expect(fetches).toBe(2);
  } finally {
    await pool.end();
    await asAdmin(`DROP ROLE IF EXISTS ${role}`);
  }
});

test('a password the server still refuses after a refresh fails the query with the authentication error', async () => {
  const url = new URL(adminUrl());
  url.password = '';
  const pool = createPool({ connectionString: url.toString(), max: 1, passwordSource: cachedPasswordSource(async () => 'wrong') });
  try {
    await expect(pool.query('SELECT 1')).rejects.toMatchObject({ code: '28P01' });
  } finally {
    await pool.end();
  }
});

test('IAM authentication signs a connect token for the URL user, locally, and refuses a URL with a password', async () => {
  const saved = { ...process.env };
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'AKIAEXAMPLEEXAMPLE00', AWS_SECRET_ACCESS_KEY: 'example-secret' });
  try {
    const token = await rdsIamPasswordSourceForUrl('postgres://app@db.example.internal:5432/app?sslmode=no-verify', 'eu-west-1').password();
    expect(token).toMatch(/^db\.example\.internal:5432\/\?Action=connect&DBUser=app&X-Amz-/);
    expect(() => rdsIamPasswordSourceForUrl('postgres://app:secret@db.example.internal:5432/app', 'eu-west-1')).toThrow(/carries a password/);
  } finally {
    process.env = saved;
  }
});

test('DATABASE_IAM_AUTH turns IAM tokens on, and names the variable that is missing', () => {
  const url = 'postgres://app@db.example.internal:5432/app';
  expect(databasePasswordSourceFromEnvironment(url, {})).toBeUndefined();
  expect(databasePasswordSourceFromEnvironment(url, { DATABASE_IAM_AUTH: 'true', AWS_REGION: 'eu-west-1' })).toBeDefined();
  expect(() => databasePasswordSourceFromEnvironment(url, { DATABASE_IAM_AUTH: 'true' })).toThrow(/^AWS_REGION: is required when DATABASE_IAM_AUTH is true/);
  expect(() => databasePasswordSourceFromEnvironment(url, { DATABASE_IAM_AUTH: 'yes', AWS_REGION: 'eu-west-1' })).toThrow(/^DATABASE_IAM_AUTH: /);
  expect(() => databasePasswordSourceFromEnvironment('postgres://app:pw@db/app', { DATABASE_IAM_AUTH: 'true', AWS_REGION: 'eu-west-1' })).toThrow(/^DATABASE_URL: .*carries a password/);
});
