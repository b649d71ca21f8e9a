import { ProduceAcks, Producer } from '@platformatic/kafka';
import { KafkaBusError, describeError, isBrokerError } from './errors.js';
import { TUNING, type ResolvedOptions } from './options.js';
import { delay } from './timing.js';

/** A message ready for the wire: topic and partition chosen, key and value encoded. */
export interface OutgoingRecord {
  readonly topic: string;
  readonly partition: number;
  readonly key: Buffer;
  readonly value: Buffer;
}

/** Broker errors that the same messages will meet again: retrying cannot help. */
const REFUSED = ['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE', 'INVALID_RECORD', 'CORRUPT_MESSAGE'];

interface Chunk {
  readonly records: readonly OutgoingRecord[];
  readonly bytes: number;
  /** When this chunk's publish gives up. */
  readonly deadline: number;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Publishes through one idempotent producer with `acks=all`: a publish resolves once the broker
 * acknowledged every one of its messages.
 *
 * One produce request is in flight at a time, carrying whatever publishes queued meanwhile (up to
 * TUNING.maxSendBytes). Two reasons: the idempotent producer assigns sequence numbers when a
 * request is built, so concurrent requests to one partition would carry the same numbers and the
 * broker would drop all but one as duplicates while acknowledging them all; and one request at a
 * time keeps publish order per partition. After a failed request the producer is replaced (new
 * producer id, fresh sequences), because the broker may or may not have written the request and a
 * retry under the old sequence could be silently dropped; a retry under a new id may duplicate
 * messages, which at-least-once delivery allows. Failed requests are retried until the publish
 * timeout, so a broker restart delays publishes instead of failing them.
 */
export class Publisher {
  private producer: Producer | undefined;
  private readonly queue: Chunk[] = [];
  private pumping: Promise<void> | undefined;
  private producers = 0;
  /** After a request was refused, chunks go one per request until one succeeds. */
  private solo = false;

  constructor(private readonly options: ResolvedOptions) {}

  publish(records: readonly OutgoingRecord[]): Promise<void> {
    const deadline = Date.now() + this.options.publishTimeoutMs;
    const sent = split(records).map(
      ({ records: part, bytes }) =>
        new Promise<void>((resolve, reject) => {
          this.queue.push({ records: part, bytes, deadline, resolve, reject });
        }),
    );
    this.pump();
    return Promise.all(sent).then(() => undefined);
  }

  /** Waits for queued publishes to be acknowledged or to time out, then closes the producer. */
  async close(): Promise<void> {
    await this.pumping;
    await this.discardProducer();
  }

  private pump(): void {
    this.pumping ??= this.drain().finally(() => {
      this.pumping = undefined;
      if (this.queue.length > 0) this.pump();
    });
  }

  private async drain(): Promise<void> {
    let attempt = 0;
    while (this.queue.length > 0) {
      const count = this.nextRequestSize();
      const chunks = this.queue.slice(0, count);
      try {
        await this.send(chunks.flatMap((chunk) => chunk.records));
        this.queue.splice(0, count);
        for (const chunk of chunks) chunk.resolve();
        attempt = 0;
        this.solo = false;
      } catch (error) {
        if (REFUSED.some((id) => isBrokerError(error, id))) {
          // Find the offending chunk: alone in a request, it is rejected at once.
          if (count === 1 && chunks[0] !== undefined) {
            this.queue.splice(0, 1);
            chunks[0].reject(
              new KafkaBusError(
                'KAFKA_PUBLISH_FAILED',
                `the broker refused a publish to ${topicsOf(chunks[0].records)}: ${describeError(error)}`,
                { cause: error },
              ),
            );
          }
          this.solo = true;
          // Other partitions of the request may have been written: fresh sequences, as below.
          await this.discardProducer();
          continue;
        }
        attempt++;
        this.options.logger.warn(
          { err: describeError(error), attempt, messages: chunks.length },
          'kafka bus: produce request failed; retrying with a new producer',
        );
        await this.discardProducer();
        this.expire(error, attempt);
        if (this.queue.length === 0) break;
        // Deadlines grow along the queue (same timeout, later publish): the first is the earliest.
        const earliest = this.queue[0]?.deadline ?? Date.now();
        const pause = Math.min(100 * 2 ** (attempt - 1), 2_000, earliest - Date.now());
        if (pause > 0) await delay(pause);
      }
    }
  }

  /** How many queued chunks the next request carries. */
  private nextRequestSize(): number {
    if (this.solo) return Math.min(1, this.queue.length);
    let bytes = 0;
    let messages = 0;
    let count = 0;
    for (const chunk of this.queue) {
      if (
        count > 0 &&
        (bytes + chunk.bytes > TUNING.maxSendBytes ||
          messages + chunk.records.length > TUNING.maxSendMessages)
      ) {
        break;
      }
      bytes += chunk.bytes;
      messages += chunk.records.length;
      count++;
    }
    return count;
  }

  /** Rejects the publishes whose time is up. */
  private expire(error: unknown, attempt: number): void {
    const now = Date.now();
    for (let i = this.queue.length - 1; i >= 0; i--) {
      const chunk = this.queue[i];
      if (chunk === undefined || chunk.deadline > now) continue;
      this.queue.splice(i, 1);
      chunk.reject(
        new KafkaBusError(
          'KAFKA_PUBLISH_FAILED',
          `publish to ${topicsOf(chunk.records)} not acknowledged within ${this.options.publishTimeoutMs} ms (${attempt} attempts): ${describeError(error)}`,
          { cause: error },
        ),
      );
    }
  }

  private async send(records: OutgoingRecord[]): Promise<void> {
    this.producer ??= this.createProducer();
    await this.producer.send({
      messages: records.map((r) => ({
        topic: r.topic,
        partition: r.partition,
        key: r.key,
        value: r.value,
      })),
    });
  }

  private createProducer(): Producer {
    this.producers++;
    return new Producer({
      clientId: `${this.options.clientId}-producer-${this.producers}`,
      bootstrapBrokers: [...this.options.brokers],
      idempotent: true,
      acks: ProduceAcks.ALL,
      autocreateTopics: false,
      connectTimeout: 3_000,
      requestTimeout: TUNING.requestTimeoutMs,
      retries: TUNING.retries,
      retryDelay: TUNING.retryDelayMs,
    });
  }

  private async discardProducer(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    if (producer === undefined) return;
    try {
      await producer.close();
    } catch (error) {
      this.options.logger.debug({ err: describeError(error) }, 'kafka bus: closing a producer');
    }
  }
}

/** Splits a publish into chunks that each fit one produce request. */
function split(records: readonly OutgoingRecord[]): { records: OutgoingRecord[]; bytes: number }[] {
  const chunks: { records: OutgoingRecord[]; bytes: number }[] = [];
  let current: OutgoingRecord[] = [];
  let bytes = 0;
  for (const record of records) {
    const size = record.key.length + record.value.length + 32;
    if (
      current.length > 0 &&
      (bytes + size > TUNING.maxSendBytes || current.length >= TUNING.maxSendMessages)
    ) {
      chunks.push({ records: current, bytes });
      current = [];
      bytes = 0;
    }
    current.push(record);
    bytes += size;
  }
  if (current.length > 0) chunks.push({ records: current, bytes });
  return chunks;
}

function topicsOf(records: readonly OutgoingRecord[]): string {
  return [...new Set(records.map((r) => r.topic))].join(', ');
}
