import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres } from '../src/embedded-postgres.js';

// Under root Postgres runs as the `postgres` user: a data folder inside a private (0700) folder, as
// `mktemp -d` makes them, must still work, by giving others the search bit only.
const asRoot = process.getuid?.() === 0;
(asRoot ? test : test.skip)('starts with its data inside a 0700 folder, granting o+x and nothing more', async () => {
  const privateFolder = mkdtempSync(path.join(os.tmpdir(), 'pingdummy-private-'));
  try {
    expect(statSync(privateFolder).mode & 0o777).toBe(0o700);
    const postgres = await startEmbeddedPostgres({ dataDir: path.join(privateFolder, 'data'), persistent: false, unsafeFast: true });
    await postgres.stop();
    expect(statSync(privateFolder).mode & 0o777).toBe(0o701);
  } finally {
    rmSync(privateFolder, { recursive: true, force: true });
  }
}, 60_000);
