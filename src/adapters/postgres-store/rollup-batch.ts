import type { CheckResult } from '../../domain/check.js';
import { bucketOf } from '../../domain/latency-histogram.js';

export type RollupLevel = 'minute' | 'hour' | 'day';
export const ROLLUP_LEVELS: readonly RollupLevel[] = ['minute', 'hour', 'day'];

export const LEVEL_MS: Readonly<Record<RollupLevel, number>> = {
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
};

/** What one batch adds to the roll-up rows, one array per column, ready for `unnest`. */
export interface RollupDeltas {
  /** Index into ROLLUP_LEVELS. */
  readonly levels: number[];
  readonly monitorSeqs: number[];
  readonly bucketStarts: string[];
  readonly checks: number[];
  readonly failures: number[];
  readonly latencySums: number[];
  /** int[] literals of (code, count) pairs, see histogram.ts. */
  readonly histograms: string[];
}

/** A new result with what the batch already knows about it. */
export interface FreshResult {
  readonly result: CheckResult;
  readonly monitorSeq: number;
  readonly checkedAtMs: number;
}

/**
 * Sums a batch's new results per monitor and minute, hour and day. Only available checks (not
 * `down`) feed the latency sum and histogram. Sorted by (monitor, time) first, so that each
 * bucket is a run of neighbours and rows come out per level in (monitor, bucket) order:
 * concurrent batches then lock shared roll-up rows in the same order and cannot deadlock.
 */
export function aggregateRollups(fresh: readonly FreshResult[]): RollupDeltas {
  const sorted = [...fresh].sort(
    (a, b) => a.monitorSeq - b.monitorSeq || a.checkedAtMs - b.checkedAtMs,
  );
  const codes = sorted.map(({ result }) =>
    result.status === 'down' ? 0 : -(bucketOf(result.latencyMs) + 1),
  );
  const out: RollupDeltas = {
    levels: [],
    monitorSeqs: [],
    bucketStarts: [],
    checks: [],
    failures: [],
    latencySums: [],
    histograms: [],
  };
  const isoOf = new Map<number, string>();
  const iso = (ms: number): string => {
    let text = isoOf.get(ms);
    if (text === undefined) {
      text = new Date(ms).toISOString();
      isoOf.set(ms, text);
    }
    return text;
  };

  ROLLUP_LEVELS.forEach((level, levelIndex) => {
    const size = LEVEL_MS[level];
    let i = 0;
    while (i < sorted.length) {
      const head = sorted[i];
      if (head === undefined) break;
      const start = Math.floor(head.checkedAtMs / size) * size;
      let checks = 0;
      let failures = 0;
      let latencySum = 0;
      // (code, count) pairs; a bucket of one batch rarely holds more than a few.
      const pairs: number[] = [];
      for (; i < sorted.length; i++) {
        const item = sorted[i];
        if (item === undefined || item.monitorSeq !== head.monitorSeq) break;
        if (item.checkedAtMs < start || item.checkedAtMs >= start + size) break;
        checks += 1;
        const code = codes[i] ?? 0;
        if (code === 0) {
          failures += 1;
          continue;
        }
        latencySum += item.result.latencyMs;
        let at = 0;
        while (at < pairs.length && pairs[at] !== code) at += 2;
        if (at < pairs.length) pairs[at + 1] = (pairs[at + 1] ?? 0) + 1;
        else pairs.push(code, 1);
      }
      out.levels.push(levelIndex);
      out.monitorSeqs.push(head.monitorSeq);
      out.bucketStarts.push(iso(start));
      out.checks.push(checks);
      out.failures.push(failures);
      out.latencySums.push(latencySum);
      out.histograms.push(`{${pairs.join(',')}}`);
    }
  });
  return out;
}
