import { IS_CONTROL, type ConnectionPool, type fetchV17 } from '@platformatic/kafka';
import type { Logger } from '../../ports/logger.js';
import { describeError } from './errors.js';
import type { GroupConsumer } from './group-consumer.js';
import { TUNING, retryDelayMs } from './options.js';
import type { FetchedMessage, PartitionWorker } from './partition-worker.js';
import { decodeRecord } from './serialization.js';
import { Alarm } from './timing.js';

type FetchRequestPartition = fetchV17.FetchRequestPartition;
type FetchResponse = fetchV17.FetchResponse;

const OFFSET_OUT_OF_RANGE = 1;
/** How long an idle loop (no partition wants data) sleeps unless a worker drains first. */
const IDLE_MS = 1_000;

interface FetchOutcome {
  readonly requested: ReadonlyMap<number, bigint>;
  readonly response: FetchResponse | undefined;
  readonly error: unknown;
}

/**
 * Fetches the owned partitions of one assignment from their leaders, from each worker's own
 * position, and hands the records to the workers. Positions are the workers', never the
 * library's: a failed batch stays in its worker and is redelivered from there, and a stopped
 * assignment's late fetch results are dropped. A partition whose worker is full is left out of
 * the next fetch until its handler catches up.
 */
export class FetchLoop {
  private stopped = false;
  private readonly alarm = new Alarm();
  private failures = 0;

  constructor(
    private readonly consumer: GroupConsumer,
    private readonly pool: ConnectionPool,
    private readonly topic: string,
    private readonly workers: ReadonlyMap<number, PartitionWorker>,
    private readonly logger: Logger,
  ) {}

  start(): void {
    void this.run();
  }

  /** A worker has room again. */
  wake(): void {
    this.alarm.wake();
  }

  /** Stops at once; a fetch in flight completes unseen. */
  stop(): void {
    this.stopped = true;
    this.alarm.wake();
  }

  /** Read through a call: `stop` may set the flag while the loop awaits. */
  private isStopped(): boolean {
    return this.stopped;
  }

  private async run(): Promise<void> {
    while (!this.isStopped()) {
      const wanted = [...this.workers.values()].filter((w) => w.wantsMore);
      if (wanted.length === 0) {
        await this.alarm.sleep(IDLE_MS);
        continue;
      }
      let ok: boolean;
      try {
        ok = await this.fetchOnce(wanted);
      } catch (error) {
        this.logger.warn(
          { err: describeError(error), topic: this.topic },
          'kafka bus: fetch failed; retrying',
        );
        ok = false;
      }
      if (ok) {
        this.failures = 0;
      } else if (!this.isStopped()) {
        this.failures++;
        this.consumer.clearMetadata();
        await this.alarm.sleep(retryDelayMs(this.failures));
      }
    }
  }

  /** One round of fetches, one request per leader; false when anything went wrong. */
  private async fetchOnce(wanted: readonly PartitionWorker[]): Promise<boolean> {
    const metadata = await this.consumer.metadata({ topics: [this.topic] });
    const topic = metadata.topics.get(this.topic);
    if (topic === undefined || this.isStopped()) return false;
    const byLeader = new Map<number, Map<number, bigint>>();
    let complete = true;
    for (const worker of wanted) {
      const leader = topic.partitions[worker.partition]?.leader ?? -1;
      if (leader < 0) {
        complete = false;
        continue;
      }
      let partitions = byLeader.get(leader);
      if (partitions === undefined) {
        partitions = new Map();
        byLeader.set(leader, partitions);
      }
      partitions.set(worker.partition, worker.position);
    }
    const outcomes = await Promise.all(
      [...byLeader].map(([node, requested]) => this.fetchFrom(node, topic.id, requested)),
    );
    if (this.isStopped()) return true;
    for (const outcome of outcomes) {
      if (outcome.response !== undefined) {
        if (!this.absorb(outcome.response, outcome.requested)) complete = false;
      }
      if (outcome.error !== undefined) {
        complete = false;
        this.logger.debug(
          { err: describeError(outcome.error), topic: this.topic },
          'kafka bus: fetch returned errors',
        );
      }
    }
    return complete;
  }

