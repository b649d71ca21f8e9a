// One member of a consumer group in a process of its own, for tests that kill it with SIGKILL.
// Usage: node --import tsx kafka-member.ts <topic> <group>   (KAFKA_BROKERS, KAFKA_TOPIC_PREFIX)
// Writes one JSON line per event: {"ready":true}, {"partitions":[...]}, {"handled":[seq,...]}.
import { createKafkaEventBus } from '../../../src/adapters/kafka-bus/kafka-event-bus.js';
import type { ChecksTopic } from '../../../src/domain/events.js';

const [topic, group] = process.argv.slice(2);
if (topic === undefined || group === undefined)
  throw new Error('usage: kafka-member <topic> <group>');
const say = (event: object): void => {
  process.stdout.write(`${JSON.stringify(event)}\n`);
};

const bus = createKafkaEventBus({
  brokers: (process.env['KAFKA_BROKERS'] ?? '').split(','),
  topicPrefix: process.env['KAFKA_TOPIC_PREFIX'] ?? 'uptime',
});
await bus.subscribe(
  topic as ChecksTopic,
  group,
  (batch) => {
    say({ handled: batch.map((m) => m.value.scheduledAt) });
    return Promise.resolve();
  },
  {
    onAssignment: (partitions) => {
      say({ partitions });
    },
  },
);
say({ ready: true });
// Stays a member until killed.
setInterval(() => undefined, 60_000);
