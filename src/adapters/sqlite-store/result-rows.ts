import type { CheckResult } from '../../domain/check.js';
import { resultFromColumns, type ResultColumns } from '../result-columns.js';

/** One row of `results`: every field a column, so that reading history parses no JSON. */
export type ResultRow = ResultColumns<number>;

/** Stored columns after `id` and `monitor_seq`, in the order of `resultParams`. */
const DATA_COLUMNS = [
  'checked_at',
  'status',
  'latency_ms',
  'http_status',
  'error',
  'failure_kind',
  'region',
  'dns_ms',
  'connect_ms',
  'tls_ms',
  'ttfb_ms',
  'total_ms',
  'tls_valid_to',
  'tls_days_left',
  'tls_issuer',
] as const;

/**
 * The columns of a ResultRow, from results aliased `r` joined to monitors aliased `m` (results
 * refer to their monitor by `seq`; the id comes from the monitor).
 */
export const RESULT_COLUMNS = [
  'r.id',
  'm.id AS monitor_id',
  ...DATA_COLUMNS.map((c) => `r.${c}`),
].join(', ');

export const RESULT_INSERT_SQL = `INSERT INTO results (id, monitor_seq, ${DATA_COLUMNS.join(', ')})
  VALUES (?, ?, ${DATA_COLUMNS.map(() => '?').join(', ')})
  ON CONFLICT (id) DO NOTHING`;

export type ResultParams = [
  string,
  number,
  number,
  string,
  number,
  number | null,
  string | null,
  string | null,
  string,
  number | null,
  number | null,
  number | null,
  number | null,
  number,
  string | null,
  number | null,
  string | null,
];

export function resultParams(
  r: CheckResult,
  monitorSeq: number,
  checkedAtMs: number,
): ResultParams {
  const t = r.timings;
  const tls = r.tls;
  return [
    r.id,
    monitorSeq,
    checkedAtMs,
    r.status,
    r.latencyMs,
    r.httpStatus,
    r.error,
    r.failureKind,
    r.region,
    t.dnsMs,
    t.connectMs,
    t.tlsMs,
    t.ttfbMs,
    t.totalMs,
    tls === null ? null : tls.validTo,
    tls === null ? null : tls.daysLeft,
    tls === null ? null : tls.issuer,
  ];
}

export function resultFromRow(row: ResultRow): CheckResult {
  return resultFromColumns(row, new Date(row.checked_at).toISOString());
}
