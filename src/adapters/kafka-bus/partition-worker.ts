import type { BatchHandler, BusMessage } from '../../ports/event-bus.js';
import { retryDelayMs } from './options.js';
import { Alarm } from './timing.js';

/** A fetched message with its offset in the partition. */
export interface FetchedMessage {
  readonly offset: bigint;
  readonly message: BusMessage<unknown>;
}

export interface PartitionWorkerSettings {
  readonly handler: BatchHandler<unknown>;
  readonly maxBatchSize: number;
  readonly maxWaitMs: number;
  /** Fetching pauses while this many messages wait. */
  readonly bufferLimit: number;
  /** Every message below `offset` is handled (or was skipped): it may be committed. */
  handled(partition: number, offset: bigint): void;
  /** The buffer has room again. */
  drained(): void;
  handlerFailed(error: unknown, partition: number, batchSize: number, attempt: number): void;
}

const yieldTurn = (): Promise<void> =>
  new Promise((resolve) => {
    setImmediate(resolve);
  });

/**
 * The messages of one owned partition and the one loop that hands them to the handler: batches
 * of up to `maxBatchSize`, lingering up to `maxWaitMs` for a fuller batch. A batch that throws is
 * redelivered after a backoff before anything later in the partition, so keys keep their order
 * and no two handler calls for the partition overlap. Offsets are reported as handled only after
 * the handler resolved.
 */
export class PartitionWorker {
  /** The next offset to fetch. */
  private nextOffset: bigint;
  private buffer: FetchedMessage[] = [];
  private head = 0;
  private loop: Promise<void> | undefined;
  private stopped = false;
  private readonly alarm = new Alarm();
  /** While lingering: the buffer length that ends the wait early. */
  private lingerTarget = 0;
  /** The highest offset reported as handled. */
  private reported: bigint;

  constructor(
    readonly partition: number,
    start: bigint,
    private readonly settings: PartitionWorkerSettings,
  ) {
    this.nextOffset = start;
    this.reported = start;
  }

  get position(): bigint {
    return this.nextOffset;
  }

  get wantsMore(): boolean {
    return !this.stopped && this.length < this.settings.bufferLimit;
  }

  private get length(): number {
    return this.buffer.length - this.head;
  }

  /** Adds what a fetch returned; `next` is the offset after the last record it covered. */
  append(messages: readonly FetchedMessage[], next: bigint): void {
    if (this.stopped) return;
    if (next > this.nextOffset) this.nextOffset = next;
    if (messages.length === 0) {
      // Only records that cannot be delivered (control records, foreign values): once nothing
      // else is pending they are done with.
      if (this.loop === undefined && this.length === 0) this.report(this.nextOffset);
      return;
    }
    for (const m of messages) this.buffer.push(m);
    if (this.loop === undefined) this.start();
    else if (this.lingerTarget > 0 && this.length >= this.lingerTarget) this.alarm.wake();
  }

  /** Moves the fetch position (the broker no longer holds the old one); drops what is buffered. */
  seek(offset: bigint): void {
    this.nextOffset = offset;
    this.buffer = this.buffer.slice(this.head).filter((m) => m.offset < offset);
    this.head = 0;
  }

  /** Stops: lets a running handler call finish, then drops what is buffered. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.alarm.wake();
    await this.loop;
    this.buffer = [];
    this.head = 0;
  }

  private start(): void {
    this.loop = this.run().finally(() => {
      this.loop = undefined;
      if (!this.stopped && this.length > 0) this.start();
    });
  }

  /** Read through a call: `stop` may set the flag while the loop awaits. */
  private isStopped(): boolean {
    return this.stopped;
  }

  private async run(): Promise<void> {
    const { maxBatchSize, maxWaitMs } = this.settings;
    let batch: FetchedMessage[] | undefined;
    let attempt = 0;
    await yieldTurn();
    while (!this.isStopped()) {
      if (batch === undefined) {
        if (this.length === 0) break;
        if (maxWaitMs > 0 && this.length < maxBatchSize) {
          this.lingerTarget = maxBatchSize;
          await this.alarm.sleep(maxWaitMs);
          this.lingerTarget = 0;
          if (this.isStopped()) break;
        }
        batch = this.take(maxBatchSize);
      }
      const failure = await this.deliver(batch);
      if (failure === undefined) {
        const last = batch[batch.length - 1];
        // With nothing left, every fetched record is done with, skipped ones included.
        const through = this.length === 0 ? this.nextOffset : (last?.offset ?? -1n) + 1n;
        this.report(through);
        batch = undefined;
        attempt = 0;
        await yieldTurn();
      } else {
        attempt++;
        this.settings.handlerFailed(failure.error, this.partition, batch.length, attempt);
        if (!this.isStopped()) await this.alarm.sleep(retryDelayMs(attempt));
      }
    }
  }

  private report(offset: bigint): void {
    if (offset <= this.reported) return;
    this.reported = offset;
    this.settings.handled(this.partition, offset);
  }

  /** Resolves with the failure, or undefined when the handler acknowledged the batch. */
  private async deliver(
    batch: readonly FetchedMessage[],
  ): Promise<{ readonly error: unknown } | undefined> {
    try {
      await this.settings.handler(batch.map((m) => m.message));
      return undefined;
    } catch (error) {
      return { error };
    }
  }

  private take(max: number): FetchedMessage[] {
    const end = Math.min(this.buffer.length, this.head + max);
    const batch = this.buffer.slice(this.head, end);
    this.head = end;
    if (this.head === this.buffer.length) {
      this.buffer = [];
      this.head = 0;
    } else if (this.head >= 4096 && this.head * 2 >= this.buffer.length) {
      this.buffer = this.buffer.slice(this.head);
      this.head = 0;
    }
    if (this.length < this.settings.bufferLimit) this.settings.drained();
    return batch;
  }
}
