import type { PayloadOf, Topic } from '../../domain/events.js';
import { hash32 } from '../../domain/schedule.js';
import type {
  BatchHandler,
  BusMessage,
  EventBus,
  SubscribeOptions,
  Subscription,
} from '../../ports/event-bus.js';
import { ConsumerGroup, type GroupHost, type GroupMember } from './consumer-group.js';

export interface MemoryEventBusOptions {
  /** Partitions per (topic, group): the unit of per-key order and of parallel handler calls. */
  readonly partitions?: number;
  /** Delay before the first redelivery of a failed batch; it doubles per attempt up to 5 s. */
  readonly retryBackoffMs?: number;
  /** Linger of subscriptions that set no `maxWaitMs` of their own. Default 0. */
  readonly maxWaitMs?: number;
  /** Told of every handler failure; the batch is redelivered after the backoff whatever it does. */
  readonly onHandlerError?: (error: unknown, context: HandlerErrorContext) => void;
}

export interface HandlerErrorContext {
  readonly topic: string;
  readonly group: string;
  /** `assignment`: an `onAssignment` listener threw (batchSize 0); the member owns its set anyway. */
  readonly stage: 'batch' | 'assignment';
  readonly batchSize: number;
  /** 1 for the first failure of this batch. */
  readonly attempt: number;
}

/**
 * The in-process EventBus. Beyond the port it offers a default linger and `drain`.
 *
 * Semantics, chosen to match Kafka's so that the same role code runs on both:
 * - Topics exist on first use. Each (topic, group) has `partitions` FIFO queues; a message goes
 *   to queue `hash32(key) % partitions` (`partitionOf`, the same for every topic), and each queue
 *   is processed by one loop.
 * - Subscribing twice with the same group joins the group: its partitions are shared among the
 *   members in a balanced, sticky assignment, rebalanced when members come and go (see
 *   `ConsumerGroup`); every message is handled by one member. `subscribe` resolves once the new
 *   member has been told its first set. A closing member is told nothing more; the others are told
 *   their new sets. When the last member of a group closes, the group ends and whatever it had
 *   not yet handled is dropped: nothing in memory outlives the process anyway, so a later
 *   subscription with that group starts from the messages published after it.
 * - An `onAssignment` listener must not subscribe to or close a subscription of its own group:
 *   the rebalance it is part of waits for it.
 * - Values are handed over by reference, not copied; handlers must treat them as immutable (they
 *   are `readonly` by type).
 */
export interface MemoryEventBus extends EventBus {
  /**
   * Resolves true once every message published so far (and every message those handlers
   * published meanwhile) has been handled or dropped with its group, and every rebalance under
   * way has finished; false after `timeoutMs`.
   * For an orderly shutdown (stop producers, drain, stop consumers) and for tests.
   */
  drain(timeoutMs?: number): Promise<boolean>;
}

export type MemoryBusErrorCode = 'BUS_CLOSED' | 'BUS_INVALID_OPTIONS';

export class MemoryBusError extends Error {
  readonly code: MemoryBusErrorCode;
  constructor(code: MemoryBusErrorCode, message: string) {
    super(message);
    this.name = 'MemoryBusError';
    this.code = code;
  }
}

const DEFAULTS = {
  partitions: 8,
  retryBackoffMs: 100,
  maxRetryBackoffMs: 5_000,
  maxWaitMs: 0,
  maxBatchSize: 500,
  drainTimeoutMs: 10_000,
} as const;

const RESOLVED: Promise<void> = Promise.resolve();