  private async fetchFrom(
    node: number,
    topicId: string,
    requested: Map<number, bigint>,
  ): Promise<FetchOutcome> {
    const partitions: FetchRequestPartition[] = [...requested].map(([partition, offset]) => ({
      partition,
      fetchOffset: offset,
      partitionMaxBytes: TUNING.partitionMaxBytes,
      currentLeaderEpoch: -1,
      lastFetchedEpoch: -1,
    }));
    try {
      const response = await this.consumer.fetch({
        node,
        topics: [{ topicId, partitions }],
        maxWaitTime: TUNING.fetchMaxWaitMs,
        minBytes: 1,
        maxBytes: TUNING.fetchMaxBytes,
        connectionPool: this.pool,
      });
      return { requested, response, error: undefined };
    } catch (error) {
      // Partition errors come with the rest of the response: the other partitions' records
      // are still good.
      return { requested, response: responseOf(error), error };
    }
  }

  /** Hands records to their workers; false when a partition reported an error. */
  private absorb(response: FetchResponse, requested: ReadonlyMap<number, bigint>): boolean {
    let clean = true;
    for (const topic of response.responses) {
      for (const part of topic.partitions) {
        const worker = this.workers.get(part.partitionIndex);
        const from = requested.get(part.partitionIndex);
        if (worker === undefined || from === undefined || worker.position !== from) continue;
        if (part.errorCode !== 0) {
          clean = false;
          if (part.errorCode === OFFSET_OUT_OF_RANGE) this.reset(worker, part);
          continue;
        }
        if (part.records === undefined || part.records.length === 0) continue;
        const messages: FetchedMessage[] = [];
        let next = from;
        for (const batch of part.records) {
          const last = batch.firstOffset + BigInt(batch.lastOffsetDelta);
          if (last < next) continue;
          if ((batch.attributes & IS_CONTROL) === 0) {
            for (const record of batch.records) {
              const offset = batch.firstOffset + BigInt(record.offsetDelta);
              if (offset < next) continue;
              const decoded = decodeRecord(record.key, record.value);
              if (decoded.ok) {
                messages.push({ offset, message: decoded.message });
              } else {
                this.logger.error(
                  {
                    topic: this.topic,
                    partition: part.partitionIndex,
                    offset: String(offset),
                    reason: decoded.reason,
                  },
                  'kafka bus: skipping a record that is not a bus message',
                );
              }
            }
          }
          next = last + 1n;
        }
        worker.append(messages, next);
      }
    }
    return clean;
  }

  /** The broker no longer holds the position (retention) or never did: move to what it has. */
  private reset(
    worker: PartitionWorker,
    part: { readonly logStartOffset: bigint; readonly highWatermark: bigint },
  ): void {
    const to = worker.position < part.logStartOffset ? part.logStartOffset : part.highWatermark;
    if (to < 0n) return;
    this.logger.warn(
      {
        topic: this.topic,
        partition: worker.partition,
        from: String(worker.position),
        to: String(to),
      },
      'kafka bus: fetch position out of range; moving it',
    );
    worker.seek(to);
  }
}

/** The response a failed fetch carried, if any (on the error or on the last of its retries). */
function responseOf(error: unknown): FetchResponse | undefined {
  const own = (error as { response?: unknown } | null)?.response;
  if (isFetchResponse(own)) return own;
  if (error instanceof AggregateError) {
    for (let i = error.errors.length - 1; i >= 0; i--) {
      const inner = (error.errors[i] as { response?: unknown } | null)?.response;
      if (isFetchResponse(inner)) return inner;
    }
  }
  return undefined;
}

function isFetchResponse(value: unknown): value is FetchResponse {
  return (
    typeof value === 'object' &&
    value !== null &&
    Array.isArray((value as { responses?: unknown }).responses)
  );
}
