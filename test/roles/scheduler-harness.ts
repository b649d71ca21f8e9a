import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import {
  createMemoryEventBus,
  type MemoryEventBus,
} from '../../src/adapters/memory-bus/memory-event-bus.js';
import { createSqliteStore } from '../../src/adapters/sqlite-store/sqlite-store.js';
import type { CheckRequest } from '../../src/domain/check.js';
import { checksTopic, type MonitorChanged } from '../../src/domain/events.js';
import type { MonitorId } from '../../src/domain/ids.js';
import type { Monitor } from '../../src/domain/monitor.js';
import type { CheckStatus } from '../../src/domain/status.js';
import type { BusMessage, EventBus } from '../../src/ports/event-bus.js';
import { silentLogger } from '../../src/ports/logger.js';
import { noopMetrics, type Metrics } from '../../src/ports/metrics.js';
import type { Store } from '../../src/ports/store.js';
import type { Role } from '../../src/roles/role.js';
import { createScheduler, type SchedulerOptions } from '../../src/roles/scheduler/scheduler.js';
import { iso, makeMonitor, makeResult } from '../support/factories.js';
import { ManualClock } from '../support/manual-clock.js';

export const T0 = Date.UTC(2026, 0, 1);
export const REGION = 'test-region';

/**
 * A scheduler on a manual clock and a real memory bus, with a stand-in worker that records every
 * check request and, when told, answers it with a result. Time moves only through `advance`, which
 * also lets the bus deliver everything that moving time set off.
 */
export interface Harness {
  readonly clock: ManualClock;
  readonly bus: MemoryEventBus;
  readonly store: Store;
  readonly requests: CheckRequest[];
  readonly lateness: number[];
  /** How many reconciles have finished. */
  readonly reconciles: () => number;
  scheduler: Role;
  /** When set, the stand-in worker answers each request with a result of this status. */
  answer: ((request: CheckRequest) => CheckStatus) | undefined;
  /** Lets the bus deliver everything pending. */
  settle(): Promise<void>;
  /** Moves the clock by `ms` in steps of at most `stepMs`, settling the bus after each step. */
  advance(ms: number, stepMs?: number): Promise<void>;
  /** Writes the monitor to the store and publishes its change, as the api role does. */
  create(overrides?: Partial<Monitor>): Promise<Monitor>;
  change(reason: 'updated' | 'paused' | 'resumed', monitor: Monitor): Promise<Monitor>;
  remove(monitor: Monitor): Promise<void>;
  publish(change: MonitorChanged, key: string): Promise<void>;
  /** Starts a new scheduler over the same store and bus (the old one should be stopped). */
  restart(options?: Partial<SchedulerOptions>): Promise<void>;
  /** Scheduled times of the requests of one monitor, relative to `fromMs`. */
  timesOf(id: MonitorId, fromMs?: number): number[];
  /**
   * Starts one more scheduler in the same group, over the same store, bus and clock, known as
   * `label` (the first one is `main`); it is stopped when the test ends.
   */
  addScheduler(label: string, options?: Partial<SchedulerOptions>): Promise<Role>;
  /** What each scheduler did, by label: what it published, saw and owns. */
  readonly seenBy: ReadonlyMap<string, SchedulerView>;
  /** The label of the scheduler that was last told it owns the monitor's partition. */
  ownerOf(id: MonitorId): string | undefined;
}

export interface SchedulerView {
  /** Check requests it published. */
  readonly requests: CheckRequest[];
  /** Keys of the `monitors` messages its handler was given. */
  readonly changes: string[];
  /** Keys of the `results` messages its handler was given. */
  readonly results: string[];
  /** The `monitors` partitions it was last told it owns. */
  owned: ReadonlySet<number>;
}

/** The bus as one scheduler uses it, with what that scheduler does recorded in `view`. */
function watchedBus(bus: EventBus, view: SchedulerView): EventBus {
  return {
    ...bus,
    publish: (topic, messages) => {
      if (topic.startsWith('checks.')) {
        for (const m of messages as readonly BusMessage<unknown>[]) {
          view.requests.push(m.value as CheckRequest);
        }
      }
      return bus.publish(topic, messages);
    },
    subscribe: (topic, group, handler, options = {}) => {
      if (topic === 'results') {
        return bus.subscribe(
          topic,
          group,
          (batch) => {
            view.results.push(...batch.map((m) => m.key));
            return handler(batch);
          },
          options,
        );
      }
      if (topic !== 'monitors') return bus.subscribe(topic, group, handler, options);
      return bus.subscribe(
        topic,
        group,
        (batch) => {
          view.changes.push(...batch.map((m) => m.key));
          return handler(batch);
        },
        {
          ...options,
          onAssignment: async (partitions) => {
            view.owned = new Set(partitions);
            await options.onAssignment?.(partitions);
          },
        },
      );
    },
  };
}

