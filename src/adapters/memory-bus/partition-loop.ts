import type { BatchHandler, BusMessage } from '../../ports/event-bus.js';

/** One subscription of a group: who handles the partitions assigned to it, and how. */
export interface Member {
  readonly handler: BatchHandler<unknown>;
  readonly maxBatchSize: number;
  /** How long a partition waits for a full batch before handing over what it has. */
  readonly maxWaitMs: number;
}

/** What a partition needs from the group and the bus that own it. */
export interface PartitionHost {
  retryDelayMs(attempt: number): number;
  /** `count` messages left the partition: acknowledged, or dropped when it stopped. */
  settled(count: number): void;
  handlerFailed(error: unknown, batchSize: number, attempt: number): void;
}

const yieldTurn = (): Promise<void> =>
  new Promise((resolve) => {
    setImmediate(resolve);
  });

/**
 * A FIFO of messages for one (topic, group, partition), processed by one loop: it takes a batch,
 * calls the owner's handler, drops the batch when the call resolves and redelivers the same batch
 * after a backoff when it throws. Because one loop serves the partition, handler calls for a key
 * never overlap and keys keep their publish order, also across retries and owner changes.
 *
 * The group moves a partition between members in two steps: `revoke` (no new handler call starts;
 * resolves once the running one has finished) and `assign` (the new owner's calls may start). In
 * between, messages wait in the queue.
 *
 * The loop runs only while there is work, yields to the event loop between batches (so a busy
 * topic cannot starve timers and I/O), and costs no timer or promise per message.
 */
export class PartitionLoop {
  private items: BusMessage<unknown>[] = [];
  private head = 0;
  /** Taken from the queue and not yet acknowledged; redelivered first. */
  private batch: BusMessage<unknown>[] | undefined;
  private running = false;
  private stopped = false;
  private loop: Promise<void> = Promise.resolve();
  private owner: Member | undefined;
  /** The running handler call, if any. */
  private call: Promise<unknown> | undefined;
  /** While lingering: the queue length at which the wait ends early. */
  private lingerTarget = 0;
  private wake: (() => void) | undefined;

  constructor(private readonly host: PartitionHost) {}

  get length(): number {
    return this.items.length - this.head;
  }

  push(message: BusMessage<unknown>): void {
    if (this.stopped) return;
    this.items.push(message);
    if (!this.running && this.owner !== undefined) {
      this.running = true;
      this.loop = this.run();
    } else if (this.lingerTarget > 0 && this.length >= this.lingerTarget) {
      this.wake?.();
    }
  }

  /** The member whose handler calls this partition makes, if any. */
  get assignee(): Member | undefined {
    return this.owner;
  }

  /** Hands the partition to `member`: its handler calls start with what is waiting. */
  assign(member: Member): void {
    this.owner = member;
    if (!this.running && !this.stopped && (this.length > 0 || this.batch !== undefined)) {
      this.running = true;
      this.loop = this.run();
    }
  }

  /**
   * Takes the partition from its owner: no handler call starts until the next `assign`. Resolves
   * once the call already running (if any) has finished; a batch it fails is kept for the next
   * owner, ahead of everything else.
   */
  async revoke(): Promise<void> {
    this.owner = undefined;
    await this.call;
  }

  /** Stops fetching, lets the running handler call finish, and drops what is left. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
    const left = this.length + (this.batch?.length ?? 0);
    this.items = [];
    this.head = 0;
    this.batch = undefined;
    if (left > 0) this.host.settled(left);
  }

  /** Read through a call: `stop` may set the flag while the loop awaits. */
  private isStopped(): boolean {
    return this.stopped;
  }

  /** Read through a call: `revoke` and `assign` may change it while the loop awaits. */
  private currentOwner(): Member | undefined {
    return this.owner;
  }

  private async run(): Promise<void> {
    let attempt = 0;
    await yieldTurn();
    while (!this.stopped) {
      let member = this.currentOwner();
      if (member === undefined) break;
      if (this.batch === undefined) {
        if (this.length === 0) break;
        if (member.maxWaitMs > 0 && this.length < member.maxBatchSize) {
          this.lingerTarget = member.maxBatchSize;
          await this.sleep(member.maxWaitMs);
          this.lingerTarget = 0;
          member = this.currentOwner();
          if (this.isStopped() || member === undefined) break;
        }
        this.batch = this.take(member.maxBatchSize);
      }
      const batch = this.batch;
      const done = this.deliver(member, batch);
      this.call = done;
      const failure = await done;
      this.call = undefined;
      if (failure === undefined) {
        this.batch = undefined;
        attempt = 0;
        this.host.settled(batch.length);
        await yieldTurn();
      } else {
        attempt++;
        this.host.handlerFailed(failure.error, batch.length, attempt);
        if (!this.isStopped()) await this.sleep(this.host.retryDelayMs(attempt));
      }
    }
    // Nothing awaits between the last check of the queue and this line, so a message pushed
    // after it starts a new loop.
    this.running = false;
  }

  /** Resolves with the failure, or undefined when the handler acknowledged the batch. */
  private async deliver(
    member: Member,
    batch: BusMessage<unknown>[],
  ): Promise<{ readonly error: unknown } | undefined> {
    try {
      await member.handler(batch);
      return undefined;
    } catch (error) {
      return { error };
    }
  }

  private take(max: number): BusMessage<unknown>[] {
    const end = Math.min(this.items.length, this.head + max);
    const batch = this.items.slice(this.head, end);
    this.head = end;
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head >= 4096 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return batch;
  }

  /** Waits `ms`, or less when woken (a full batch while lingering, or `stop`). */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const finish = (): void => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(finish, ms);
      this.wake = finish;
    });
  }
}
