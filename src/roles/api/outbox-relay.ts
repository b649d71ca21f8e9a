import type { Clock } from '../../ports/clock.js';
import type { EventBus } from '../../ports/event-bus.js';
import type { Logger } from '../../ports/logger.js';
import type { Store } from '../../ports/store.js';

export interface OutboxRelayDeps {
  readonly store: Store;
  readonly bus: EventBus;
  readonly clock: Clock;
  readonly logger: Logger;
}

export interface OutboxRelayOptions {
  /** How often leftovers (a failed publish, a write by a process that died) are retried. */
  readonly pollIntervalMs?: number;
  /** Entries read and published at once. */
  readonly batchSize?: number;
}

/**
 * Publishes the store's outbox of monitor changes on `monitors`, in commit order, and removes
 * each entry once the bus has acknowledged it. The api calls `flush` after each write, so a change
 * normally goes out before the response; a poll picks up whatever a failed publish or a process
 * that died after its commit left behind. Two relays (two api processes) may publish an entry
 * twice; the scheduler ignores a change it has already applied.
 */
export interface OutboxRelay {
  start(): void;
  /** Publishes everything pending now; resolves when done. Never rejects: failures are retried. */
  flush(): Promise<void>;
  stop(): Promise<void>;
}

export function createOutboxRelay(
  deps: OutboxRelayDeps,
  options: OutboxRelayOptions = {},
): OutboxRelay {
  const { store, bus, clock, logger } = deps;
  const pollIntervalMs = options.pollIntervalMs ?? 1_000;
  const batchSize = options.batchSize ?? 500;
  let running: Promise<void> | null = null;
  let requested = 0;
  let cancelTimer: (() => void) | null = null;
  let stopped = false;

  const drainOnce = async (): Promise<void> => {
    for (;;) {
      const entries = await store.pendingMonitorChanges(batchSize);
      if (entries.length === 0) return;
      await bus.publish(
        'monitors',
        entries.map(({ change }) => ({
          key: change.kind === 'deleted' ? change.monitorId : change.monitor.id,
          value: change,
        })),
      );
      await store.acknowledgeMonitorChanges(entries.map((e) => e.seq));
      if (entries.length < batchSize) return;
    }
  };

  const flush = (): Promise<void> => {
    requested++;
    // One pass at a time; a call during a pass gets a pass that starts after it.
    if (running !== null) return running;
    running = (async () => {
      let served = 0;
      while (served < requested) {
        served = requested;
        try {
          await drainOnce();
        } catch (error) {
          logger.warn({ err: error }, 'monitor changes not yet published; retrying shortly');
          return;
        }
      }
    })().finally(() => {
      running = null;
    });
    return running;
  };

  const schedule = (): void => {
    if (stopped) return;
    cancelTimer = clock.setTimer(() => {
      void flush().finally(schedule);
    }, pollIntervalMs);
  };

  return {
    start() {
      stopped = false;
      void flush();
      schedule();
    },
    flush,
    async stop() {
      stopped = true;
      cancelTimer?.();
      await running;
    },
  };
}
