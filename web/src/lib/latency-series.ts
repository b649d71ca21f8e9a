/** Latency over time, as the chart draws it: bucket start times with p50 and p95. */
export interface LatencySeries {
  /** Bucket starts, Unix seconds. */
  readonly times: number[];
  readonly p50: (number | null)[];
  readonly p95: (number | null)[];
}

export interface TimedLatency {
  readonly checkedAt: string;
  readonly latencyMs: number;
}

/** The q-quantile (0..1) of sorted values, nearest rank. */
export function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1] ?? null;
}

/**
 * Raw results in `buckets` equal slices of [fromMs, toMs): each slice's p50 and p95 (null where a
 * slice has no result, so the line shows the gap).
 */
export function bucketLatency(
  results: readonly TimedLatency[],
  fromMs: number,
  toMs: number,
  buckets: number,
): LatencySeries {
  const width = (toMs - fromMs) / buckets;
  const slices: number[][] = Array.from({ length: buckets }, () => []);
  for (const r of results) {
    const at = Date.parse(r.checkedAt);
    if (at < fromMs || at >= toMs) continue;
    slices[Math.min(buckets - 1, Math.floor((at - fromMs) / width))]?.push(r.latencyMs);
  }
  const series: LatencySeries = { times: [], p50: [], p95: [] };
  slices.forEach((values, i) => {
    values.sort((a, b) => a - b);
    series.times.push(Math.round((fromMs + i * width) / 1000));
    series.p50.push(quantile(values, 0.5));
    series.p95.push(quantile(values, 0.95));
  });
  return series;
}

export interface DailyLatency {
  readonly date: string;
  readonly latencyMs?: { readonly p50?: number | null; readonly p95?: number | null };
}

/**
 * One point per day from the daily roll-ups. Where a day carries no percentiles, the window's own
 * p50 and p95 (`fallback`) are drawn flat, so that the chart still shows the level.
 */
export function dailyLatency(
  days: readonly DailyLatency[],
  fallback: { p50: number | null; p95: number | null },
): LatencySeries & { readonly perDay: boolean } {
  const series = {
    times: [] as number[],
    p50: [] as (number | null)[],
    p95: [] as (number | null)[],
  };
  let perDay = false;
  for (const d of [...days].sort((a, b) => a.date.localeCompare(b.date))) {
    const p50 = d.latencyMs?.p50 ?? null;
    const p95 = d.latencyMs?.p95 ?? null;
    if (p50 !== null || p95 !== null) perDay = true;
    series.times.push(Date.parse(`${d.date}T00:00:00Z`) / 1000);
    series.p50.push(p50);
    series.p95.push(p95);
  }
  if (!perDay) {
    series.p50 = series.p50.map(() => fallback.p50);
    series.p95 = series.p95.map(() => fallback.p95);
  }
  return { ...series, perDay };
}
