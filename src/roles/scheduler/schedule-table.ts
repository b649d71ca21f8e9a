import type { CheckResult, ProbeSpec } from '../../domain/check.js';
import type { MonitorChanged } from '../../domain/events.js';
import type { MonitorId } from '../../domain/ids.js';
import { probeSpecOf, retryIntervalSecondsOf, type Monitor } from '../../domain/monitor.js';
import { firstDueAfterStart, nextOnGrid } from '../../domain/schedule.js';
import type { Clock } from '../../ports/clock.js';
import type { DueItem } from './due-heap.js';
import { createDueQueue, type DueQueue } from './due-queue.js';

/**
 * A create or resume event at most this old checks the monitor at once; an older one (a replayed
 * topic, a long outage) places it by phase instead, so that a replay never fires a burst.
 */
export const FRESH_CHANGE_MS = 60_000;

/** One check that fell due. */
export interface DueCheck {
  readonly monitor: Monitor;
  readonly probe: ProbeSpec;
  /** The slot it was due in (ms since the epoch). */
  readonly dueAt: number;
  /** The pace it was due at: the interval, or the retry interval while failing. */
  readonly paceMs: number;
}

/** What the scheduler knows of one monitor. Paused monitors are known but not queued. */
interface Entry extends DueItem {
  monitor: Monitor;
  probe: ProbeSpec;
  /** The version known: the monitor's `updatedAt` in ms. */
  versionMs: number;
  /** Whether the `monitor.changed` event of this version has been applied (redelivery guard). */
  eventApplied: boolean;
  /** When this scheduler learned of the monitor: a reconcile read older than that cannot remove it. */
  learnedAtMs: number;
  anchorMs: number;
  paceMs: number;
  /** The last result seen failed: the pace is the retry interval. */
  failing: boolean;
  /** Slot of the last check emitted, if any. */
  lastDueAt: number | undefined;
  /** Results of checks started before this (before a create, resume or restart) are stale. */
  resultsFromMs: number;
  /** Start of the newest result applied; older ones are stale. */
  lastResultMs: number;
}

const parseMs = (iso: string): number => {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? -Infinity : ms;
};

/**
 * The timing of every monitor a scheduler owns, in memory: when each is due, at what pace, on
 * which grid. Checks fall on `anchor + k * pace`: no drift, missed slots skipped, never a burst.
 * Changes come from three sources that may race (events, results, reconcile reads); versions
 * (`updatedAt`), tombstones and learn times keep the newest knowledge whatever the arrival order.
 * Synchronous, no I/O: the scheduler role feeds it and publishes what falls due.
 */
export class ScheduleTable {
  private readonly entries = new Map<MonitorId, Entry>();
  /** Deleted ids → when; kept until a reconcile read that started later has been applied. */
  private readonly tombstones = new Map<MonitorId, number>();
  private readonly queue: DueQueue<Entry>;

  constructor(
    private readonly clock: Clock,
    emit: (checks: DueCheck[], nowMs: number) => void,
  ) {
    this.queue = createDueQueue<Entry>(clock, (due, nowMs) => {
      emit(this.advance(due, nowMs), nowMs);
    });
  }

  /** Monitors queued for checks (paused ones excluded). */
  get scheduled(): number {
    return this.queue.size;
  }

  /** When the monitor's next check is due, or undefined when none is queued. */
  nextDueAt(id: MonitorId): number | undefined {
    const entry = this.entries.get(id);
    return entry !== undefined && this.queue.has(entry) ? entry.dueAt : undefined;
  }

  close(): void {
    this.queue.close();
  }

  applyChange(change: MonitorChanged): void {
    const nowMs = this.clock.now();
    if (change.kind === 'deleted') {
      this.forget(change.monitorId, nowMs);
      return;
    }
    const monitor = change.monitor;
    if (this.tombstones.has(monitor.id)) return;
    const versionMs = parseMs(monitor.updatedAt);
    let entry = this.entries.get(monitor.id);
    if (
      entry !== undefined &&
      (versionMs < entry.versionMs || (versionMs === entry.versionMs && entry.eventApplied))
    ) {
      return;
    }
    const wasQueued = entry !== undefined && this.queue.has(entry);
    entry ??= this.learn(monitor, nowMs);
    this.setMonitor(entry, monitor);
    entry.eventApplied = true;
    if (monitor.paused) {
      this.queue.remove(entry);
      return;
    }
    const startsAfresh = change.reason === 'created' || change.reason === 'resumed' || !wasQueued;
    if (startsAfresh && nowMs - versionMs <= FRESH_CHANGE_MS) this.startNow(entry, nowMs);
    else if (!wasQueued) this.placeByPhase(entry, nowMs);
    else this.retime(entry, nowMs);
  }

  /** Retry pacing: a failing monitor is checked at its retry interval until a check passes. */
  applyResult(result: CheckResult): void {
    const entry = this.entries.get(result.monitorId);
    if (entry === undefined || !this.queue.has(entry)) return;
    const startedMs = parseMs(result.checkedAt);
    if (startedMs < entry.resultsFromMs || startedMs <= entry.lastResultMs) return;
    entry.lastResultMs = startedMs;
    const failing = result.status === 'down';
    if (failing === entry.failing) return;
    entry.failing = failing;
    const paceMs = paceOf(entry);
    if (paceMs === entry.paceMs) return;
    const nowMs = this.clock.now();
    entry.anchorMs = startedMs;
    entry.paceMs = paceMs;
    const dueAt = startedMs + paceMs;
    this.queue.set(entry, dueAt >= nowMs ? dueAt : nextOnGrid(startedMs, paceMs, nowMs - 1));
  }

