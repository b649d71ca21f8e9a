import type { BusMessage } from '../../ports/event-bus.js';
import { assignPartitions } from './assign-partitions.js';
import { PartitionLoop, type Member, type PartitionHost } from './partition-loop.js';

export type AssignmentListener = (partitions: readonly number[]) => void | Promise<void>;

/** A subscription in a group: how it handles messages, and whom to tell what it owns. */
export interface GroupMember extends Member {
  readonly onAssignment: AssignmentListener | undefined;
}

/** What a group needs from the bus that owns it. */
export interface GroupHost extends PartitionHost {
  /** A rebalance was scheduled (+1) or has finished (-1): `drain` waits for it. */
  rebalancing(delta: 1 | -1): void;
  /** An `onAssignment` listener threw; its member owns the partitions all the same. */
  assignmentFailed(error: unknown): void;
}

/**
 * The subscriptions sharing one group on one topic, and the partitions they share.
 *
 * Every join or leave schedules a rebalance; rebalances run one at a time, in order. A rebalance
 * works out a balanced, sticky assignment (`assignPartitions`) and then, in this order:
 * 1. revokes the partitions that change owner, and waits for their running handler calls;
 * 2. tells every member whose share changed its full new set (a new member always), and waits for
 *    the listeners;
 * 3. assigns the moved partitions to their new owners, whose handler calls may then start.
 * Partitions that keep their owner are served throughout. A leaving member's partitions stop
 * starting handler calls at once; the next rebalance waits for its running ones before moving them.
 */
export class ConsumerGroup {
  readonly partitions: readonly PartitionLoop[];
  /** In join order: earlier members win ties in the assignment. */
  private readonly members: GroupMember[] = [];
  /** The set each member was last told. */
  private readonly told = new Map<GroupMember, readonly number[]>();
  /** Running handler calls of partitions taken from members that left. */
  private revoking: Promise<void>[] = [];
  private rebalanced: Promise<void> = Promise.resolve();
  private ended = false;

  constructor(
    readonly topic: string,
    readonly name: string,
    partitionCount: number,
    private readonly host: GroupHost,
  ) {
    this.partitions = Array.from({ length: partitionCount }, () => new PartitionLoop(host));
  }

  get size(): number {
    return this.members.length;
  }

  push(partition: number, message: BusMessage<unknown>): void {
    this.partitions[partition]?.push(message);
  }

  /** Adds a member; resolves once it has been told its first set of partitions. */
  join(member: GroupMember): Promise<void> {
    this.members.push(member);
    return this.scheduleRebalance();
  }

  /**
   * Removes a member: none of its handler calls starts from now on. Resolves once its running
   * calls have finished; the rest of the group takes its partitions over meanwhile. When it was the
   * last member the group ends, and whatever it had not handled is dropped.
   */
  async leave(member: GroupMember): Promise<void> {
    const at = this.members.indexOf(member);
    if (at === -1) return;
    this.members.splice(at, 1);
    this.told.delete(member);
    if (this.members.length === 0) {
      this.ended = true;
      await Promise.all(this.partitions.map((p) => p.stop()));
      return;
    }
    const finished = this.partitions.filter((p) => p.assignee === member).map((p) => p.revoke());
    this.revoking.push(...finished);
    void this.scheduleRebalance();
    await Promise.all(finished);
  }

  private scheduleRebalance(): Promise<void> {
    this.host.rebalancing(1);
    const next = this.rebalanced
      .then(() => this.rebalance())
      .finally(() => {
        this.host.rebalancing(-1);
      });
    this.rebalanced = next;
    return next;
  }

  private async rebalance(): Promise<void> {
    if (this.ended) return;
    const members = [...this.members];
    const current = this.partitions.map((p) => p.assignee);
    const next = assignPartitions(current, members);
    const waits = this.revoking;
    this.revoking = [];
    this.partitions.forEach((p, i) => {
      if (current[i] !== undefined && next[i] !== current[i]) waits.push(p.revoke());
    });
    await Promise.all(waits);
    if (this.hasEnded()) return;

    const telling: Promise<void>[] = [];
    for (const member of members) {
      if (!this.isMember(member)) continue;
      const owned: number[] = [];
      next.forEach((owner, i) => {
        if (owner === member) owned.push(i);
      });
      const before = this.told.get(member);
      if (before !== undefined && sameNumbers(before, owned)) continue;
      this.told.set(member, owned);
      telling.push(this.tell(member, owned));
    }
    await Promise.all(telling);
    if (this.hasEnded()) return;

    // A member that left meanwhile gets nothing: the rebalance its leave scheduled places them.
    this.partitions.forEach((p, i) => {
      const owner = next[i];
      if (owner !== undefined && p.assignee !== owner && this.isMember(owner)) {
        p.assign(owner);
      }
    });
  }

  /** Read through a call: a leave may end the group while a rebalance awaits. */
  private hasEnded(): boolean {
    return this.ended;
  }

  private isMember(member: Member): boolean {
    return this.members.some((m) => m === member);
  }

  private async tell(member: GroupMember, partitions: readonly number[]): Promise<void> {
    try {
      await member.onAssignment?.(partitions);
    } catch (error) {
      this.host.assignmentFailed(error);
    }
  }
}

function sameNumbers(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((n, i) => n === b[i]);
}
