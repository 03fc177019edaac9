import { LATENCY_BUCKET_COUNT } from '@pingdummy/shared';

/** `ARRAY[sum(h[1]), ..., sum(h[n])]`: adds histograms column-wise without unnesting every row. */
export function histogramSumSql(column: string): string {
  const sums = Array.from({ length: LATENCY_BUCKET_COUNT }, (_, index) => `coalesce(sum(${column}[${index + 1}]), 0)`);
  return `ARRAY[${sums.join(', ')}]::int[]`;
}
