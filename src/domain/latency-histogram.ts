/**
 * A fixed log-scale latency histogram: bucket i holds latencies in [GROWTH^(i-1), GROWTH^i) ms
 * (bucket 0 holds < 1 ms). With GROWTH = 1.1 a percentile read from it is within 5 % of the
 * true value, and histograms of any number of checks merge by adding counts. Roll-ups keep one
 * per monitor per minute, hour and day.
 */
export const GROWTH = 1.1;
/** 1.1^128 ms is far above the longest timeout (120 s). */
export const BUCKETS = 130;

export function bucketOf(latencyMs: number): number {
  if (!(latencyMs >= 1)) return 0;
  const i = Math.floor(Math.log(latencyMs) / Math.log(GROWTH)) + 1;
  return Math.min(i, BUCKETS - 1);
}

/** The representative latency of a bucket (geometric middle). */
export function bucketValueMs(bucket: number): number {
  if (bucket <= 0) return 0.5;
  return Math.pow(GROWTH, bucket - 0.5);
}

/** Sparse form used in storage: bucket index → count. */
export type SparseHistogram = Record<number, number>;

export function addToHistogram(h: SparseHistogram, latencyMs: number, count = 1): void {
  const b = bucketOf(latencyMs);
  h[b] = (h[b] ?? 0) + count;
}

export function mergeHistograms(into: SparseHistogram, from: SparseHistogram): void {
  for (const [k, v] of Object.entries(from)) {
    const b = Number(k);
    into[b] = (into[b] ?? 0) + v;
  }
}

/** The q-quantile (0..1) of the histogram, or null when it is empty. */
export function quantile(h: SparseHistogram, q: number): number | null {
  const entries = Object.entries(h)
    .map(([k, v]) => [Number(k), v] as const)
    .filter(([, v]) => v > 0)
    .sort((a, b) => a[0] - b[0]);
  const total = entries.reduce((s, [, v]) => s + v, 0);
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (const [b, v] of entries) {
    seen += v;
    if (seen >= rank) return Math.round(bucketValueMs(b) * 10) / 10;
  }
  return null;
}