export async function setUpScheduler(
  t: TestContext,
  options: Partial<SchedulerOptions> & { readonly seed?: readonly Monitor[] } = {},
): Promise<Harness> {
  const { seed = [], ...schedulerOptions } = options;
  const clock = new ManualClock(T0);
  const bus = createMemoryEventBus();
  const store = createSqliteStore({ path: ':memory:' });
  await store.migrate();
  for (const monitor of seed) await store.createMonitor(monitor);
  const requests: CheckRequest[] = [];
  const lateness: number[] = [];
  let reconciles = 0;
  const metrics: Metrics = {
    ...noopMetrics,
    schedulingLateness: (ms) => lateness.push(ms),
    queueDepth: (queue) => {
      if (queue === 'scheduler.monitors') reconciles++;
    },
  };
  const seenBy = new Map<string, SchedulerView>();
  const makeScheduler = (more: Partial<SchedulerOptions> = {}, label = 'main'): Role => {
    const view: SchedulerView = { requests: [], changes: [], results: [], owned: new Set() };
    seenBy.set(label, view);
    const scheduler = createScheduler(
      { bus: watchedBus(bus, view), store, clock, metrics, logger: silentLogger },
      { region: REGION, ...schedulerOptions, ...more },
    );
    return {
      ...scheduler,
      async stop() {
        await scheduler.stop();
        view.owned = new Set();
      },
    };
  };
  const others: Role[] = [];

  const settle = async (): Promise<void> => {
    assert.equal(await bus.drain(5_000), true, 'the bus did not drain');
  };

  const harness: Harness = {
    clock,
    bus,
    store,
    requests,
    lateness,
    reconciles: () => reconciles,
    scheduler: makeScheduler(),
    answer: undefined,
    settle,
    async advance(ms, stepMs = ms) {
      let left = ms;
      do {
        const step = Math.min(left, stepMs);
        clock.advance(step);
        left -= step;
        await settle();
      } while (left > 0);
    },
    async create(overrides = {}) {
      const at = iso(clock.now());
      const monitor = makeMonitor({ createdAt: at, updatedAt: at, ...overrides });
      await store.createMonitor(monitor);
      await harness.publish({ kind: 'upserted', reason: 'created', monitor }, monitor.id);
      return monitor;
    },
    async change(reason, monitor) {
      const updated: Monitor = {
        ...monitor,
        paused: reason === 'paused' ? true : reason === 'resumed' ? false : monitor.paused,
        updatedAt: iso(clock.now()),
      };
      assert.equal(await store.updateMonitor(updated), true);
      await harness.publish({ kind: 'upserted', reason, monitor: updated }, monitor.id);
      return updated;
    },
    async remove(monitor) {
      assert.equal(await store.deleteMonitor(monitor.id), true);
      await harness.publish({ kind: 'deleted', monitorId: monitor.id }, monitor.id);
    },
    async publish(change, key) {
      await bus.publish('monitors', [{ key, value: change }]);
      await settle();
      // A change due at once arms a timer for now: let it fire.
      clock.advance(0);
      await settle();
    },
    async restart(more = {}) {
      harness.scheduler = makeScheduler(more);
      await harness.scheduler.start();
      await settle();
    },
    timesOf(id, fromMs = T0) {
      return requests.filter((r) => r.monitorId === id).map((r) => r.scheduledAt - fromMs);
    },
    async addScheduler(label, more = {}) {
      const scheduler = makeScheduler(more, label);
      others.push(scheduler);
      await scheduler.start();
      await settle();
      return scheduler;
    },
    seenBy,
    ownerOf(id) {
      const partition = bus.partitionOf('monitors', id);
      for (const [label, view] of seenBy) if (view.owned.has(partition)) return label;
      return undefined;
    },
  };

  await bus.subscribe(checksTopic(REGION), 'stand-in-worker', async (batch) => {
    const results = [];
    for (const { value: request } of batch) {
      requests.push(request);
      const status = harness.answer?.(request);
      if (status !== undefined) {
        results.push({
          key: request.monitorId,
          value: makeResult(request.monitorId, { status, checkedAt: iso(request.scheduledAt) }),
        });
      }
    }
    if (results.length > 0) await bus.publish('results', results);
  });
  await harness.scheduler.start();
  t.after(async () => {
    await Promise.all([harness.scheduler, ...others].map((s) => s.stop()));
    await bus.close();
    await store.close();
  });
  return harness;
}
