import type { CheckId, MonitorId } from './ids.js';
import type { CheckStatus } from './status.js';
import type { HttpMethod } from './monitor.js';

/** What a worker needs to run one check: a snapshot of the monitor's probe settings. */
export interface ProbeSpec {
  readonly url: string;
  readonly method: HttpMethod;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | null;
  readonly timeoutMs: number;
  readonly expectedStatus: readonly string[];
  readonly keyword: string | null;
  readonly invertKeyword: boolean;
  readonly maxLatencyMs: number | null;
  readonly followRedirects: boolean;
  readonly verifyTls: boolean;
}

/** Payload of `check.requested`. */
export interface CheckRequest {
  readonly checkId: CheckId;
  readonly monitorId: MonitorId;
  /** When the scheduler meant the check to start (ms since the epoch). */
  readonly scheduledAt: number;
  /** The monitor's interval: a request older than this when it reaches a worker is dropped. */
  readonly intervalMs: number;
  readonly region: string;
  readonly probe: ProbeSpec;
}

/** Why a check failed, as data. */
export type FailureKind =
  | 'dns'
  | 'connection_refused'
  | 'connection_reset'
  | 'timeout'
  | 'tls'
  | 'status'
  | 'keyword'
  | 'redirect'
  | 'protocol'
  | 'unknown';

export interface CheckTimings {
  readonly dnsMs: number | null;
  readonly connectMs: number | null;
  readonly tlsMs: number | null;
  readonly ttfbMs: number | null;
  readonly totalMs: number;
}

export interface TlsInfo {
  /** ISO 8601 instant the certificate expires. */
  readonly validTo: string;
  readonly daysLeft: number;
  readonly issuer: string | null;
}

/** Payload of `check.completed`, and one row of a monitor's history. */
export interface CheckResult {
  readonly id: CheckId;
  readonly monitorId: MonitorId;
  /** ISO 8601 instant the check started. */
  readonly checkedAt: string;
  readonly status: CheckStatus;
  readonly latencyMs: number;
  readonly httpStatus: number | null;
  readonly error: string | null;
  /** Machine-readable cause of a `down` result; null when up or degraded. */
  readonly failureKind: FailureKind | null;
  readonly region: string;
  readonly timings: CheckTimings;
  readonly tls: TlsInfo | null;
}
