/**
 * What the distributed deployment recorded in a window, read from its PostgreSQL store (schema of
 * src/adapters/postgres-store/migrations.ts): the same statistics as sqlite-results.ts, and the
 * bytes each stored row takes.
 */
import type pg from 'pg';
import { percentiles, type WindowStats } from './sqlite-results.js';

interface Row {
  readonly seq: number;
  readonly at: number;
  readonly status: string;
  readonly latency: number;
}

/** Results with `checked_at` in [fromMs, toMs). */
export async function countResults(
  client: pg.Client,
  fromMs: number,
  toMs: number,
): Promise<number> {
  const { rows } = await client.query<{ n: string }>(
    `SELECT count(*) AS n FROM results
      WHERE checked_at >= to_timestamp($1::float8 / 1000) AND checked_at < to_timestamp($2::float8 / 1000)`,
    [fromMs, toMs],
  );
  return Number(rows[0]?.n ?? 0);
}

/**
 * Like readWindow of sqlite-results.ts: gaps count from the last check before the window (up to
 * `lookbackMs` earlier), and a monitor not checked for more than `overdueMs` at the end of the
 * window adds that open gap.
 */
export async function readPgWindow(
  client: pg.Client,
  fromMs: number,
  toMs: number,
  options: { lookbackMs: number; overdueMs: number },
): Promise<WindowStats> {
  const { rows } = await client.query<Row>(
    `SELECT monitor_seq AS seq, (extract(epoch FROM checked_at) * 1000)::float8 AS at,
            status, latency_ms AS latency
       FROM results
      WHERE checked_at >= to_timestamp($1::float8 / 1000) AND checked_at < to_timestamp($2::float8 / 1000)
      ORDER BY monitor_seq, checked_at`,
    [fromMs - options.lookbackMs, toMs],
  );
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
}

export interface TableSize {
  readonly table: string;
  readonly rows: number;
  /** pg_total_relation_size (heap, indexes, TOAST) summed over the table's partitions. */
  readonly bytes: number;
  readonly bytesPerRow: number;
  /** Mean cardinality of `histogram` (2 per latency bucket present); roll-ups only. */
  readonly histogramInts: number | null;
}

/** Rows and bytes of a table, partitioned or not (a partitioned parent holds no bytes itself). */
export async function tableSize(client: pg.Client, table: string): Promise<TableSize> {
  const { rows: sizeRows } = await client.query<{ bytes: string }>(
    `SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) AS bytes
       FROM pg_class c
      WHERE c.oid = $1::regclass
         OR c.oid IN (SELECT inhrelid FROM pg_inherits WHERE inhparent = $1::regclass)`,
    [table],
  );
  const { rows: countRows } = await client.query<{ n: string; ints: string | null }>(
    table.includes('rollups_')
      ? `SELECT count(*) AS n, avg(cardinality(histogram)) AS ints FROM ${table}`
      : `SELECT count(*) AS n, NULL AS ints FROM ${table}`,
  );
  const bytes = Number(sizeRows[0]?.bytes ?? 0);
  const count = Number(countRows[0]?.n ?? 0);
  const ints = countRows[0]?.ints;
  return {
    table,
    rows: count,
    bytes,
    bytesPerRow: count === 0 ? Number.NaN : bytes / count,
    histogramInts: ints === null || ints === undefined ? null : Number(ints),
  };
}

/** Process ids of the server backends connected to `database`, for their CPU from /proc. */
export async function backendPids(client: pg.Client, database: string): Promise<number[]> {
  const { rows } = await client.query<{ pid: number }>(
    'SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
    [database],
  );
  return rows.map((r) => r.pid);
}
