import type { Topic } from '../../domain/events.js';
import { hash32 } from '../../domain/schedule.js';
import { KafkaBusError } from './errors.js';

/**
 * The partition of a key: `hash32(key) % partitions`, the same function as the in-process bus.
 * The adapter sets it on every message it produces, so every process agrees on the key →
 * partition map whatever the client library's default partitioner does.
 */
export function partitionFor(key: string, partitions: number): number {
  return partitions === 1 ? 0 : hash32(key) % partitions;
}

const LEGAL_NAME = /^[A-Za-z0-9._-]+$/;
/** Kafka's limit on topic names. */
const MAX_TOPIC_LENGTH = 249;

/** `<prefix>.<topic>`: `monitors`, `checks.<region>`, `results` and `status` under the prefix. */
export function topicName(prefix: string, topic: Topic): string {
  const name = `${prefix}.${topic}`;
  if (!LEGAL_NAME.test(topic) || name.length > MAX_TOPIC_LENGTH) {
    throw new KafkaBusError(
      'KAFKA_INVALID_NAME',
      `"${topic}" cannot be a Kafka topic: use up to ${MAX_TOPIC_LENGTH - prefix.length - 1} of the characters A-Z a-z 0-9 . _ -`,
    );
  }
  return name;
}

/** `<prefix>.<group>`: one consumer group per role. */
export function groupName(prefix: string, group: string): string {
  if (group.length === 0 || group.length > 200 || /\s/.test(group)) {
    throw new KafkaBusError(
      'KAFKA_INVALID_NAME',
      `"${group}" cannot be a consumer group: use 1-200 characters without spaces`,
    );
  }
  return `${prefix}.${group}`;
}

/** The topic of monitor definitions keeps the latest value per key (log compaction). */
export function isCompacted(topic: Topic): boolean {
  return topic === 'monitors';
}
