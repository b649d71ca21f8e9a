import type { PayloadOf, Topic } from '../domain/events.js';

export interface BusMessage<T> {
  /** Partition key: always the monitor id, so that per-monitor order holds end to end. */
  readonly key: string;
  readonly value: T;
}

/** Processes a batch; resolving acknowledges the whole batch, throwing has it redelivered. */
export type BatchHandler<T> = (messages: readonly BusMessage<T>[]) => Promise<void>;

export interface SubscribeOptions {
  /** Most messages handed to one handler call. Default 500. */
  readonly maxBatchSize?: number;
  /**
   * Linger: with fewer than `maxBatchSize` messages at hand, wait up to this long for more before
   * calling the handler (Kafka's fetch max wait). Default 0. For batch consumers such as the
   * recorder, which trade a little latency for fewer, fuller transactions.
   */
  readonly maxWaitMs?: number;
  /**
   * Told the full set of partitions this subscription owns whenever it changes: once after
   * subscribing and at every rebalance. Called before any message of a newly owned partition is
   * handled, and only after the handler calls for revoked partitions have finished. Roles that
   * keep per-partition state (the scheduler's shard) use it to load and drop their share.
   */
  readonly onAssignment?: (partitions: readonly number[]) => void | Promise<void>;
}

export interface Subscription {
  /** Stops fetching, waits for the running handler call, then resolves. */
  close(): Promise<void>;
}

/**
 * The bus between roles (Kafka in the distributed mode, in-process in the embedded one).
 *
 * Contract, the same for every adapter:
 * - `publish` resolves once the messages are durable as far as the adapter can make them
 *   (acknowledged by the broker; accepted into memory for the in-process bus).
 * - Every subscribed group receives every message published after it subscribed, at least once.
 *   Several groups on one topic each receive everything; within a group each message goes to
 *   one handler.
 * - Messages with the same key reach a group's handler in publish order, also across retries:
 *   a failed batch is redelivered (after a backoff) before anything later with those keys.
 * - Handlers must therefore be idempotent. A handler call for one key never overlaps another
 *   handler call for that key in the same group.
 * - `close` stops every subscription (each finishes its running handler call) and releases
 *   connections; publishing after `close` rejects.
 */
export interface EventBus {
  publish<T extends Topic>(topic: T, messages: readonly BusMessage<PayloadOf<T>>[]): Promise<void>;
  subscribe<T extends Topic>(
    topic: T,
    group: string,
    handler: BatchHandler<PayloadOf<T>>,
    options?: SubscribeOptions,
  ): Promise<Subscription>;
  /**
   * The partition a message with this key goes to on this topic: the same function publishers
   * use, so that a role can tell which of the store's monitors fall in the partitions it owns.
   */
  partitionOf(topic: Topic, key: string): number;
  /** Resolves when the bus answers; rejects with a reason otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