export function createMemoryEventBus(options: MemoryEventBusOptions = {}): MemoryEventBus {
  const partitionCount = options.partitions ?? DEFAULTS.partitions;
  const retryBackoffMs = options.retryBackoffMs ?? DEFAULTS.retryBackoffMs;
  const defaultMaxWaitMs = options.maxWaitMs ?? DEFAULTS.maxWaitMs;
  const invalid =
    integerProblem('partitions', partitionCount, 1) ??
    numberProblem('retryBackoffMs', retryBackoffMs) ??
    numberProblem('maxWaitMs', defaultMaxWaitMs);
  if (invalid !== undefined) throw invalid;
  const onHandlerError = options.onHandlerError;

  /** Topic → its groups, as an array because publish walks it for every message. */
  const topics = new Map<string, ConsumerGroup[]>();
  let closed = false;
  /** Messages (one per group copy) published and not yet handled or dropped, and rebalances. */
  let pending = 0;
  let drainWaiters: (() => void)[] = [];

  const settle = (count: number): void => {
    pending -= count;
    if (pending === 0 && drainWaiters.length > 0) {
      const waiters = drainWaiters;
      drainWaiters = [];
      for (const resolve of waiters) resolve();
    }
  };

  const partitionOf = (key: string): number =>
    partitionCount === 1 ? 0 : hash32(key) % partitionCount;

  const createGroup = (topic: string, name: string): ConsumerGroup => {
    const report = (error: unknown, context: HandlerErrorContext): void => {
      try {
        onHandlerError?.(error, context);
      } catch {
        // A failing observer must not stop a partition's loop or a rebalance.
      }
    };
    const host: GroupHost = {
      retryDelayMs: (attempt) =>
        Math.min(DEFAULTS.maxRetryBackoffMs, retryBackoffMs * 2 ** (attempt - 1)),
      settled: settle,
      handlerFailed: (error, batchSize, attempt) => {
        report(error, { topic, group: name, stage: 'batch', batchSize, attempt });
      },
      assignmentFailed: (error) => {
        report(error, { topic, group: name, stage: 'assignment', batchSize: 0, attempt: 1 });
      },
      rebalancing: (delta) => {
        if (delta > 0) pending++;
        else settle(1);
      },
    };
    return new ConsumerGroup(topic, name, partitionCount, host);
  };

  const leave = (group: ConsumerGroup, member: GroupMember): Promise<void> => {
    const left = group.leave(member);
    if (group.size === 0) {
      const rest = (topics.get(group.topic) ?? []).filter((g) => g !== group);
      if (rest.length > 0) topics.set(group.topic, rest);
      else topics.delete(group.topic);
    }
    return left;
  };

  const subscriptions = new Set<() => Promise<void>>();

  return {
    publish<T extends Topic>(
      topic: T,
      messages: readonly BusMessage<PayloadOf<T>>[],
    ): Promise<void> {
      if (closed) return Promise.reject(closedError());
      const groups = topics.get(topic);
      if (groups === undefined || messages.length === 0) return RESOLVED;
      for (const message of messages) {
        const p = partitionOf(message.key);
        for (const group of groups) group.push(p, message);
      }
      pending += messages.length * groups.length;
      return RESOLVED;
    },

    async subscribe<T extends Topic>(
      topic: T,
      group: string,
      handler: BatchHandler<PayloadOf<T>>,
      subscribeOptions: SubscribeOptions = {},
    ): Promise<Subscription> {
      if (closed) throw closedError();
      const maxBatchSize = subscribeOptions.maxBatchSize ?? DEFAULTS.maxBatchSize;
      const maxWaitMs = subscribeOptions.maxWaitMs ?? defaultMaxWaitMs;
      const invalid =
        integerProblem('maxBatchSize', maxBatchSize, 1) ?? numberProblem('maxWaitMs', maxWaitMs);
      if (invalid !== undefined) throw invalid;
      const member: GroupMember = {
        handler: handler as BatchHandler<unknown>,
        maxBatchSize,
        maxWaitMs,
        onAssignment: subscribeOptions.onAssignment,
      };
      const groups = topics.get(topic) ?? [];
      let target = groups.find((g) => g.name === group);
      if (target === undefined) {
        target = createGroup(topic, group);
        topics.set(topic, [...groups, target]);
      }
      const joined = target;
      let closing: Promise<void> | undefined;
      const close = (): Promise<void> => {
        closing ??= leave(joined, member).finally(() => subscriptions.delete(close));
        return closing;
      };
      subscriptions.add(close);
      await joined.join(member);
      return { close };
    },

    partitionOf: (_topic, key) => partitionOf(key),

    ping(): Promise<void> {
      return closed ? Promise.reject(closedError()) : RESOLVED;
    },

    async close(): Promise<void> {
      closed = true;
      await Promise.all([...subscriptions].map((close) => close()));
    },

    drain(timeoutMs: number = DEFAULTS.drainTimeoutMs): Promise<boolean> {
      if (pending === 0) return Promise.resolve(true);
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          drainWaiters = drainWaiters.filter((w) => w !== done);
          resolve(false);
        }, timeoutMs);
        const done = (): void => {
          clearTimeout(timer);
          resolve(true);
        };
        drainWaiters.push(done);
      });
    },
  };
}

function closedError(): MemoryBusError {
  return new MemoryBusError('BUS_CLOSED', 'the event bus is closed');
}

function integerProblem(name: string, value: number, min: number): MemoryBusError | undefined {
  return Number.isInteger(value) && value >= min
    ? undefined
    : new MemoryBusError('BUS_INVALID_OPTIONS', `${name} must be an integer >= ${min}`);
}

function numberProblem(name: string, value: number): MemoryBusError | undefined {
  return Number.isFinite(value) && value >= 0
    ? undefined
    : new MemoryBusError('BUS_INVALID_OPTIONS', `${name} must be a number >= 0`);
}
