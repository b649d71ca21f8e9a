import { BUCKETS, type SparseHistogram } from '../../domain/latency-histogram.js';

/**
 * Roll-up histograms are int[] of (code, count) pairs, code = -(bucket + 1), in any order (see
 * migrations.ts for why codes are negative). A minute row usually holds one pair.
 */
export function histogramLiteral(histogram: SparseHistogram): string {
  const parts: number[] = [];
  for (const [bucket, count] of Object.entries(histogram)) {
    if (count > 0) parts.push(-(Number(bucket) + 1), count);
  }
  return `{${parts.join(',')}}`;
}

/** Adds a stored histogram's counts into a dense accumulator of BUCKETS counts. */
export function addStoredHistogram(into: Float64Array, pairs: readonly number[]): void {
  for (let i = 0; i + 1 < pairs.length; i += 2) {
    const bucket = Math.min(-(pairs[i] ?? -1) - 1, BUCKETS - 1);
    if (bucket >= 0) into[bucket] = (into[bucket] ?? 0) + (pairs[i + 1] ?? 0);
  }
}

export function sparseOf(dense: Float64Array): SparseHistogram {
  const sparse: SparseHistogram = {};
  dense.forEach((count, bucket) => {
    if (count > 0) sparse[bucket] = count;
  });
  return sparse;
}
