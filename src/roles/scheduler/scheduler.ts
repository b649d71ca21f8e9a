import type { CheckRequest } from '../../domain/check.js';
import { checksTopic } from '../../domain/events.js';
import { newCheckId, uuidv7, type MonitorId } from '../../domain/ids.js';
import type { Clock } from '../../ports/clock.js';
import type { BusMessage, EventBus, Subscription } from '../../ports/event-bus.js';
import type { Logger } from '../../ports/logger.js';
import type { Metrics } from '../../ports/metrics.js';
import type { Store } from '../../ports/store.js';
import type { Role } from '../role.js';
import { ScheduleTable, type DueCheck } from './schedule-table.js';
import { Shard } from './shard.js';

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
  /**
   * Consumer group on `monitors`: the schedulers sharing it share the monitors, each scheduling
   * those of the partitions assigned to it. Default `scheduler`.
   */
  readonly group?: string;
  /**
   * Names this scheduler's own group on `results`, `<group>-results-<instanceId>`. Default: a
   * random id, new for every scheduler created.
   */
  readonly instanceId?: string;
}

const DEFAULT_RECONCILE_INTERVAL_MS = 60_000;
/** Monitors applied from a store read between two yields to the event loop. */
const RECONCILE_SLICE = 2_000;
/** How long `stop` waits for check requests still being published. */
const PUBLISH_GRACE_MS = 5_000;

/** One run of the scheduler, from start to stop: its schedule and the shard it serves. */
interface Run {
  readonly table: ScheduleTable;
  readonly shard: Shard;
}

interface ReadOutcome {
  readonly added: number;
  readonly updated: number;
  readonly removed: number;
}

/**
 * The scheduler role: decides when each monitor is due and publishes `check.requested`.
 *
 * It holds the schedule in memory (a heap driven by one timer) and stores nothing: at start each
 * monitor is placed at a phase derived from its id; `monitor.changed` events start, re-time, pause
 * and drop monitors; results set the retry pace of failing monitors; a periodic reconcile against
 * the store repairs anything an event did not bring. Publishing is never awaited on the timer's
 * path, so a slow bus cannot delay the slots that follow.
 *
 * Sharding: a scheduler schedules only the monitors of the `monitors` partitions its group
 * assigned to it (`onAssignment`). Gaining partitions loads their monitors from the store, placed
 * by phase as after a restart (so a takeover checks each within its interval and never fires a
 * burst); losing partitions drops theirs. Every read of the store applies only owned monitors.
 * Alone in its group (as in the embedded default) it owns every partition and schedules all.
 *
 * Results come through a group of its own, so every scheduler sees every result and ignores
 * those of monitors it does not schedule: the partitions of `results` are assigned independently
 * of those of `monitors`, so sharing one group would give a scheduler the results of monitors
 * another one schedules, and withhold some of its own.
 */
