import type { CheckResult } from '../../domain/check.js';
import {
  addToHistogram,
  mergeHistograms,
  type SparseHistogram,
} from '../../domain/latency-histogram.js';
import { encodeHistogram } from './histogram-codec.js';

export type RollupLevel = 'minute' | 'hour' | 'day';

export const LEVEL_MS: Readonly<Record<RollupLevel, number>> = {
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
};

/** What one batch adds to one roll-up row. */
export interface RollupDelta {
  readonly monitorSeq: number;
  readonly level: RollupLevel;
  readonly bucketStart: number;
  readonly checks: number;
  readonly failures: number;
  readonly latencySum: number;
  /** Encoded as in histogram-codec.ts. */
  readonly histogram: Buffer;
}

interface Tally {
  checks: number;
  failures: number;
  latencySum: number;
  readonly histogram: SparseHistogram;
  encoded?: Buffer;
}

interface Bucket {
  readonly monitorSeq: number;
  readonly start: number;
  tally: Tally;
  /** False while `tally` is the finer bucket's own object, shared because nothing else fell in. */
  owned: boolean;
}

/**
 * Sums a batch per monitor and minute, then folds minutes into hours and hours into days. A
 * coarser bucket that received a single finer one shares its tally (and so its encoding): in the
 * usual batch every monitor has one result, and its three rows carry the same numbers.
 * Only available checks (not `down`) feed the latency sum and histogram.
 */
export function aggregateRollups(
  results: readonly CheckResult[],
  monitorSeqs: readonly number[],
  checkedAtMs: readonly number[],
): RollupDelta[] {
  const minutes = new Map<string, Bucket>();
  results.forEach((result, i) => {
    const monitorSeq = monitorSeqs[i] ?? 0;
    const start = floorTo(checkedAtMs[i] ?? Date.parse(result.checkedAt), LEVEL_MS.minute);
    const key = `${monitorSeq}:${start}`;
    let bucket = minutes.get(key);
    if (bucket === undefined) {
      bucket = { monitorSeq, start, tally: emptyTally(), owned: true };
      minutes.set(key, bucket);
    }
    const tally = bucket.tally;
    tally.checks += 1;
    if (result.status === 'down') {
      tally.failures += 1;
    } else {
      tally.latencySum += result.latencyMs;
      addToHistogram(tally.histogram, result.latencyMs);
    }
  });
  const hours = foldInto(minutes, LEVEL_MS.hour);
  const days = foldInto(hours, LEVEL_MS.day);
  return [...deltas(minutes, 'minute'), ...deltas(hours, 'hour'), ...deltas(days, 'day')];
}

function foldInto(finer: ReadonlyMap<string, Bucket>, size: number): Map<string, Bucket> {
  const coarser = new Map<string, Bucket>();
  for (const { monitorSeq, start, tally } of finer.values()) {
    const coarseStart = floorTo(start, size);
    const key = `${monitorSeq}:${coarseStart}`;
    const bucket = coarser.get(key);
    if (bucket === undefined) {
      coarser.set(key, { monitorSeq, start: coarseStart, tally, owned: false });
      continue;
    }
    if (!bucket.owned) {
      bucket.tally = combine(emptyTally(), bucket.tally);
      bucket.owned = true;
    }
    combine(bucket.tally, tally);
  }
  return coarser;
}

function* deltas(buckets: ReadonlyMap<string, Bucket>, level: RollupLevel): Generator<RollupDelta> {
  for (const { monitorSeq, start, tally } of buckets.values()) {
    tally.encoded ??= encodeHistogram(tally.histogram);
    yield {
      monitorSeq,
      level,
      bucketStart: start,
      checks: tally.checks,
      failures: tally.failures,
      latencySum: tally.latencySum,
      histogram: tally.encoded,
    };
  }
}

function emptyTally(): Tally {
  return { checks: 0, failures: 0, latencySum: 0, histogram: {} };
}

function combine(into: Tally, from: Tally): Tally {
  into.checks += from.checks;
  into.failures += from.failures;
  into.latencySum += from.latencySum;
  mergeHistograms(into.histogram, from.histogram);
  return into;
}

function floorTo(ms: number, size: number): number {
  return Math.floor(ms / size) * size;
}
