// bench/probes/histogram-add: what one call of histogram_add costs in Postgres, the function every rollup upsert
// of a worker round calls (twice per probe: hourly and daily). Compares the migrated function with the SQL one it
// replaced (017_histogram_add_plpgsql), on the same 23-bucket histograms, in one fresh embedded Postgres.
//   node --import tsx bench/probes/histogram-add.ts --calls 100000 --repeat 3
// Prints µs per call for each (the scan and the check of each result included, the same for both) and writes bench/results/histogram-add.json.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { LATENCY_BUCKET_COUNT, runMigrations, startEmbeddedPostgres } from '@pingdummy/shared';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { values } = parseArgs({ options: { calls: { type: 'string', default: '100000' }, repeat: { type: 'string', default: '3' } } });
const CALLS = Number(values.calls);
const REPEAT = Number(values.repeat);
if (!Number.isInteger(CALLS) || CALLS < 1000) throw new Error('--calls must be an integer of at least 1000');
if (!Number.isInteger(REPEAT) || REPEAT < 1) throw new Error('--repeat must be a positive integer');

/** The definition 001_initial created and 017 replaced, kept here under another name to measure it. */
const PREVIOUS_DEFINITION = `CREATE FUNCTION histogram_add_before_017(a integer[], b integer[]) RETURNS integer[]
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(coalesce(a[i], 0) + coalesce(b[i], 0) ORDER BY i), '{}')
    FROM generate_series(1, greatest(coalesce(array_length(a, 1), 0), coalesce(array_length(b, 1), 0))) AS i
  $$`;

const postgres = await startEmbeddedPostgres({ dataDir: path.join(mkdtempSync(path.join(os.tmpdir(), 'pingdummy-bench-')), 'pg'), persistent: false });
const client = new pg.Client({ connectionString: postgres.adminUrl });
try {
  await runMigrations(postgres.adminUrl);
  await client.connect();
  await client.query(PREVIOUS_DEFINITION);
  // A stored hourly row's histogram and a round's additions to it, one pair per call, read from a table so
  // Postgres cannot fold the call into a constant; the scan costs the same for both functions.
  const stored = Array.from({ length: LATENCY_BUCKET_COUNT }, (_, index) => (index * 37) % 180);
  const added = Array.from({ length: LATENCY_BUCKET_COUNT }, (_, index) => index % 3);
  await client.query(
    `CREATE TEMP TABLE pairs AS SELECT g, $1::int[] AS stored, $2::int[] AS added FROM generate_series(1, $3::int) AS g`,
    [stored, added, CALLS],
  );
  const expected = stored.reduce((sum, count, index) => sum + count + added[index]!, 0) * CALLS;
  const microsPerCall: Record<string, number[]> = { histogram_add: [], histogram_add_before_017: [] };
  for (let run = 0; run < REPEAT; run++) {
    for (const fn of Object.keys(microsPerCall)) {
      const started = performance.now();
      const { rows } = await client.query(
        `SELECT sum((SELECT sum(count) FROM unnest(${fn}(stored, added)) AS count))::bigint AS total FROM pairs`,
      );
      const elapsedMs = performance.now() - started;
      if (Number(rows[0].total) !== expected) throw new Error(`${fn} summed to ${rows[0].total}, not ${expected}`);
      microsPerCall[fn]!.push(Math.round(((elapsedMs * 1000) / CALLS) * 100) / 100);
    }
  }
  for (const [fn, runs] of Object.entries(microsPerCall)) console.log(`[bench] ${fn}: ${runs.join(' / ')} µs per call (${CALLS} calls a run)`);
  mkdirSync(path.join(root, 'bench/results'), { recursive: true });
  writeFileSync(
    path.join(root, 'bench/results/histogram-add.json'),
    `${JSON.stringify({ when: new Date().toISOString(), machine: { cpus: os.cpus().length }, calls: CALLS, buckets: LATENCY_BUCKET_COUNT, microsPerCall }, null, 2)}\n`,
  );
} finally {
  await client.end();
  await postgres.stop();
}
