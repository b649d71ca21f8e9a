import type { CheckResult } from '../../domain/check.js';
import { resultFromColumns, type ResultColumns } from '../result-columns.js';
import { arrayLiteral, type SqlValue } from './sql-arrays.js';

/** One row of `results` as read back: every field a column, so history parses no JSON. */
export type ResultRow = ResultColumns<string>;

/**
 * PostgreSQL text cannot hold U+0000. A result is data about someone else's server and must
 * never make its batch fail, so the character is dropped from its strings.
 */
export const pgText = (s: string): string => (s.includes('\0') ? s.replaceAll('\0', '') : s);
const pgTextOrNull = (s: string | null): string | null => (s === null ? null : pgText(s));

interface Column {
  readonly name: string;
  readonly type: string;
  readonly value: (r: CheckResult, monitorSeq: number) => SqlValue;
}

/** Stored columns in table order: name, SQL type, and the value each result gives it. */
export const RESULT_COLUMNS: readonly Column[] = [
  { name: 'monitor_seq', type: 'integer', value: (_, seq) => seq },
  { name: 'checked_at', type: 'timestamptz', value: (r) => r.checkedAt },
  { name: 'id', type: 'uuid', value: (r) => r.id },
  { name: 'status', type: 'text', value: (r) => r.status },
  { name: 'latency_ms', type: 'double precision', value: (r) => r.latencyMs },
  { name: 'http_status', type: 'integer', value: (r) => r.httpStatus },
  { name: 'error', type: 'text', value: (r) => pgTextOrNull(r.error) },
  { name: 'failure_kind', type: 'text', value: (r) => r.failureKind },
  { name: 'region', type: 'text', value: (r) => pgText(r.region) },
  { name: 'dns_ms', type: 'double precision', value: (r) => r.timings.dnsMs },
  { name: 'connect_ms', type: 'double precision', value: (r) => r.timings.connectMs },
  { name: 'tls_ms', type: 'double precision', value: (r) => r.timings.tlsMs },
  { name: 'ttfb_ms', type: 'double precision', value: (r) => r.timings.ttfbMs },
  { name: 'total_ms', type: 'double precision', value: (r) => r.timings.totalMs },
  { name: 'tls_valid_to', type: 'text', value: (r) => pgTextOrNull(r.tls?.validTo ?? null) },
  { name: 'tls_days_left', type: 'double precision', value: (r) => r.tls?.daysLeft ?? null },
  { name: 'tls_issuer', type: 'text', value: (r) => pgTextOrNull(r.tls?.issuer ?? null) },
];

/** The batch as one array literal per stored column, in RESULT_COLUMNS order, for `unnest`. */
export function resultColumnLiterals(
  results: readonly { readonly result: CheckResult; readonly monitorSeq: number }[],
): string[] {
  return RESULT_COLUMNS.map((column) =>
    arrayLiteral(results.map(({ result, monitorSeq }) => column.value(result, monitorSeq))),
  );
}

/** The columns of a ResultRow from results `r` joined to monitors `m` (for the monitor's id). */
export const RESULT_SELECT = [
  'r.id',
  'm.id AS monitor_id',
  ...RESULT_COLUMNS.map((c) => c.name)
    .filter((c) => c !== 'monitor_seq' && c !== 'id')
    .map((c) => `r.${c}`),
].join(', ');

export function resultFromRow(row: ResultRow): CheckResult {
  return resultFromColumns(row, row.checked_at);
}
