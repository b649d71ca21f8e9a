import { ListOffsetTimestamps, type ConnectionPool } from '@platformatic/kafka';
import type { BatchHandler } from '../../ports/event-bus.js';
import type { Logger } from '../../ports/logger.js';
import { describeError } from './errors.js';
import { FetchLoop } from './fetch-loop.js';
import type { GroupConsumer } from './group-consumer.js';
import { OffsetCommitter } from './offset-committer.js';
import { TUNING, retryDelayMs } from './options.js';
import { PartitionWorker } from './partition-worker.js';
import { Alarm, withTimeout } from './timing.js';

export interface AssignmentContext {
  readonly consumer: GroupConsumer;
  readonly pool: ConnectionPool;
  readonly topic: string;
  readonly handler: BatchHandler<unknown>;
  readonly maxBatchSize: number;
  readonly maxWaitMs: number;
  readonly logger: Logger;
  /** Tells the subscriber which partitions it owns; throwing has the activation retried. */
  announce(partitions: readonly number[]): Promise<void>;
}

/**
 * The partitions one group generation gave this member, and the work on them: from activation
 * (start offsets known, the subscriber told, workers and fetching started) to stop (fetching
 * stopped, running handler calls finished, handled offsets committed, the rest dropped).
 *
 * A partition the group never committed for starts at the end of the log, and that start is
 * committed at once: whoever owns the partition later resumes from there, so a group receives
 * every message published after it subscribed, across rebalances too.
 */
export class Assignment {
  private stopped = false;
  private stopping: Promise<void> | undefined;
  private activation: Promise<boolean> | undefined;
  private readonly alarm = new Alarm();
  private readonly workers = new Map<number, PartitionWorker>();
  private readonly committer: OffsetCommitter;
  private fetchLoop: FetchLoop | undefined;

  constructor(
    private readonly context: AssignmentContext,
    readonly partitions: readonly number[],
  ) {
    this.committer = new OffsetCommitter(context.consumer, context.topic, context.logger);
  }

  /** Resolves true once the partitions are being consumed, false if stopped before that. */
  activate(): Promise<boolean> {
    this.activation ??= this.runActivation();
    return this.activation;
  }

  stop(): Promise<void> {
    this.stopping ??= this.runStop();
    return this.stopping;
  }

  private isStopped(): boolean {
    return this.stopped;
  }

  private async runActivation(): Promise<boolean> {
    for (let attempt = 1; !this.isStopped(); attempt++) {
      try {
        const starts = await this.startOffsets();
        if (this.isStopped()) return false;
        await this.context.announce(this.partitions);
        if (this.isStopped()) return false;
        this.startWorkers(starts);
        return true;
      } catch (error) {
        this.context.logger.warn(
          { err: describeError(error), topic: this.context.topic, attempt },
          'kafka bus: activating assigned partitions failed; retrying',
        );
        await this.alarm.sleep(retryDelayMs(attempt));
      }
    }
    return false;
  }

  private async startOffsets(): Promise<Map<number, bigint>> {
    const starts = new Map<number, bigint>();
    if (this.partitions.length === 0) return starts;
    const { consumer, topic } = this.context;
    const committed =
      (
        await consumer.listCommittedOffsets({
          topics: [{ topic, partitions: [...this.partitions] }],
        })
      ).get(topic) ?? [];
    const fresh: number[] = [];
    for (const partition of this.partitions) {
      const offset = committed[partition];
      if (offset !== undefined && offset >= 0n) starts.set(partition, offset);
      else fresh.push(partition);
    }
    if (fresh.length === 0) return starts;
    const ends =
      (
        await consumer.listOffsets({
          topics: [topic],
          partitions: { [topic]: fresh },
          timestamp: ListOffsetTimestamps.LATEST,
        })
      ).get(topic) ?? [];
    const offsets = fresh.map((partition) => {
      const offset = ends[partition];
      if (offset === undefined || offset < 0n) {
        throw new Error(`no end offset for ${topic} partition ${partition}`);
      }
      starts.set(partition, offset);
      return { topic, partition, offset, leaderEpoch: -1 };
    });
    await consumer.commit({ offsets });
    return starts;
  }

  private startWorkers(starts: ReadonlyMap<number, bigint>): void {
    const { handler, maxBatchSize, maxWaitMs, logger, topic } = this.context;
    const bufferLimit = Math.max(TUNING.minBufferedPerPartition, 2 * maxBatchSize);
    for (const [partition, start] of starts) {
      const worker = new PartitionWorker(partition, start, {
        handler,
        maxBatchSize,
        maxWaitMs,
        bufferLimit,
        handled: (p, offset) => {
          this.committer.mark(p, offset);
        },
        drained: () => this.fetchLoop?.wake(),
        handlerFailed: (error, p, batchSize, attempt) => {
          logger.warn(
            { err: describeError(error), topic, partition: p, batchSize, attempt },
            'kafka bus: handler failed; the batch will be redelivered',
          );
        },
      });
      this.workers.set(partition, worker);
    }
    this.fetchLoop = new FetchLoop(
      this.context.consumer,
      this.context.pool,
      topic,
      this.workers,
      logger,
    );
    this.fetchLoop.start();
  }

  private async runStop(): Promise<void> {
    this.stopped = true;
    this.alarm.wake();
    await this.activation;
    this.fetchLoop?.stop();
    await Promise.all([...this.workers.values()].map((worker) => worker.stop()));
    try {
      await withTimeout(
        this.committer.flush(),
        TUNING.commitFlushTimeoutMs,
        'committing handled offsets',
      );
    } catch (error) {
      this.context.logger.warn(
        { err: describeError(error), topic: this.context.topic },
        'kafka bus: could not commit before giving up partitions; they may be redelivered',
      );
    }
    this.committer.stop();
  }
}
