import type { PayloadOf, Topic } from '../../domain/events.js';
import type {
  BatchHandler,
  BusMessage,
  EventBus,
  SubscribeOptions,
  Subscription,
} from '../../ports/event-bus.js';
import { KafkaBusError, wrapError } from './errors.js';
import { TUNING, resolveOptions, type KafkaEventBusOptions } from './options.js';
import { groupName, isCompacted, partitionFor, topicName } from './partitioner.js';
import { Publisher, type OutgoingRecord } from './producer.js';
import { encodeKey, encodeValue } from './serialization.js';
import { KafkaSubscription } from './subscription.js';
import { TopicAdmin } from './topic-admin.js';

export type { KafkaEventBusOptions } from './options.js';
export { KafkaBusError, type KafkaBusErrorCode } from './errors.js';

/**
 * The EventBus on Apache Kafka (the distributed mode).
 *
 * - Topics are `<prefix>.monitors` (compacted), `<prefix>.checks.<region>`, `<prefix>.results`
 *   and `<prefix>.status`, created on first use with the configured partition count; groups
 *   are `<prefix>.<group>`.
 * - The key is the monitor id; the partition is `partitionOf(topic, key)`, set explicitly on
 *   every message. Values are JSON.
 * - `publish` resolves once the broker acknowledged every message (idempotent producer,
 *   acks=all), retrying through broker outages up to `publishTimeoutMs`.
 * - Each `subscribe` is one member of its group; a new group starts at the end of the log.
 *   Handler calls are per partition, one at a time; offsets are committed only after the
 *   handler resolved; a throwing handler gets the same batch again after a backoff (100 ms
 *   doubling to 5 s). On a rebalance, revoked partitions finish their running call and commit
 *   before the member rejoins, and `onAssignment` hears the new set before its messages flow.
 */
export function createKafkaEventBus(options: KafkaEventBusOptions): EventBus {
  const base = resolveOptions(options);
  const resolved = { ...base, logger: base.logger.child({ component: 'kafka-bus' }) };
  const admin = new TopicAdmin(resolved);
  const publisher = new Publisher(resolved);
  const subscriptions = new Set<KafkaSubscription>();
  let closed = false;
  let closing: Promise<void> | undefined;
  /** Read through a call: `close` may run while a method awaits. */
  const isClosed = (): boolean => closed;

  const closedError = (): KafkaBusError =>
    new KafkaBusError('KAFKA_BUS_CLOSED', 'the event bus is closed');

  const ensureTopic = async (topic: Topic): Promise<string> => {
    const name = topicName(resolved.topicPrefix, topic);
    await admin.ensure(name, isCompacted(topic));
    return name;
  };

  return {
    async publish<T extends Topic>(
      topic: T,
      messages: readonly BusMessage<PayloadOf<T>>[],
    ): Promise<void> {
      if (closed) throw closedError();
      if (messages.length === 0) return;
      const name = await ensureTopic(topic);
      let records: OutgoingRecord[];
      try {
        records = messages.map((m) => ({
          topic: name,
          partition: partitionFor(m.key, resolved.partitions),
          key: encodeKey(m.key),
          value: encodeValue(m.value),
        }));
      } catch (error) {
        throw wrapError('KAFKA_PUBLISH_FAILED', `encoding a message for ${name}`, error);
      }
      await publisher.publish(records);
    },

    async subscribe<T extends Topic>(
      topic: T,
      group: string,
      handler: BatchHandler<PayloadOf<T>>,
      subscribeOptions: SubscribeOptions = {},
    ): Promise<Subscription> {
      if (closed) throw closedError();
      const maxBatchSize = subscribeOptions.maxBatchSize ?? TUNING.maxBatchSize;
      const maxWaitMs = subscribeOptions.maxWaitMs ?? TUNING.maxWaitMs;
      if (!Number.isInteger(maxBatchSize) || maxBatchSize < 1) {
        throw new KafkaBusError('KAFKA_INVALID_OPTIONS', 'maxBatchSize must be an integer >= 1');
      }
      if (!Number.isFinite(maxWaitMs) || maxWaitMs < 0) {
        throw new KafkaBusError('KAFKA_INVALID_OPTIONS', 'maxWaitMs must be a number >= 0');
      }
      const groupId = groupName(resolved.topicPrefix, group);
      const name = await ensureTopic(topic);
      const subscription = new KafkaSubscription(resolved, {
        topic: name,
        group: groupId,
        handler: handler as BatchHandler<unknown>,
        maxBatchSize,
        maxWaitMs,
        onAssignment: subscribeOptions.onAssignment,
      });
      subscriptions.add(subscription);
      try {
        await subscription.open();
      } catch (error) {
        subscriptions.delete(subscription);
        throw error;
      }
      if (isClosed()) {
        await subscription.close();
        throw closedError();
      }
      return {
        close: () =>
          subscription.close().finally(() => {
            subscriptions.delete(subscription);
          }),
      };
    },

    partitionOf(_topic: Topic, key: string): number {
      return partitionFor(key, resolved.partitions);
    },

    async ping(): Promise<void> {
      if (closed) throw closedError();
      await admin.ping();
    },

    close(): Promise<void> {
      closed = true;
      closing ??= (async () => {
        await Promise.all([...subscriptions].map((s) => s.close()));
        await publisher.close();
        await admin.close();
      })();
      return closing;
    },
  };
}
