/**
 * What the service recorded in a window, read from its store (DATA_DIR/uptime.db, read-only,
 * after the service has stopped): checks, outcomes, latency, and the gaps between consecutive
 * checks of each monitor.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';

export interface WindowStats {
  /** Results whose `checkedAt` falls in the window. */
  readonly checks: number;
  readonly checksPerSec: number;
  readonly byStatus: Readonly<Record<string, number>>;
  /** Monitors with at least one check in the window. */
  readonly monitorsChecked: number;
  readonly latencyMs: Percentiles;
  /** Gaps between consecutive checks of a monitor (the later one in the window), ms. */
  readonly gapMs: Percentiles & { readonly count: number };
  /** Monitors whose last check was longer ago than `overdueMs` at the end of the window. */
  readonly overdueAtEnd: number;
}

export interface Percentiles {
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

/** Nearest-rank percentile of an ascending array; NaN when empty. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

export function percentiles(values: Float64Array | number[]): Percentiles {
  const sorted = Float64Array.from(values).sort();
  return {
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.length === 0 ? Number.NaN : (sorted[sorted.length - 1] ?? Number.NaN),
  };
}

interface Row {
  readonly seq: number;
  readonly at: number;
  readonly status: string;
  readonly latency: number;
}

/**
 * Reads results with `checked_at` in [fromMs, toMs). Gaps count from the last check before the
 * window (up to `lookbackMs` earlier); a monitor not checked for more than `overdueMs` at the end
 * of the window adds that open gap too, so that a monitor that stopped being checked cannot hide.
 */
export function readWindow(
  dataDir: string,
  fromMs: number,
  toMs: number,
  options: { lookbackMs: number; overdueMs: number },
): WindowStats {
  const db = new Database(join(dataDir, 'uptime.db'), { readonly: true, fileMustExist: true });
  try {
    const rows = db
      .prepare(
        `SELECT monitor_seq AS seq, checked_at AS at, status, latency_ms AS latency
           FROM results WHERE checked_at >= ? AND checked_at < ?
          ORDER BY monitor_seq, checked_at`,
      )
      .all(fromMs - options.lookbackMs, toMs) as Row[];
    const byStatus: Record<string, number> = {};
    const latencies: number[] = [];
    const gaps: number[] = [];
    const monitors = new Set<number>();
    let overdueAtEnd = 0;
    let previous: Row | undefined;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i] as Row;
      if (row.at >= fromMs) {
        byStatus[row.status] = (byStatus[row.status] ?? 0) + 1;
        latencies.push(row.latency);
        monitors.add(row.seq);
        if (previous?.seq === row.seq) gaps.push(row.at - previous.at);
      }
      const next = rows[i + 1];
      if ((next === undefined || next.seq !== row.seq) && toMs - row.at > options.overdueMs) {
        gaps.push(toMs - row.at);
        overdueAtEnd += 1;
      }
      previous = row;
    }
    const seconds = (toMs - fromMs) / 1000;
    return {
      checks: latencies.length,
      checksPerSec: latencies.length / seconds,
      byStatus,
      monitorsChecked: monitors.size,
      latencyMs: percentiles(latencies),
      gapMs: { ...percentiles(gaps), count: gaps.length },
      overdueAtEnd,
    };
  } finally {
    db.close();
  }
}
