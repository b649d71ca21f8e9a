import type { CheckStatus } from '../domain/status.js';

export type DropReason = 'stale' | 'overlap' | 'shutdown';

/**
 * What roles report for `/metrics`. Roles call these; the adapter (prom-client) decides names
 * and buckets. Every method is cheap and synchronous.
 */
export interface Metrics {
  checkCompleted(status: CheckStatus, durationMs: number): void;
  /** A check request that was not run: too old when it reached a worker, or overlapping. */
  checkDropped(reason: DropReason): void;
  /** How late the scheduler emitted a check against its due time. */
  schedulingLateness(ms: number): void;
  /** Current depth of a named queue (`checks.waiting`, `checks.in_flight`, `recorder.pending`, …). */
  queueDepth(queue: string, depth: number): void;
  resultsRecorded(count: number): void;
  notificationAttempt(outcome: 'delivered' | 'retry' | 'failed'): void;
}

export const noopMetrics: Metrics = {
  checkCompleted: () => undefined,
  checkDropped: () => undefined,
  schedulingLateness: () => undefined,
  queueDepth: () => undefined,
  resultsRecorded: () => undefined,
  notificationAttempt: () => undefined,
};
