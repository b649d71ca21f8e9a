import type { Clock } from '../../ports/clock.js';
import type { Logger } from '../../ports/logger.js';
import type { DropReason, Metrics } from '../../ports/metrics.js';

export interface DropSummary {
  /** Counts one dropped request; logged later with the others. */
  note(reason: DropReason): void;
  /** Logs what is counted and not yet logged, at once. */
  flush(): void;
}

/**
 * Counts dropped check requests for the metrics at once, and logs them as one summary line at
 * most every `intervalMs`: under overload thousands of requests may be dropped per second, and a
 * line per request would bury everything else in the log.
 */
export function createDropSummary(
  deps: { readonly clock: Clock; readonly logger: Logger; readonly metrics: Metrics },
  intervalMs = 5_000,
): DropSummary {
  const { clock, logger, metrics } = deps;
  let counts: Record<DropReason, number> = { stale: 0, overlap: 0, shutdown: 0 };
  let lastLoggedAt = Number.NEGATIVE_INFINITY;
  let cancelTimer: (() => void) | null = null;

  const flush = (): void => {
    cancelTimer?.();
    cancelTimer = null;
    const total = counts.stale + counts.overlap + counts.shutdown;
    if (total === 0) return;
    lastLoggedAt = clock.now();
    logger.warn(
      { dropped: total, ...counts },
      `dropped ${total} check request${total === 1 ? '' : 's'} (stale: too old when due to start; overlap: the previous check of the monitor still running)`,
    );
    counts = { stale: 0, overlap: 0, shutdown: 0 };
  };

  return {
    note(reason) {
      metrics.checkDropped(reason);
      counts[reason] += 1;
      if (cancelTimer !== null) return;
      const wait = lastLoggedAt + intervalMs - clock.now();
      if (wait <= 0) flush();
      else cancelTimer = clock.setTimer(flush, wait);
    },
    flush,
  };
}