export function createScheduler(deps: SchedulerDeps, options: SchedulerOptions): Role {
  const { bus, store, clock, metrics } = deps;
  const logger = deps.logger;
  const group = options.group ?? 'scheduler';
  const resultsGroup = `${group}-results-${options.instanceId ?? uuidv7()}`;
  const reconcileIntervalMs = options.reconcileIntervalMs ?? DEFAULT_RECONCILE_INTERVAL_MS;
  if (!(reconcileIntervalMs > 0)) throw new RangeError('reconcileIntervalMs must be > 0');
  const topic = checksTopic(options.region);

  let run: Run | undefined;
  let subscriptions: Subscription[] = [];
  let cancelReconcile: (() => void) | undefined;
  /** Reads of the store under way (reconcile, takeover), which `stop` waits for. */
  const reads = new Set<Promise<unknown>>();
  let running = false;
  const publishing = new Set<Promise<void>>();
  /** Whether `current` is the run under way (a stop may come at any await). */
  const isCurrent = (current: Run): boolean => running && run === current;

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

  const track = <T>(read: Promise<T>): Promise<T> => {
    reads.add(read);
    void read.finally(() => reads.delete(read)).catch(() => undefined);
    return read;
  };

  /**
   * Applies a read of the store in slices, yielding between them, so that a large read does not
   * hold up due checks or other roles in the process. Only monitors `wanted` when they are applied
   * count: the shard may change while the read is under way. `complete`: the read covers the
   * whole shard, so that known monitors it did not find are dropped.
   */
  const readStore = async (
    current: Run,
    wanted: (id: MonitorId) => boolean,
    complete: boolean,
  ): Promise<ReadOutcome | undefined> => {
    const readStartedAtMs = clock.now();
    const monitors = await store.allMonitors();
    const present = new Set<MonitorId>();
    let added = 0;
    let updated = 0;
    for (let i = 0; i < monitors.length; i++) {
      if (i % RECONCILE_SLICE === 0 && i > 0) await yieldTurn();
      if (!isCurrent(current)) return undefined;
      const monitor = monitors[i];
      if (monitor === undefined || !wanted(monitor.id)) continue;
      present.add(monitor.id);
      const outcome = current.table.applyStored(monitor);
      if (outcome === 'added') added++;
      else if (outcome === 'updated') updated++;
    }
    if (!isCurrent(current)) return undefined;
    const removed = complete ? current.table.removeAbsent(present, readStartedAtMs) : 0;
    metrics.queueDepth('scheduler.monitors', current.table.scheduled);
    return { added, updated, removed };
  };

  /** The periodic repair: the whole shard against the store. */
  const reconcile = async (current: Run): Promise<void> => {
    // Nothing assigned yet (a broker's first rebalance may take a while): nothing to repair.
    if (current.shard.size === 0) return;
    const outcome = await readStore(current, (id) => current.shard.owns(id), true);
    if (outcome !== undefined && outcome.added + outcome.updated + outcome.removed > 0) {
      logger.info({ ...outcome, scheduled: current.table.scheduled }, 'schedule reconciled');
    }
  };

  /**
   * A new assignment of `monitors` partitions: drops the monitors of partitions lost and loads
   * those of partitions gained. The bus hands over no message of a gained partition before this
   * resolves. A failed load is logged; the next reconcile repairs it.
   */
  const assign = async (current: Run, partitions: readonly number[]): Promise<void> => {
    if (!isCurrent(current)) return;
    const { shard, table } = current;
    const gained = shard.assign(partitions);
    const released = table.release((id) => !shard.owns(id));
    let outcome: ReadOutcome | undefined;
    if (gained.size > 0) {
      const gainedMonitor = (id: MonitorId): boolean =>
        gained.has(shard.partitionOf(id)) && shard.owns(id);
      try {
        outcome = await track(readStore(current, gainedMonitor, false));
      } catch (error) {
        logger.warn({ err: error }, 'loading newly assigned monitors failed; reconcile repairs it');
      }
    }
    if (!isCurrent(current)) return;
    logger.info(
      {
        partitions: shard.size,
        gained: gained.size,
        released,
        loaded: outcome?.added ?? 0,
        scheduled: table.scheduled,
      },
      'shard assigned',
    );
  };

  const scheduleReconcile = (current: Run): void => {
    cancelReconcile = clock.setTimer(() => {
      cancelReconcile = undefined;
      void track(reconcile(current))
        .catch((error: unknown) => {
          logger.warn({ err: error }, 'reconcile failed; retrying at the next period');
        })
        .finally(() => {
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
    run?.table.close();
    run = undefined;
    const closing = subscriptions.map((s) => s.close());
    subscriptions = [];
    await Promise.all(closing);
    await Promise.allSettled([...reads]);
    await publishesSettled();
  };

  return {
    name: 'scheduler',
    stop,

    async start() {
      if (running) return;
      running = true;
      const current: Run = {
        table: new ScheduleTable(clock, emit),
        shard: new Shard((id) => bus.partitionOf('monitors', id)),
      };
      run = current;
      try {
        subscriptions.push(
          await bus.subscribe(
            'results',
            resultsGroup,
            // The table knows only the monitors of this shard and ignores results of others.
            each('results', (result) => {
              current.table.applyResult(result);
            }),
          ),
        );
        // The first assignment loads the shard from the store (the start-up read). Events race
        // with store reads; versions settle which is newer.
        subscriptions.push(
          await bus.subscribe(
            'monitors',
            group,
            each('monitors', (change) => {
              const id = change.kind === 'deleted' ? change.monitorId : change.monitor.id;
              // The bus delivers only owned partitions; this guards against a check twice a slot.
              if (current.shard.owns(id)) current.table.applyChange(change);
              else logger.debug({ monitorId: id }, 'ignoring a change of a monitor not owned');
            }),
            { onAssignment: (partitions) => assign(current, partitions) },
          ),
        );
      } catch (error) {
        await stop();
        throw error;
      }
      // Stopped while starting: stay stopped.
      if (!isCurrent(current)) return;
      scheduleReconcile(current);
      logger.info(
        {
          scheduled: current.table.scheduled,
          partitions: current.shard.size,
          region: options.region,
        },
        'scheduler started',
      );
    },
  };
}
