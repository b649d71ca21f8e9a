import { Admin } from '@platformatic/kafka';
import { KafkaBusError, describeError, isBrokerError, wrapError } from './errors.js';
import { TUNING, type ResolvedOptions } from './options.js';
import { delay, withTimeout } from './timing.js';

/**
 * Creates the bus's topics on first use, with the configured partition count, and answers pings.
 * Creation is idempotent across processes: a topic that exists is fine if its partition count is
 * the configured one, and refused otherwise (the processes would disagree on key → partition).
 */
export class TopicAdmin {
  private readonly admin: Admin;
  private readonly ensured = new Map<string, Promise<void>>();

  constructor(private readonly options: ResolvedOptions) {
    this.admin = new Admin({
      clientId: `${options.clientId}-admin`,
      bootstrapBrokers: [...options.brokers],
      timeout: TUNING.requestTimeoutMs,
      retries: TUNING.retries,
      retryDelay: TUNING.retryDelayMs,
    });
  }

  /** Resolves once the topic exists with every partition led; repeated calls share the work. */
  ensure(topic: string, compacted: boolean): Promise<void> {
    let ready = this.ensured.get(topic);
    if (ready === undefined) {
      ready = this.create(topic, compacted).catch((error: unknown) => {
        this.ensured.delete(topic);
        throw wrapError('KAFKA_TOPIC_FAILED', `topic ${topic} is not available`, error);
      });
      this.ensured.set(topic, ready);
    }
    return ready;
  }

  /** Resolves when a broker answers a metadata request within the ping timeout. */
  async ping(): Promise<void> {
    try {
      await withTimeout(
        this.admin.metadata({ topics: [], forceUpdate: true }),
        TUNING.pingTimeoutMs,
        'no answer from the brokers',
      );
    } catch (error) {
      throw wrapError('KAFKA_UNREACHABLE', `Kafka (${this.options.brokers.join(',')})`, error);
    }
  }

  async close(): Promise<void> {
    try {
      await this.admin.close();
    } catch (error) {
      this.options.logger.warn(
        { err: describeError(error) },
        'kafka bus: closing the admin client',
      );
    }
  }

  private async create(topic: string, compacted: boolean): Promise<void> {
    try {
      await this.admin.createTopics({
        topics: [topic],
        partitions: this.options.partitions,
        replicas: -1,
        configs: compacted ? [{ name: 'cleanup.policy', value: 'compact' }] : [],
      });
      this.options.logger.info(
        { topic, partitions: this.options.partitions, compacted },
        'kafka bus: created topic',
      );
    } catch (error) {
      if (!isBrokerError(error, 'TOPIC_ALREADY_EXISTS')) throw error;
    }
    await this.waitUntilLed(topic);
  }

  /** A new topic's partitions get leaders a moment after creation; produce and fetch need them. */
  private async waitUntilLed(topic: string): Promise<void> {
    const deadline = Date.now() + TUNING.topicReadyTimeoutMs;
    for (let attempt = 1; ; attempt++) {
      let problem: unknown;
      try {
        const metadata = await this.admin.metadata({ topics: [topic], forceUpdate: true });
        const found = metadata.topics.get(topic);
        if (found !== undefined && found.partitionsCount !== this.options.partitions) {
          throw new KafkaBusError(
            'KAFKA_TOPIC_MISMATCH',
            `topic ${topic} has ${found.partitionsCount} partitions but this bus is configured for ${this.options.partitions}; every process must agree on the partition count`,
          );
        }
        const led =
          found !== undefined &&
          found.partitions.length === found.partitionsCount &&
          found.partitions.every((p) => p.leader >= 0);
        if (led) return;
        problem = `partitions of ${topic} have no leader yet`;
      } catch (error) {
        if (error instanceof KafkaBusError) throw error;
        problem = error;
      }
      if (Date.now() > deadline) {
        throw new KafkaBusError(
          'KAFKA_TOPIC_FAILED',
          `topic ${topic} not ready after ${TUNING.topicReadyTimeoutMs} ms: ${describeError(problem)}`,
          { cause: problem },
        );
      }
      await delay(Math.min(50 * attempt, 500));
    }
  }
}
