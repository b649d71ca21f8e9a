import { quantile, type SparseHistogram } from './latency-histogram.js';
import { WINDOW_MS, type UptimeSummary, type UptimeWindow } from './uptime.js';

/** The roll-up levels a store keeps per monitor. */
export type RollupLevel = 'minute' | 'hour' | 'day';

export const ROLLUP_LEVEL_MS: Readonly<Record<RollupLevel, number>> = {
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
};

/** The finest level kept for the whole of each window (see the retention horizons). */
export const WINDOW_LEVEL: Readonly<Record<UptimeWindow, RollupLevel>> = {
  '1h': 'minute',
  '24h': 'minute',
  '7d': 'hour',
  '30d': 'hour',
  '90d': 'day',
};

const COARSER: Readonly<Record<RollupLevel, RollupLevel | null>> = {
  minute: 'hour',
  hour: 'day',
  day: null,
};

/** Roll-up rows of one level whose bucket starts in [fromMs, untilMs). */
export interface RollupSpan {
  readonly level: RollupLevel;
  readonly fromMs: number;
  readonly untilMs: number;
}

/**
 * The roll-up rows that answer a window, read with as few rows as possible. A window covers the
 * buckets of its level that start from `nowMs - window` (floored to the bucket) up to `nowMs`;
 * every whole bucket of the next coarser level inside that range holds exactly the sum of its
 * finer buckets, so it is read instead of them, and the finer level only fills the two edges.
 * A 24-hour window is then at most 60 + 24 + 60 rows instead of 1,440, and 30 days at most
 * 24 + 30 + 24 instead of 720: what makes the uptime of a thousand monitors one cheap read.
 */
export function windowSpans(window: UptimeWindow, nowMs: number): RollupSpan[] {
  const level = WINDOW_LEVEL[window];
  const size = ROLLUP_LEVEL_MS[level];
  const fromMs = Math.floor((nowMs - WINDOW_MS[window]) / size) * size;
  const untilMs = nowMs + 1;
  const coarser = COARSER[level];
  if (coarser === null) return [{ level, fromMs, untilMs }];
  const coarseSize = ROLLUP_LEVEL_MS[coarser];
  const wholeFrom = Math.ceil(fromMs / coarseSize) * coarseSize;
  const wholeUntil = Math.floor(nowMs / coarseSize) * coarseSize;
  if (wholeFrom >= wholeUntil) return [{ level, fromMs, untilMs }];
  return [
    { level, fromMs, untilMs: wholeFrom },
    { level: coarser, fromMs: wholeFrom, untilMs: wholeUntil },
    { level, fromMs: wholeUntil, untilMs },
  ].filter((span) => span.fromMs < span.untilMs);
}

/** What the roll-up rows of a window add up to. */
export interface RollupTotals {
  readonly checks: number;
  readonly failures: number;
  /** Latency sum of the checks that were not `down`. */
  readonly latencySum: number;
  readonly histogram: SparseHistogram;
}

/** The window's summary from its totals; latencies in ms rounded to 0.1. */
export function summaryOf(window: UptimeWindow, totals: RollupTotals): UptimeSummary {
  const { checks, failures, latencySum, histogram } = totals;
  const available = checks - failures;
  return {
    window,
    uptime: checks === 0 ? null : available / checks,
    checks,
    failures,
    latencyMs: {
      avg: available === 0 ? null : Math.round((latencySum / available) * 10) / 10,
      p50: quantile(histogram, 0.5),
      p95: quantile(histogram, 0.95),
      p99: quantile(histogram, 0.99),
    },
  };
}
