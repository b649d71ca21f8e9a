import type { CheckRequest } from '../../domain/check.js';
import { checksTopic } from '../../domain/events.js';
import type { MonitorId } from '../../domain/ids.js';
import type { Checker } from '../../ports/checker.js';
import type { Clock } from '../../ports/clock.js';
import type { BusMessage, EventBus, Subscription } from '../../ports/event-bus.js';
import type { Logger } from '../../ports/logger.js';
import type { Metrics } from '../../ports/metrics.js';
import type { Role } from '../role.js';
import { createDropSummary } from './drop-summary.js';
import { FifoQueue } from './fifo-queue.js';
import { createResultPublisher } from './result-publisher.js';

export interface WorkerDeps {
  readonly bus: EventBus;
  readonly checker: Checker;
  readonly clock: Clock;
  readonly metrics: Metrics;
  readonly logger: Logger;
}

export interface WorkerOptions {
  /** The region this worker checks from: it consumes `checks.<region>`. */
  readonly region: string;
  /** Consumer group on the checks topic. Default `worker`. */
  readonly group?: string;
  /** How long `stop` waits for running checks before it gives up on them. Default 10 s. */
  readonly stopGraceMs?: number;
}

const DEFAULTS = { group: 'worker', stopGraceMs: 10_000 } as const;

/**
 * The worker role: takes check requests of its region, runs them on the checker and publishes
 * every result on `results`.
 *
 * - The bus handler only sorts and queues; it never waits for a check, so a hanging target
 *   cannot hold up the requests of other monitors behind it.
 * - A request is dropped (and counted) when it is older than its monitor's interval, on arrival
 *   or when its turn comes, and when a check of the same monitor is still queued or running: a
 *   check never overlaps the previous one of its monitor.
 * - At most `checker.capacity` checks run at once; the rest wait in arrival order, outside the
 *   checker, where waiting does not count as latency.
 * - `stop` hands back what it has not started (unacknowledged batches are redelivered, queued
 *   requests are dropped as `shutdown`), waits for running checks (they have their own deadline,
 *   and at most `stopGraceMs`), publishes their results, and resolves. Closing the checker is
 *   left to whoever created it.
 */
export function createWorker(deps: WorkerDeps, options: WorkerOptions): Role {
  const { bus, checker, clock, metrics } = deps;
  const log = deps.logger;
  const topic = checksTopic(options.region);
  const group = options.group ?? DEFAULTS.group;
  const stopGraceMs = options.stopGraceMs ?? DEFAULTS.stopGraceMs;
  const drops = createDropSummary({ clock, logger: log, metrics });
  const publisher = createResultPublisher({ bus, clock, logger: log });
  const queue = new FifoQueue<CheckRequest>();
  /** Monitors with a check queued or running. */
  const busy = new Set<MonitorId>();
  let running = 0;
  let accepting = false;
  let subscription: Subscription | null = null;
  let idleWaiters: (() => void)[] = [];

  const isStale = (request: CheckRequest): boolean =>
    clock.now() - request.scheduledAt > request.intervalMs;

  function reportDepth(): void {
    metrics.queueDepth('checks.waiting', queue.length);
    metrics.queueDepth('checks.in_flight', running);
  }

  function accept(messages: readonly BusMessage<CheckRequest>[]): Promise<void> {
    if (!accepting) {
      // Not acknowledged: the bus hands the batch to another worker of the group.
      return Promise.reject(new Error('the worker is stopping'));
    }
    for (const { value: request } of messages) {
      if (isStale(request)) drops.note('stale');
      else if (busy.has(request.monitorId)) drops.note('overlap');
      else {
        busy.add(request.monitorId);
        queue.push(request);
      }
    }
    dispatch();
    return Promise.resolve();
  }

  function dispatch(): void {
    while (running < checker.capacity) {
      const request = queue.shift();
      if (request === undefined) break;
      if (isStale(request)) {
        busy.delete(request.monitorId);
        drops.note('stale');
        continue;
      }
      running += 1;
      void runCheck(request);
    }
    reportDepth();
  }

  async function runCheck(request: CheckRequest): Promise<void> {
    try {
      const result = await checker.check(request);
      metrics.checkCompleted(result.status, result.latencyMs);
      publisher.add(result);
    } catch (error) {
      // The checker rejects only once it is closed: the check was cut short by a shutdown.
      drops.note('shutdown');
      log.debug(
        { err: error, checkId: request.checkId },
        'check not completed: the checker closed',
      );
    } finally {
      running -= 1;
      busy.delete(request.monitorId);
      if (running === 0) {
        const waiters = idleWaiters;
        idleWaiters = [];
        for (const wake of waiters) wake();
      }
      dispatch();
    }
  }

  /** Resolves true once no check runs, false when `ms` pass first. */
  function idle(ms: number): Promise<boolean> {
    if (running === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const cancel = clock.setTimer(() => {
        idleWaiters = idleWaiters.filter((w) => w !== wake);
        resolve(false);
      }, ms);
      const wake = (): void => {
        cancel();
        resolve(true);
      };
      idleWaiters.push(wake);
    });
  }

  return {
    name: 'worker',

    async start() {
      if (subscription !== null) return;
      accepting = true;
      subscription = await bus.subscribe(topic, group, accept);
      log.info({ topic, group, capacity: checker.capacity }, 'worker started');
    },

    async stop() {
      if (subscription === null) return;
      accepting = false;
      await subscription.close();
      subscription = null;
      for (let request = queue.shift(); request !== undefined; request = queue.shift()) {
        busy.delete(request.monitorId);
        drops.note('shutdown');
      }
      reportDepth();
      if (!(await idle(stopGraceMs))) {
        log.warn(
          { running },
          `checks still running after ${stopGraceMs} ms; stopping without them`,
        );
      }
      await publisher.close();
      drops.flush();
      log.info({}, 'worker stopped');
    },
  };
}
