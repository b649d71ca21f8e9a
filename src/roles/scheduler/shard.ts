import type { MonitorId } from '../../domain/ids.js';

/**
 * A scheduler's shard: the partitions of `monitors` the bus assigned to its subscription, and so
 * the monitors it schedules (those whose id the bus routes to one of them). The consumer group
 * decides the partitions; the scheduler only follows, so there is no election of its own.
 */
export class Shard {
  private partitions: ReadonlySet<number> = new Set();

  constructor(readonly partitionOf: (id: MonitorId) => number) {}

  /** How many partitions it owns. */
  get size(): number {
    return this.partitions.size;
  }

  owns(id: MonitorId): boolean {
    return this.partitions.has(this.partitionOf(id));
  }

  /** Takes the new full set of partitions; returns those it did not own before. */
  assign(partitions: readonly number[]): ReadonlySet<number> {
    const gained = new Set(partitions.filter((p) => !this.partitions.has(p)));
    this.partitions = new Set(partitions);
    return gained;
  }
}
