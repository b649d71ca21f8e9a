import type { CheckResult, FailureKind } from '../../domain/check.js';
import type { CheckId, MonitorId } from '../../domain/ids.js';
import type { CheckStatus } from '../../domain/status.js';

/** One row of `results`: every field a column, so that reading history parses no JSON. */
export interface ResultRow {
  readonly id: string;
  readonly monitor_id: string;
  readonly checked_at: number;
  readonly status: string;
  readonly latency_ms: number;
  readonly http_status: number | null;
  readonly error: string | null;
  readonly failure_kind: string | null;
  readonly region: string;
  readonly dns_ms: number | null;
  readonly connect_ms: number | null;
  readonly tls_ms: number | null;
  readonly ttfb_ms: number | null;
  readonly total_ms: number;
  readonly tls_valid_to: string | null;
  readonly tls_days_left: number | null;
  readonly tls_issuer: string | null;
}

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
  return {
    id: row.id as CheckId,
    monitorId: row.monitor_id as MonitorId,
    checkedAt: new Date(row.checked_at).toISOString(),
    status: row.status as CheckStatus,
    latencyMs: row.latency_ms,
    httpStatus: row.http_status,
    error: row.error,
    failureKind: row.failure_kind as FailureKind | null,
    region: row.region,
    timings: {
      dnsMs: row.dns_ms,
      connectMs: row.connect_ms,
      tlsMs: row.tls_ms,
      ttfbMs: row.ttfb_ms,
      totalMs: row.total_ms,
    },
    tls:
      row.tls_valid_to === null
        ? null
        : { validTo: row.tls_valid_to, daysLeft: row.tls_days_left ?? 0, issuer: row.tls_issuer },
  };
}
