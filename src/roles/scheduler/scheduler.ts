import type { CheckRequest } from '../../domain/check.js';
import { checksTopic } from '../../domain/events.js';
import { newCheckId, type MonitorId } from '../../domain/ids.js';
import type { Clock } from '../../ports/clock.js';
import type { BusMessage, EventBus, Subscription } from '../../ports/event-bus.js';
import type { Logger } from '../../ports/logger.js';
import type { Metrics } from '../../ports/metrics.js';
import type { Store } from '../../ports/store.js';
import type { Role } from '../role.js';
import { ScheduleTable, type DueCheck } from './schedule-table.js';

const yieldTurn = (): Promise<void> =>
  new Promise((resolve) => {
    setImmediate(resolve);
  });

export interface SchedulerDeps {
  readonly bus: EventBus;
  /** Read only at start and by the periodic reconcile; the scheduler never writes. */
  readonly store: Pick<Store, 'allMonitors'>;
  readonly clock: Clock;
  readonly metrics: Metrics;
  readonly logger: Logger;
}

export interface SchedulerOptions {
  /** The region whose workers receive the check requests (`checks.<region>`). */
  readonly region: string;
  /** How often the schedule is repaired from the store. Default 60 s. */
  readonly reconcileIntervalMs?: number;
  /** Consumer group on `monitors`; results are read with `<group>-results`. Default `scheduler`. */
  readonly group?: string;
}

const DEFAULT_RECONCILE_INTERVAL_MS = 60_000;
/** Monitors applied from a store read between two yields to the event loop. */
const RECONCILE_SLICE = 2_000;
/** How long `stop` waits for check requests still being published. */
const PUBLISH_GRACE_MS = 5_000;

/**
 * The scheduler role: decides when each monitor is due and publishes `check.requested`.
 *
 * It holds the schedule in memory (a heap driven by one timer) and stores nothing: at start each
 * monitor is placed at a phase derived from its id; `monitor.changed` events start, re-time, pause
 * and drop monitors; results set the retry pace of failing monitors; a periodic reconcile against
 * the store repairs anything an event did not bring. Publishing is never awaited on the timer's
 * path, so a slow bus cannot delay the slots that follow.
 */
export function createScheduler(deps: SchedulerDeps, options: SchedulerOptions): Role {
  const { bus, store, clock, metrics } = deps;
  const logger = deps.logger.child({ role: 'scheduler' });
  const group = options.group ?? 'scheduler';
  const reconcileIntervalMs = options.reconcileIntervalMs ?? DEFAULT_RECONCILE_INTERVAL_MS;
  if (!(reconcileIntervalMs > 0)) throw new RangeError('reconcileIntervalMs must be > 0');
  const topic = checksTopic(options.region);

  let table: ScheduleTable | undefined;
  let subscriptions: Subscription[] = [];
  let cancelReconcile: (() => void) | undefined;
  let reconciling: Promise<void> | undefined;
  let running = false;
  const publishing = new Set<Promise<void>>();
  /** Whether `current` is the table of a running scheduler (a stop may come at any await). */
  const isCurrent = (current: ScheduleTable): boolean => running && table === current;

  const emit = (checks: DueCheck[], nowMs: number): void => {
    const messages: BusMessage<CheckRequest>[] = [];
    for (const check of checks) {
      metrics.schedulingLateness(nowMs - check.dueAt);
      messages.push({
        key: check.monitor.id,
        value: {
          checkId: newCheckId(),
          monitorId: check.monitor.id,
          scheduledAt: check.dueAt,
          intervalMs: check.paceMs,
          region: options.region,
          probe: check.probe,
        },
      });
    }
    const sent = bus.publish(topic, messages).then(
      () => undefined,
      (error: unknown) => {
        logger.error({ err: error, checks: messages.length }, 'publishing check requests failed');
      },
    );
    publishing.add(sent);
    void sent.finally(() => publishing.delete(sent));
  };

  const publishesSettled = (): Promise<void> => {
    if (publishing.size === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const cancel = clock.setTimer(() => {
        logger.warn({ publishes: publishing.size }, 'stopped with check requests unpublished');
        resolve();
      }, PUBLISH_GRACE_MS);
      void Promise.all(publishing).then(() => {
        cancel();
        resolve();
      });
    });
  };

  /**
   * Applies a full read of the store in slices, yielding between them, so that a large read
   * (start-up, periodic reconcile) does not hold up due checks or other roles in the process.
   */
  const reconcile = async (current: ScheduleTable): Promise<void> => {
    const readStartedAtMs = clock.now();
    const monitors = await store.allMonitors();
    const present = new Set<MonitorId>();
    let added = 0;
    let updated = 0;
    for (let i = 0; i < monitors.length; i++) {
      if (i % RECONCILE_SLICE === 0 && i > 0) await yieldTurn();
      if (!isCurrent(current)) return;
      const monitor = monitors[i];
      if (monitor === undefined) continue;
      present.add(monitor.id);
      const outcome = current.applyStored(monitor);
      if (outcome === 'added') added++;
      else if (outcome === 'updated') updated++;
    }
    if (!isCurrent(current)) return;
    const removed = current.removeAbsent(present, readStartedAtMs);
    metrics.queueDepth('scheduler.monitors', current.scheduled);
    if (added + updated + removed > 0) {
      logger.info({ added, updated, removed, scheduled: current.scheduled }, 'schedule reconciled');
    }
  };

  const scheduleReconcile = (current: ScheduleTable): void => {
    cancelReconcile = clock.setTimer(() => {
      cancelReconcile = undefined;
      reconciling = reconcile(current)
        .catch((error: unknown) => {
          logger.warn({ err: error }, 'reconcile failed; retrying at the next period');
        })
        .finally(() => {
          reconciling = undefined;
          if (isCurrent(current)) scheduleReconcile(current);
        });
    }, reconcileIntervalMs);
  };

  /** Applies each message on its own: one malformed message must not block its partition. */
  const each =
    <T>(what: string, apply: (value: T) => void) =>
    (batch: readonly BusMessage<T>[]): Promise<void> => {
      for (const message of batch) {
        try {
          apply(message.value);
        } catch (error) {
          logger.error({ err: error, key: message.key }, `ignoring a ${what} message`);
        }
      }
      return Promise.resolve();
    };

  const stop = async (): Promise<void> => {
    running = false;
    cancelReconcile?.();
    cancelReconcile = undefined;
    table?.close();
    table = undefined;
    const closing = subscriptions.map((s) => s.close());
    subscriptions = [];
    await Promise.all(closing);
    await reconciling;
    await publishesSettled();
  };

  return {
    name: 'scheduler',
    stop,

    async start() {
      if (running) return;
      running = true;
      const current = new ScheduleTable(clock, emit);
      table = current;
      try {
        // Subscribe before reading the store, so that no change falls between the two; versions
        // settle which of the two is newer.
        subscriptions.push(
          await bus.subscribe(
            'monitors',
            group,
            each('monitors', (change) => {
              current.applyChange(change);
            }),
          ),
        );
        subscriptions.push(
          await bus.subscribe(
            'results',
            `${group}-results`,
            each('results', (result) => {
              current.applyResult(result);
            }),
          ),
        );
        await reconcile(current);
      } catch (error) {
        await stop();
        throw error;
      }
      // Stopped while starting: stay stopped.
      if (!isCurrent(current)) return;
      scheduleReconcile(current);
      logger.info({ scheduled: current.scheduled, region: options.region }, 'scheduler started');
    },
  };
}
