import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { Worker } from 'node:worker_threads';
import type { CheckRequest, CheckResult } from '../../domain/check.js';
import type { Checker } from '../../ports/checker.js';
import type { Logger } from '../../ports/logger.js';
import { bareFailureResult } from './check-result.js';
import { spawnCheckerThread } from './spawn-checker-thread.js';
import type { ChecksDone, RunChecks } from './thread-messages.js';

export interface ThreadPoolCheckerOptions {
  /** Checker threads. Default: `os.availableParallelism()`. */
  readonly threads?: number;
  /**
   * Checks one thread runs at once. Past this, checks wait in the pool (untimed) instead of in
   * the thread's event loop, where waiting would be counted as the target's latency.
   */
  readonly concurrencyPerThread?: number;
  readonly logger?: Logger;
  /** Starts one thread; tests replace it to make threads fail. Default: a checker thread. */
  readonly spawnThread?: () => Worker;
}

/**
 * Measured with 2 threads on 2 shared cores against a local target answering in 50 ms
 * (docs/benchmarks.md): 32 per thread keeps p95 near 60 ms only by running a third to a half of
 * the checks offered above 1k/s; 64 runs all of them up to ~1k/s with p95 56 ms and most of them
 * at 2k/s; 128 and more inflate p95 to 80–190 ms on a busy machine, the extra being time spent
 * waiting in a busy event loop, not in the target. UPTIME_CHECKER_CONCURRENCY sets it.
 */
export const DEFAULT_CONCURRENCY_PER_THREAD = 64;
const DEFAULT_GRACE_MS = 10_000;
const QUICK_CRASH_MS = 1_000;
const MAX_RESTART_DELAY_MS = 5_000;

export class CheckerClosedError extends Error {
  readonly code = 'CHECKER_CLOSED';
  constructor(message = 'checker is closed') {
    super(message);
    this.name = 'CheckerClosedError';
  }
}

interface Pending {
  readonly request: CheckRequest;
  readonly resolve: (result: CheckResult) => void;
  readonly reject: (error: Error) => void;
  /** Epoch ms and `performance.now()` when it was handed to a thread. */
  dispatchedAtMs: number;
  dispatchedAt: number;
}

interface Slot {
  readonly worker: Worker;
  readonly spawnedAt: number;
  readonly inFlight: Map<number, Pending>;
  outbox: RunChecks['items'][number][];
  lastError: Error | null;
}

/**
 * A Checker running checks in worker threads, so that nothing else in the process (API, store,
 * evaluation) delays a check or distorts its timing. Each check goes to the least-loaded thread;
 * a thread runs at most `concurrencyPerThread` at once. A thread that dies is a bug: its checks
 * end as `down` ("checker failed: …") and it is replaced. Idle threads do not keep the process
 * alive.
 */
