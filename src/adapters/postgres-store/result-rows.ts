import type { CheckResult, FailureKind } from '../../domain/check.js';
import type { CheckId, MonitorId } from '../../domain/ids.js';
import type { CheckStatus } from '../../domain/status.js';

/** One row of `results` as read back: every field a column, so history parses no JSON. */
export interface ResultRow {
  readonly id: string;
  readonly monitor_id: string;
  readonly checked_at: string;
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

/** Stored columns with their SQL types, in table order. */
export const RESULT_COLUMNS = [
  ['monitor_seq', 'integer'],
  ['checked_at', 'timestamptz'],
  ['id', 'uuid'],
  ['status', 'text'],
  ['latency_ms', 'double precision'],
  ['http_status', 'integer'],
  ['error', 'text'],
  ['failure_kind', 'text'],
  ['region', 'text'],
  ['dns_ms', 'double precision'],
  ['connect_ms', 'double precision'],
  ['tls_ms', 'double precision'],
  ['ttfb_ms', 'double precision'],
  ['total_ms', 'double precision'],
  ['tls_valid_to', 'text'],
  ['tls_days_left', 'double precision'],
  ['tls_issuer', 'text'],
] as const;

/** The columns of a ResultRow from results `r` joined to monitors `m` (for the monitor's id). */
export const RESULT_SELECT = [
  'r.id',
  'm.id AS monitor_id',
  ...RESULT_COLUMNS.slice(1)
    .map(([c]) => c)
    .filter((c) => c !== 'id')
    .map((c) => `r.${c}`),
].join(', ');

/** A stored field: what the driver sends for it (null for NULL). */
export type ResultField = string | number | null;

/**
 * PostgreSQL text cannot hold U+0000. A result is data about someone else's server and must
 * never make its batch fail, so the character is dropped from its strings.
 */
export const pgText = (s: string): string => (s.includes('\0') ? s.replaceAll('\0', '') : s);
const pgTextOrNull = (s: string | null): string | null => (s === null ? null : pgText(s));

/** The stored fields of one result, in RESULT_COLUMNS order. */
export function resultFields(r: CheckResult, monitorSeq: number): ResultField[] {
  const t = r.timings;
  const tls = r.tls;
  return [
    monitorSeq,
    r.checkedAt,
    r.id,
    r.status,
    r.latencyMs,
    r.httpStatus,
    pgTextOrNull(r.error),
    r.failureKind,
    pgText(r.region),
    t.dnsMs,
    t.connectMs,
    t.tlsMs,
    t.ttfbMs,
    t.totalMs,
    tls === null ? null : pgText(tls.validTo),
    tls === null ? null : tls.daysLeft,
    tls === null ? null : pgTextOrNull(tls.issuer),
  ];
}

export function resultFromRow(row: ResultRow): CheckResult {
  return {
    id: row.id as CheckId,
    monitorId: row.monitor_id as MonitorId,
    checkedAt: row.checked_at,
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
