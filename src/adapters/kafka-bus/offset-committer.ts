import type { Logger } from '../../ports/logger.js';
import { describeError } from './errors.js';
import type { GroupConsumer } from './group-consumer.js';

const RETRY_AFTER_MS = 1_000;

/**
 * Commits handled offsets of one assignment's partitions. Partition workers report progress as
 * their handler calls resolve; one commit request is in flight at a time and carries the latest
 * offset of every partition that moved, so commits cost one round trip per burst rather than one
 * per batch. A failed commit keeps its offsets for the next attempt: until it succeeds, a new
 * owner of the partition would redeliver those messages, which at-least-once delivery allows.
 */
export class OffsetCommitter {
  private readonly pending = new Map<number, bigint>();
  private inFlight: Promise<void> | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly consumer: GroupConsumer,
    private readonly topic: string,
    private readonly logger: Logger,
  ) {}

  /** Every message of the partition below `offset` is handled. */
  mark(partition: number, offset: bigint): void {
    if (this.stopped) return;
    const known = this.pending.get(partition);
    if (known !== undefined && known >= offset) return;
    this.pending.set(partition, offset);
    this.kick();
  }

  /** Resolves once everything marked so far is committed, or a commit attempt failed. */
  async flush(): Promise<void> {
    clearTimeout(this.retryTimer);
    await this.inFlight;
    if (this.pending.size > 0) {
      this.inFlight = this.commitPending();
      await this.inFlight;
    }
  }

  /** No commits after this: the partitions may belong to another member now. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
  }

  private kick(): void {
    if (this.inFlight !== undefined) return;
    this.inFlight = this.commitPending();
  }

  private async commitPending(): Promise<void> {
    try {
      while (this.pending.size > 0 && !this.stopped) {
        const batch = [...this.pending];
        this.pending.clear();
        try {
          await this.consumer.commit({
            offsets: batch.map(([partition, offset]) => ({
              topic: this.topic,
              partition,
              offset,
              leaderEpoch: -1,
            })),
          });
        } catch (error) {
          for (const [partition, offset] of batch) {
            const newer = this.pending.get(partition);
            if (newer === undefined || newer < offset) this.pending.set(partition, offset);
          }
          this.logger.warn(
            { err: describeError(error), topic: this.topic, partitions: batch.length },
            'kafka bus: offset commit failed; will retry',
          );
          this.scheduleRetry();
          return;
        }
      }
    } finally {
      this.inFlight = undefined;
    }
  }

  private scheduleRetry(): void {
    if (this.stopped) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.kick();
    }, RETRY_AFTER_MS);
    this.retryTimer.unref();
  }
}
