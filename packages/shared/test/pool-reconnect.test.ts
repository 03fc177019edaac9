import { chmod, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createPool } from '../src/db.js';
import { startEmbeddedPostgres } from '../src/embedded-postgres.js';

test('the pool survives a database restart: the next query after it opens a fresh connection', async () => {
  const folder = await mkdtemp(path.join(os.tmpdir(), 'pingdummy-restart-'));
  await chmod(folder, 0o755);
  const dataDir = path.join(folder, 'data');
  let server = await startEmbeddedPostgres({ dataDir, persistent: true, unsafeFast: true });
  const port = server.port;
  const pool = createPool({ connectionString: server.adminUrl, max: 2, statementTimeoutMs: 1_000 });
  try {
    expect((await pool.query('SELECT 1 AS one')).rows[0].one).toBe(1);
    await server.stop();
    await expect(pool.query('SELECT 1')).rejects.toThrow();
    server = await startEmbeddedPostgres({ dataDir, port, persistent: false, unsafeFast: true });
    expect((await pool.query('SELECT 2 AS two')).rows[0].two).toBe(2);
    // statement_timeout reaches the server on every new connection.
    await expect(pool.query('SELECT pg_sleep(3)')).rejects.toThrow(/statement timeout/);
  } finally {
    await pool.end();
    await server.stop();
  }
});
