import {
  dailySeries,
  dayRange,
  type DailyUptime,
  type DayCounts,
} from '../../domain/daily-uptime.js';
import type { MonitorId } from '../../domain/ids.js';
import { BUCKETS } from '../../domain/latency-histogram.js';
import type { UptimeSummary, UptimeWindow } from '../../domain/uptime.js';
import { summaryOf, windowSpans } from '../../domain/uptime-rollups.js';
import { lazyStatement, type SqliteDatabase } from './database.js';
import { addEncodedHistogram, sparseOf } from './histogram-codec.js';

/** Roll-up reads for many monitors at once: the list view and the status pages. */
export interface UptimeReads {
  uptimeMany(
    ids: readonly MonitorId[],
    window: UptimeWindow,
    nowMs: number,
  ): Map<MonitorId, UptimeSummary>;
  dailyMany(ids: readonly MonitorId[], days: number, nowMs: number): Map<MonitorId, DailyUptime[]>;
}

interface SpanRow {
  readonly monitor_seq: number;
  readonly checks: number;
  readonly failures: number;
  readonly latency_sum: number;
  readonly histogram: Buffer;
}

interface DayRow {
  readonly id: string;
  readonly bucket_start: number | null;
  readonly checks: number | null;
  readonly failures: number | null;
}

interface Accumulator {
  checks: number;
  failures: number;
  latencySum: number;
  readonly dense: Float64Array;
}

export function createUptimeReads(db: SqliteDatabase): UptimeReads {
  const selectKnown = lazyStatement<[string], { seq: number; id: string }>(
    db,
    'SELECT seq, id FROM monitors WHERE id IN (SELECT value FROM json_each(?))',
  );
  // The key (monitor_seq, level, bucket_start) serves each monitor's range directly.
  const selectSpan = lazyStatement<[string, string, number, number], SpanRow>(
    db,
    `SELECT monitor_seq, checks, failures, latency_sum, histogram FROM rollups
     WHERE monitor_seq IN (SELECT value FROM json_each(?))
       AND level = ? AND bucket_start >= ? AND bucket_start < ?`,
  );
  const selectDays = lazyStatement<[number, number, string], DayRow>(
    db,
    `SELECT m.id, r.bucket_start, r.checks, r.failures
     FROM monitors m
     LEFT JOIN rollups r ON r.monitor_seq = m.seq AND r.level = 'day'
       AND r.bucket_start >= ? AND r.bucket_start <= ?
     WHERE m.id IN (SELECT value FROM json_each(?))`,
  );

  return {
    uptimeMany: (ids, window, nowMs) => {
      const summaries = new Map<MonitorId, UptimeSummary>();
      if (ids.length === 0) return summaries;
      const known = selectKnown().all(JSON.stringify([...new Set(ids)]));
      const bySeq = new Map<number, Accumulator>();
      for (const { seq } of known) {
        bySeq.set(seq, { checks: 0, failures: 0, latencySum: 0, dense: new Float64Array(BUCKETS) });
      }
      const seqs = JSON.stringify([...bySeq.keys()]);
      for (const span of windowSpans(window, nowMs)) {
        for (const row of selectSpan().all(seqs, span.level, span.fromMs, span.untilMs)) {
          const into = bySeq.get(row.monitor_seq);
          if (into === undefined) continue;
          into.checks += row.checks;
          into.failures += row.failures;
          into.latencySum += row.latency_sum;
          addEncodedHistogram(into.dense, row.histogram);
        }
      }
      for (const { seq, id } of known) {
        const totals = bySeq.get(seq);
        if (totals === undefined) continue;
        summaries.set(
          id as MonitorId,
          summaryOf(window, { ...totals, histogram: sparseOf(totals.dense) }),
        );
      }
      return summaries;
    },

    dailyMany: (ids, days, nowMs) => {
      const series = new Map<MonitorId, DailyUptime[]>();
      if (ids.length === 0) return series;
      const { firstMs, lastMs } = dayRange(days, nowMs);
      const counts = new Map<string, Map<number, DayCounts>>();
      for (const row of selectDays().all(firstMs, lastMs, JSON.stringify([...new Set(ids)]))) {
        let byDay = counts.get(row.id);
        if (byDay === undefined) {
          byDay = new Map();
          counts.set(row.id, byDay);
        }
        if (row.bucket_start !== null) {
          byDay.set(row.bucket_start, { checks: row.checks ?? 0, failures: row.failures ?? 0 });
        }
      }
      for (const [id, byDay] of counts) {
        series.set(id as MonitorId, dailySeries(days, nowMs, byDay));
      }
      return series;
    },
  };
}
