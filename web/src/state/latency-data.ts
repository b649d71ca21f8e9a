import { ApiError, type ApiClient } from '../api/client.js';
import type { CheckResult, DailyItem, Uptime, UptimeWindow } from '../api/types.js';
import { bucketLatency, dailyLatency, type LatencySeries } from '../lib/latency-series.js';

export interface LatencyData {
  readonly series: LatencySeries;
  readonly summary: Uptime | null;
  /** How the series was made, in words for the reader. */
  readonly source: string;
}

const HOUR = 3_600_000;
const WINDOW_MS: Readonly<Record<UptimeWindow, number>> = {
  '1h': HOUR,
  '24h': 24 * HOUR,
  '7d': 7 * 24 * HOUR,
  '30d': 30 * 24 * HOUR,
  '90d': 90 * 24 * HOUR,
};
const BUCKETS: Readonly<Partial<Record<UptimeWindow, number>>> = { '1h': 60, '24h': 96 };
/** Raw results read for one chart at most (5 pages). */
const MAX_RESULTS = 5000;

/**
 * The series for a window. Up to 24 h it is computed from raw results (the API keeps them for
 * the retention period); beyond, from the daily roll-ups, one point a day.
 */
export async function loadLatency(
  api: ApiClient,
  id: string,
  window: UptimeWindow,
  signal: AbortSignal,
  now: number = Date.now(),
): Promise<LatencyData> {
  const base = `/monitors/${encodeURIComponent(id)}`;
  const summary = api.get<Uptime>(`${base}/uptime?window=${window}`, signal).catch(() => null);
  const fromMs = now - WINDOW_MS[window];
  const buckets = BUCKETS[window];
  if (buckets !== undefined) {
    const results = await readResults(api, base, new Date(fromMs).toISOString(), signal);
    return {
      series: bucketLatency(results, fromMs, now, buckets),
      summary: await summary,
      source: `${results.length} checks in ${buckets} slices`,
    };
  }
  const days = WINDOW_MS[window] / (24 * HOUR);
  const daily = await api
    .get<{ items: DailyItem[] }>(`${base}/daily?days=${days}`, signal)
    .then((d) => d.items)
    .catch((error: unknown) => {
      if (error instanceof ApiError && error.status === 404) return [];
      throw error;
    });
  const total = await summary;
  const series = dailyLatency(daily, {
    p50: total?.latencyMs.p50 ?? null,
    p95: total?.latencyMs.p95 ?? null,
  });
  return {
    series,
    summary: total,
    source: series.perDay
      ? `${daily.length} days`
      : `the ${window} p50 and p95 (the daily roll-ups carry no percentiles)`,
  };
}

async function readResults(
  api: ApiClient,
  base: string,
  since: string,
  signal: AbortSignal,
): Promise<CheckResult[]> {
  const all: CheckResult[] = [];
  let until: string | null = null;
  while (all.length < MAX_RESULTS) {
    const range: string = until === null ? '' : `&until=${encodeURIComponent(until)}`;
    const page: { items: CheckResult[] } = await api.get(
      `${base}/results?limit=1000&since=${encodeURIComponent(since)}${range}`,
      signal,
    );
    all.push(...page.items);
    const oldest = page.items.at(-1);
    if (page.items.length < 1000 || oldest === undefined || oldest.checkedAt === until) break;
    until = oldest.checkedAt;
  }
  return all;
}
