import type { Clock } from '../ports/clock.js';

export interface FailureLimiterOptions {
  readonly maxFailures: number;
  readonly windowMs: number;
  readonly clock: Clock;
  /** Bound on the addresses remembered, so that a flood of addresses cannot exhaust memory. */
  readonly maxKeys?: number;
}

/**
 * Counts failures per key (a client address) over a sliding window. A key is blocked while it
 * has `maxFailures` failures within the last `windowMs`; only failures count, so a blocked
 * client stays blocked until its failures age out, whatever it sends meanwhile.
 */
export interface FailureLimiter {
  isBlocked(key: string): boolean;
  /** Seconds until `key` is no longer blocked; 0 when it is not. */
  retryAfterSeconds(key: string): number;
  recordFailure(key: string): void;
}

export function createFailureLimiter(options: FailureLimiterOptions): FailureLimiter {
  const { maxFailures, windowMs, clock } = options;
  const maxKeys = options.maxKeys ?? 100_000;
  // Newest last; at most `maxFailures` instants per key.
  const failures = new Map<string, number[]>();

  const recent = (key: string): number[] => {
    const list = failures.get(key);
    if (list === undefined) return [];
    const horizon = clock.now() - windowMs;
    const kept = list.filter((at) => at > horizon);
    if (kept.length === 0) failures.delete(key);
    else if (kept.length !== list.length) failures.set(key, kept);
    return kept;
  };

  const evict = (): void => {
    for (const key of failures.keys()) recent(key);
    // Still full: forget the keys that failed longest ago (Map keeps insertion order).
    for (const key of failures.keys()) {
      if (failures.size < maxKeys) break;
      failures.delete(key);
    }
  };

  return {
    isBlocked: (key) => recent(key).length >= maxFailures,

    retryAfterSeconds(key) {
      const list = recent(key);
      const oldest = list[0];
      if (list.length < maxFailures || oldest === undefined) return 0;
      return Math.max(1, Math.ceil((oldest + windowMs - clock.now()) / 1000));
    },

    recordFailure(key) {
      const list = recent(key);
      if (list.length === 0 && failures.size >= maxKeys) evict();
      list.push(clock.now());
      if (list.length > maxFailures) list.shift();
      // Re-inserting moves the key to the end, so eviction drops the quietest keys first.
      failures.delete(key);
      failures.set(key, list);
    },
  };
}
