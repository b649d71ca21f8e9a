import type { CheckRequest, CheckResult } from '../domain/check.js';

/**
 * Runs checks. Every request gets a result: failures (DNS, refused, reset, timeout, TLS,
 * status, keyword) are results with `status: "down"`, never rejections. A check never runs past
 * its `probe.timeoutMs`, body included. `check` rejects only when the checker is closed.
 *
 * `capacity` is how many checks may run at once without queueing inside the checker (which
 * would distort their timings); callers keep at most that many in flight and queue the rest.
 */
export interface Checker {
  readonly capacity: number;
  check(request: CheckRequest): Promise<CheckResult>;
  /** Lets running checks finish (at most `graceMs`), then stops. */
  close(graceMs?: number): Promise<void>;
}