export function createThreadPoolChecker(options: ThreadPoolCheckerOptions = {}): Checker {
  const threads = options.threads ?? availableParallelism();
  const concurrency = options.concurrencyPerThread ?? DEFAULT_CONCURRENCY_PER_THREAD;
  if (!Number.isInteger(threads) || threads < 1) {
    throw new RangeError('threads must be an integer >= 1');
  }
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError('concurrencyPerThread must be an integer >= 1');
  }
  const logger = options.logger;
  const spawnThread = options.spawnThread ?? spawnCheckerThread;

  const slots: Slot[] = [];
  const waiting: Pending[] = [];
  const restartTimers = new Set<NodeJS.Timeout>();
  let seq = 0;
  let quickCrashes = 0;
  let closed = false;
  let terminating = false;
  let closing: Promise<void> | null = null;
  let onDrained: (() => void) | null = null;

  const inFlightCount = (): number => slots.reduce((n, s) => n + s.inFlight.size, 0);

  function spawn(): void {
    const slot: Slot = {
      worker: spawnThread(),
      spawnedAt: performance.now(),
      inFlight: new Map(),
      outbox: [],
      lastError: null,
    };
    slot.worker.on('message', (message: ChecksDone) => {
      settle(slot, message);
    });
    slot.worker.on('error', (error) => {
      slot.lastError = error;
    });
    slot.worker.on('exit', (code) => {
      replace(slot, code);
    });
    // After the listeners: adding a 'message' listener refs the thread's port again.
    slot.worker.unref();
    slots.push(slot);
  }

  function leastLoaded(): Slot | undefined {
    let best: Slot | undefined;
    for (const slot of slots) {
      if (
        slot.inFlight.size < concurrency &&
        (best === undefined || slot.inFlight.size < best.inFlight.size)
      ) {
        best = slot;
      }
    }
    return best;
  }

  function pump(): void {
    while (waiting.length > 0) {
      const slot = leastLoaded();
      if (slot === undefined) return;
      const pending = waiting.shift();
      if (pending === undefined) return;
      dispatch(slot, pending);
    }
  }

  function dispatch(slot: Slot, pending: Pending): void {
    seq += 1;
    pending.dispatchedAtMs = Date.now();
    pending.dispatchedAt = performance.now();
    slot.inFlight.set(seq, pending);
    if (slot.inFlight.size === 1) slot.worker.ref();
    slot.outbox.push({ seq, request: pending.request });
    if (slot.outbox.length === 1) {
      // Checks dispatched in the same synchronous run share one message.
      queueMicrotask(() => {
        flush(slot);
      });
    }
  }

  function flush(slot: Slot): void {
    const message: RunChecks = { type: 'run', items: slot.outbox };
    slot.outbox = [];
    if (message.items.length === 0) return;
    try {
      slot.worker.postMessage(message);
    } catch (error) {
      // Only a request that cannot be copied to a thread gets here; the rest of the batch
      // is sent again one by one so that it alone fails.
      if (message.items.length > 1) {
        for (const item of message.items) {
          slot.outbox = [item];
          flush(slot);
        }
        return;
      }
      const reason = error instanceof Error ? error.message : String(error);
      failInFlight(
        slot,
        message.items.map((item) => item.seq),
        `checker failed: ${reason}`,
      );
      progressed();
    }
  }

  /** Resolves checks of a thread as `down`: the last resort when the thread cannot run them. */
  function failInFlight(slot: Slot, seqs: Iterable<number>, message: string): void {
    for (const done of [...seqs]) {
      const pending = slot.inFlight.get(done);
      if (pending === undefined) continue;
      slot.inFlight.delete(done);
      const elapsedMs = performance.now() - pending.dispatchedAt;
      pending.resolve(
        bareFailureResult(pending.request, pending.dispatchedAtMs, elapsedMs, {
          kind: 'unknown',
          message,
        }),
      );
    }
    if (slot.inFlight.size === 0) slot.worker.unref();
  }

  function settle(slot: Slot, message: ChecksDone): void {
    for (const { seq: done, result } of message.items) {
      const pending = slot.inFlight.get(done);
      if (pending === undefined) continue;
      slot.inFlight.delete(done);
      pending.resolve(result);
    }
    if (slot.inFlight.size === 0) slot.worker.unref();
    progressed();
  }

  /** After checks ended: start waiting ones, and tell a closing pool when all are done. */
  function progressed(): void {
    pump();
    if (onDrained !== null && waiting.length === 0 && inFlightCount() === 0) onDrained();
  }

  function replace(slot: Slot, code: number): void {
    const index = slots.indexOf(slot);
    if (index !== -1) slots.splice(index, 1);
    if (terminating) return;
    const reason = slot.lastError?.message ?? `thread exited with code ${code}`;
    logger?.error(
      { err: slot.lastError, inFlight: slot.inFlight.size },
      `checker thread failed: ${reason}`,
    );
    failInFlight(slot, slot.inFlight.keys(), `checker failed: ${reason}`);
    // A thread that dies at once (say, its entry cannot load) is restarted ever more slowly.
    quickCrashes = performance.now() - slot.spawnedAt < QUICK_CRASH_MS ? quickCrashes + 1 : 0;
    const delay =
      quickCrashes === 0 ? 0 : Math.min(MAX_RESTART_DELAY_MS, 100 * 2 ** (quickCrashes - 1));
    const timer = setTimeout(() => {
      restartTimers.delete(timer);
      if (terminating) return;
      spawn();
      pump();
    }, delay);
    restartTimers.add(timer);
    progressed();
  }

  for (let i = 0; i < threads; i++) spawn();

  return {
    capacity: threads * concurrency,

    check(request) {
      if (closed) return Promise.reject(new CheckerClosedError());
      return new Promise<CheckResult>((resolve, reject) => {
        waiting.push({ request, resolve, reject, dispatchedAtMs: 0, dispatchedAt: 0 });
        pump();
      });
    },

    close(graceMs = DEFAULT_GRACE_MS) {
      closed = true;
      closing ??= (async () => {
        if (waiting.length > 0 || inFlightCount() > 0) {
          let graceTimer: NodeJS.Timeout | undefined;
          await new Promise<void>((resolve) => {
            onDrained = resolve;
            graceTimer = setTimeout(resolve, graceMs);
          });
          clearTimeout(graceTimer);
        }
        terminating = true;
        for (const timer of restartTimers) clearTimeout(timer);
        restartTimers.clear();
        const unfinished = [
          ...waiting.splice(0),
          ...slots.flatMap((s) => [...s.inFlight.values()]),
        ];
        for (const pending of unfinished) {
          pending.reject(new CheckerClosedError('checker closed before the check finished'));
        }
        await Promise.all(slots.map((s) => s.worker.terminate()));
      })();
      return closing;
    },
  };
}
