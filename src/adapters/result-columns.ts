import type { CheckResult, FailureKind } from '../domain/check.js';
import type { CheckId, MonitorId } from '../domain/ids.js';
import type { CheckStatus } from '../domain/status.js';

/** The columns of a stored result, as both Store adapters name them; `checked_at` is theirs. */
export interface ResultColumns<Instant> {
  readonly id: string;
  readonly monitor_id: string;
  readonly checked_at: Instant;
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

/** A check result from its stored columns, with `checkedAt` already as ISO 8601. */
export function resultFromColumns(row: ResultColumns<unknown>, checkedAt: string): CheckResult {
  return {
    id: row.id as CheckId,
    monitorId: row.monitor_id as MonitorId,
    checkedAt,
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
