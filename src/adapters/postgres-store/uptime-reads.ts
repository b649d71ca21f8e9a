import type { Pool } from 'pg';
import {
  dailySeries,
  dayRange,
  type DailyUptime,
  type DayCounts,
} from '../../domain/daily-uptime.js';
import type { MonitorId } from '../../domain/ids.js';
import { BUCKETS } from '../../domain/latency-histogram.js';
import type { UptimeSummary, UptimeWindow } from '../../domain/uptime.js';
import { summaryOf, windowSpans, type RollupSpan } from '../../domain/uptime-rollups.js';
import { rowsOf } from './connection.js';
import { knownShape } from './known-ids.js';
import { addStoredHistogram, sparseOf } from './histogram.js';

/** Roll-up reads for many monitors at once: the list view and the status pages. */
export interface UptimeReads {
  uptimeMany(
    ids: readonly MonitorId[],
    window: UptimeWindow,
    nowMs: number,
  ): Promise<Map<MonitorId, UptimeSummary>>;
  dailyMany(
    ids: readonly MonitorId[],
    days: number,
    nowMs: number,
  ): Promise<Map<MonitorId, DailyUptime[]>>;
}

interface SpanRow {
  readonly id: string;
  readonly checks: number | null;
  readonly failures: number | null;
  readonly latency_sum: number | null;
  readonly histogram: number[] | null;
}

interface DayRow {
  readonly id: string;
  readonly start_ms: number | null;
  readonly checks: number | null;
  readonly failures: number | null;
}

const KNOWN = 'WITH m AS (SELECT seq, id FROM monitors WHERE id = ANY ($1::uuid[]))';

/**
 * One statement per shape of spans (one level, or edges and a coarser middle). A lateral join
 * makes every part a range scan of one monitor's key, and every known monitor comes back at
 * least once (with nulls when it has no rows), so that unknown ids are told apart.
 */
function spansStatement(spans: readonly RollupSpan[]): { name: string; text: string } {
  const parts = spans.map(
    (span, i) =>
      `SELECT checks, failures, latency_sum, histogram FROM rollups_${span.level}
       WHERE monitor_seq = m.seq AND bucket_start >= $${2 * i + 2} AND bucket_start < $${2 * i + 3}`,
  );
  return {
    name: `uptime_many_${spans.map((s) => s.level).join('_')}`,
    text: `${KNOWN}
           SELECT m.id, r.checks, r.failures, r.latency_sum, r.histogram
           FROM m LEFT JOIN LATERAL (${parts.join(' UNION ALL ')}) r ON true`,
  };
}

const DAYS = {
  name: 'uptime_daily_many',
  text: `${KNOWN}
         SELECT m.id, (extract(epoch FROM r.bucket_start) * 1000)::bigint AS start_ms,
           r.checks, r.failures
         FROM m LEFT JOIN rollups_day r ON r.monitor_seq = m.seq
           AND r.bucket_start >= $2 AND r.bucket_start <= $3`,
};

const iso = (ms: number): string => new Date(ms).toISOString();

export function createUptimeReads(pool: Pool): UptimeReads {
  return {
    uptimeMany: async (ids, window, nowMs) => {
      const summaries = new Map<MonitorId, UptimeSummary>();
      const asked = [...new Set(knownShape(ids))];
      if (asked.length === 0) return summaries;
      const spans = windowSpans(window, nowMs);
      const bounds = spans.flatMap((s) => [iso(s.fromMs), iso(s.untilMs)]);
      const rows = await rowsOf<SpanRow>(pool, spansStatement(spans), [asked, ...bounds]);
      const totals = new Map<
        string,
        { checks: number; failures: number; latencySum: number; dense: Float64Array }
      >();
      for (const row of rows) {
        let into = totals.get(row.id);
        if (into === undefined) {
          into = { checks: 0, failures: 0, latencySum: 0, dense: new Float64Array(BUCKETS) };
          totals.set(row.id, into);
        }
        if (row.checks === null) continue;
        into.checks += row.checks;
        into.failures += row.failures ?? 0;
        into.latencySum += row.latency_sum ?? 0;
        addStoredHistogram(into.dense, row.histogram ?? []);
      }
      for (const [id, t] of totals) {
        summaries.set(
          id as MonitorId,
          summaryOf(window, {
            checks: t.checks,
            failures: t.failures,
            latencySum: t.latencySum,
            histogram: sparseOf(t.dense),
          }),
        );
      }
      return summaries;
    },

    dailyMany: async (ids, days, nowMs) => {
      const series = new Map<MonitorId, DailyUptime[]>();
      const asked = [...new Set(knownShape(ids))];
      if (asked.length === 0) return series;
      const { firstMs, lastMs } = dayRange(days, nowMs);
      const rows = await rowsOf<DayRow>(pool, DAYS, [asked, iso(firstMs), iso(lastMs)]);
      const counts = new Map<string, Map<number, DayCounts>>();
      for (const row of rows) {
        let byDay = counts.get(row.id);
        if (byDay === undefined) {
          byDay = new Map();
          counts.set(row.id, byDay);
        }
        if (row.start_ms !== null) {
          byDay.set(row.start_ms, { checks: row.checks ?? 0, failures: row.failures ?? 0 });
        }
      }
      for (const [id, byDay] of counts) {
        series.set(id as MonitorId, dailySeries(days, nowMs, byDay));
      }
      return series;
    },
  };
}
