/**
 * Upper bounds (ms) of the latency histogram stored in rollups; the last bucket is open-ended.
 * Roughly logarithmic, so p50/p95 estimates stay within one bucket's width (~25-50%).
 */
export const LATENCY_BUCKET_BOUNDS_MS = [
  5, 10, 20, 30, 50, 75, 100, 150, 200, 300, 400, 500, 750, 1000, 1500, 2000, 3000, 5000, 7500, 10000, 20000, 30000,
] as const;
export const LATENCY_BUCKET_COUNT = LATENCY_BUCKET_BOUNDS_MS.length + 1;

export function latencyBucketIndex(latencyMs: number): number {
  const index = LATENCY_BUCKET_BOUNDS_MS.findIndex((bound) => latencyMs <= bound);
  return index === -1 ? LATENCY_BUCKET_BOUNDS_MS.length : index;
}

export function emptyHistogram(): number[] {
  return new Array<number>(LATENCY_BUCKET_COUNT).fill(0);
}

export function addToHistogram(histogram: number[], latencyMs: number): void {
  const index = latencyBucketIndex(latencyMs);
  histogram[index] = (histogram[index] ?? 0) + 1;
}

export function mergeHistograms(target: number[], source: readonly number[]): number[] {
  source.forEach((count, index) => {
    target[index] = (target[index] ?? 0) + count;
  });
  return target;
}

/**
 * Estimates a percentile (0-1) from a histogram by linear interpolation inside the bucket that holds
 * it; null for an empty histogram. The open last bucket reports its lower bound.
 */
export function percentileFromHistogram(histogram: readonly number[], percentile: number): number | null {
  const total = histogram.reduce((sum, count) => sum + count, 0);
  if (total === 0) return null;
  const rank = percentile * total;
  let seen = 0;
  for (let index = 0; index < histogram.length; index++) {
    const count = histogram[index] ?? 0;
    if (count > 0 && seen + count >= rank) {
      const lower = index === 0 ? 0 : LATENCY_BUCKET_BOUNDS_MS[index - 1]!;
      const upper = LATENCY_BUCKET_BOUNDS_MS[index] ?? lower;
      return Math.round(lower + ((rank - seen) / count) * (upper - lower));
    }
    seen += count;
  }
  return LATENCY_BUCKET_BOUNDS_MS[LATENCY_BUCKET_BOUNDS_MS.length - 1]!;
}

/** SQL `ARRAY[sum(h[1]), ..., sum(h[n])]`: adds a histogram column over rows without unnesting every row. */
export function histogramSumSql(column: string): string {
  const sums = Array.from({ length: LATENCY_BUCKET_COUNT }, (_, index) => `coalesce(sum(${column}[${index + 1}]), 0)`);
  return `ARRAY[${sums.join(', ')}]::int[]`;
}
