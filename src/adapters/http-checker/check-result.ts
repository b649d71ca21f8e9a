import type {
  CheckRequest,
  CheckResult,
  CheckTimings,
  FailureKind,
  TlsInfo,
} from '../../domain/check.js';
import type { CheckStatus } from '../../domain/status.js';

/** Why a check failed: the machine-readable kind and a sentence a person understands. */
export interface Failure {
  readonly kind: FailureKind;
  readonly message: string;
}

/** Durations are reported in milliseconds with one decimal: enough for loopback checks. */
export function roundMs(ms: number): number {
  return Math.round(ms * 10) / 10;
}

export interface ResultFields {
  readonly checkedAtMs: number;
  readonly status: CheckStatus;
  readonly latencyMs: number;
  readonly httpStatus: number | null;
  readonly error: string | null;
  readonly failureKind: FailureKind | null;
  readonly timings: CheckTimings;
  readonly tls: TlsInfo | null;
}

export function buildResult(request: CheckRequest, fields: ResultFields): CheckResult {
  return {
    id: request.checkId,
    monitorId: request.monitorId,
    checkedAt: new Date(fields.checkedAtMs).toISOString(),
    status: fields.status,
    latencyMs: roundMs(fields.latencyMs),
    httpStatus: fields.httpStatus,
    error: fields.error,
    failureKind: fields.failureKind,
    region: request.region,
    timings: fields.timings,
    tls: fields.tls,
  };
}

/**
 * A `down` result for a check that produced nothing but a failure (no connection phase was
 * measured), e.g. when the thread running it died.
 */
export function bareFailureResult(
  request: CheckRequest,
  checkedAtMs: number,
  elapsedMs: number,
  failure: Failure,
): CheckResult {
  return buildResult(request, {
    checkedAtMs,
    status: 'down',
    latencyMs: elapsedMs,
    httpStatus: null,
    error: failure.message,
    failureKind: failure.kind,
    timings: {
      dnsMs: null,
      connectMs: null,
      tlsMs: null,
      ttfbMs: null,
      totalMs: roundMs(elapsedMs),
    },
    tls: null,
  });
}