  /**
   * Applies one monitor from a full read of the store (start-up or reconcile): learns it when
   * missing (placed by phase, as after a restart) and applies it when newer than what is known.
   * A read races with events; versions and tombstones keep whichever is newer.
   */
  applyStored(monitor: Monitor): 'added' | 'updated' | undefined {
    if (this.tombstones.has(monitor.id)) return undefined;
    let entry = this.entries.get(monitor.id);
    let outcome: 'added' | 'updated';
    if (entry === undefined) {
      entry = this.learn(monitor, this.clock.now());
      outcome = 'added';
    } else if (
      monitor.updatedAt !== entry.monitor.updatedAt &&
      parseMs(monitor.updatedAt) > entry.versionMs
    ) {
      outcome = 'updated';
    } else {
      return undefined;
    }
    const wasQueued = this.queue.has(entry);
    this.setMonitor(entry, monitor);
    entry.eventApplied = false;
    const nowMs = this.clock.now();
    if (monitor.paused) this.queue.remove(entry);
    else if (!wasQueued) this.placeByPhase(entry, nowMs);
    else this.retime(entry, nowMs);
    return outcome;
  }

  /**
   * Ends a full read of the store that started at `readStartedAtMs` and found the `present` ids:
   * drops the monitors it did not find, unless this scheduler learned of them after the read
   * started. Returns how many were dropped.
   */
  removeAbsent(present: ReadonlySet<MonitorId>, readStartedAtMs: number): number {
    const nowMs = this.clock.now();
    let removed = 0;
    for (const [id, entry] of this.entries) {
      if (!present.has(id) && entry.learnedAtMs < readStartedAtMs) {
        this.forget(id, nowMs);
        removed++;
      }
    }
    for (const [id, deletedAtMs] of this.tombstones) {
      if (deletedAtMs < readStartedAtMs) this.tombstones.delete(id);
    }
    return removed;
  }

  /**
   * Lets go of the monitors for which `released` holds (their partition went to another
   * scheduler): their checks are cancelled and no tombstone is left, since they still exist and
   * may come back with a later assignment. Returns how many were let go.
   */
  release(released: (id: MonitorId) => boolean): number {
    let count = 0;
    for (const [id, entry] of this.entries) {
      if (!released(id)) continue;
      this.queue.remove(entry);
      this.entries.delete(id);
      count++;
    }
    return count;
  }

  /** Hands out the due checks and puts each back at its next slot on its grid. */
  private advance(due: Entry[], nowMs: number): DueCheck[] {
    const checks: DueCheck[] = [];
    for (const entry of due) {
      checks.push({
        monitor: entry.monitor,
        probe: entry.probe,
        dueAt: entry.dueAt,
        paceMs: entry.paceMs,
      });
      entry.lastDueAt = entry.dueAt;
      this.queue.set(entry, nextOnGrid(entry.anchorMs, entry.paceMs, nowMs));
    }
    return checks;
  }

  private learn(monitor: Monitor, nowMs: number): Entry {
    const entry: Entry = {
      dueAt: 0,
      heapIndex: -1,
      monitor,
      probe: probeSpecOf(monitor),
      versionMs: parseMs(monitor.updatedAt),
      eventApplied: false,
      learnedAtMs: nowMs,
      anchorMs: nowMs,
      paceMs: monitor.intervalSeconds * 1000,
      failing: false,
      lastDueAt: undefined,
      resultsFromMs: nowMs,
      lastResultMs: -Infinity,
    };
    this.entries.set(monitor.id, entry);
    return entry;
  }

  private setMonitor(entry: Entry, monitor: Monitor): void {
    if (entry.monitor !== monitor) {
      entry.monitor = monitor;
      entry.probe = probeSpecOf(monitor);
      entry.versionMs = parseMs(monitor.updatedAt);
    }
    if (monitor.paused) entry.failing = false;
  }

  private forget(id: MonitorId, nowMs: number): void {
    const entry = this.entries.get(id);
    if (entry !== undefined) {
      this.queue.remove(entry);
      this.entries.delete(id);
    }
    this.tombstones.set(id, nowMs);
  }

  /** Created or resumed: due at once, the grid anchored there, nothing from before counts. */
  private startNow(entry: Entry, nowMs: number): void {
    entry.failing = false;
    entry.anchorMs = nowMs;
    entry.paceMs = paceOf(entry);
    entry.resultsFromMs = nowMs;
    entry.lastDueAt = undefined;
    this.queue.set(entry, nowMs);
  }

  /** No saved anchor: the phase from the id spreads monitors evenly over each interval. */
  private placeByPhase(entry: Entry, nowMs: number): void {
    entry.failing = false;
    entry.paceMs = paceOf(entry);
    entry.anchorMs = firstDueAfterStart(entry.monitor.id, entry.paceMs, nowMs);
    entry.resultsFromMs = nowMs;
    entry.lastDueAt = undefined;
    this.queue.set(entry, entry.anchorMs);
  }

  /** New settings: a new pace re-times the next check from the last one, never into the past. */
  private retime(entry: Entry, nowMs: number): void {
    const paceMs = paceOf(entry);
    if (paceMs === entry.paceMs) return;
    const wanted =
      entry.lastDueAt !== undefined
        ? entry.lastDueAt + paceMs
        : Math.min(entry.dueAt, nowMs + paceMs);
    const dueAt = Math.max(nowMs, wanted);
    entry.anchorMs = dueAt;
    entry.paceMs = paceMs;
    this.queue.set(entry, dueAt);
  }
}

function paceOf(entry: Entry): number {
  const seconds = entry.failing
    ? retryIntervalSecondsOf(entry.monitor)
    : entry.monitor.intervalSeconds;
  return seconds * 1000;
}
