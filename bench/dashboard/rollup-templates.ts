// Rollup rows for the benchmarks: 100 precomputed hourly histograms, so generated history looks real but costs
// one INSERT ... SELECT per table.
import type pg from 'pg';
import { LATENCY_BUCKET_BOUNDS_MS, LATENCY_BUCKET_COUNT } from '@pingdummy/shared';

/** 100 hourly histograms of 60 probes each, log-normally spread around 40-400 ms, with a few failures. */
export function histogramTemplates(): { id: number; probes: number; ups: number; hist: number[]; sum: number; min: number; max: number }[] {
  const templates = [];
  for (let id = 0; id < 100; id++) {
    const hist = new Array<number>(LATENCY_BUCKET_COUNT).fill(0);
    const median = 40 + (id % 10) * 35;
    let sum = 0;
    let min = Infinity;
    let max = 0;
    for (let sample = 0; sample < 60; sample++) {
      const gaussian = Math.sqrt(-2 * Math.log(Math.random() || 1e-9)) * Math.cos(2 * Math.PI * Math.random());
      const latency = Math.max(1, Math.round(median * Math.exp(0.5 * gaussian)));
      const bucket = LATENCY_BUCKET_BOUNDS_MS.findIndex((bound) => latency <= bound);
      hist[bucket === -1 ? LATENCY_BUCKET_COUNT - 1 : bucket]! += 1;
      sum += latency;
      min = Math.min(min, latency);
      max = Math.max(max, latency);
    }
    const failures = id % 17 === 0 ? 3 : id % 5 === 0 ? 1 : 0;
    templates.push({ id, probes: 60, ups: 60 - failures, hist, sum, min, max });
  }
  return templates;
}

/** Creates bench_templates (hourly and daily histograms of the templates), joined by the history generators. */
export async function createTemplatesTable(db: pg.Pool): Promise<void> {
  await db.query(`CREATE TABLE bench_templates (id int PRIMARY KEY, probes int, ups int, hist int[], hist_day int[], latency_sum bigint, latency_min int, latency_max int)`);
  for (const template of histogramTemplates()) {
    await db.query(`INSERT INTO bench_templates VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, [
      template.id,
      template.probes,
      template.ups,
      template.hist,
      template.hist.map((count) => count * 24),
      template.sum,
      template.min,
      template.max,
    ]);
  }
}
