import type { Clock } from '../../ports/clock.js';
import { DueHeap, type DueItem } from './due-heap.js';

/** Longest delay a Node timer takes; a later due time is reached by re-arming. */
const MAX_TIMER_MS = 2_147_483_647;

/**
 * Items that fall due, delivered by ONE timer armed for the earliest of them (a timer per item
 * costs ~400 B and blocks the loop when armed by the million; a heap costs ~74 B). When the timer
 * fires, every item due by then is handed to `onDue` at once, earliest first, and leaves the
 * queue; `onDue` puts back those that fall due again. The timer is re-armed once `onDue` returns,
 * so items set during `onDue` arm nothing of their own.
 */
export interface DueQueue<T extends DueItem> {
  readonly size: number;
  has(item: T): boolean;
  /** Adds the item at `dueAt` or moves it there. */
  set(item: T, dueAt: number): void;
  remove(item: T): boolean;
  /** Cancels the timer; nothing is delivered afterwards. */
  close(): void;
}

/** `onDue` must not throw: the items it receives are out of the queue until it puts them back. */
export function createDueQueue<T extends DueItem>(
  clock: Clock,
  onDue: (items: T[], nowMs: number) => void,
): DueQueue<T> {
  const heap = new DueHeap<T>();
  let cancelTimer: (() => void) | undefined;
  let armedFor: number | undefined;
  let firing = false;
  let closed = false;

  const disarm = (): void => {
    cancelTimer?.();
    cancelTimer = undefined;
    armedFor = undefined;
  };

  const arm = (): void => {
    if (firing || closed) return;
    const next = heap.peek();
    if (next === undefined) {
      disarm();
      return;
    }
    // A timer armed for an earlier instant stays: it finds nothing due and re-arms, which is
    // cheaper than re-arming on every removal.
    if (armedFor !== undefined && armedFor <= next.dueAt) return;
    disarm();
    armedFor = next.dueAt;
    cancelTimer = clock.setTimer(
      fire,
      Math.min(MAX_TIMER_MS, Math.max(0, next.dueAt - clock.now())),
    );
  };

  function fire(): void {
    cancelTimer = undefined;
    armedFor = undefined;
    if (closed) return;
    firing = true;
    try {
      const nowMs = clock.now();
      const due = heap.popDue(nowMs);
      if (due.length > 0) onDue(due, nowMs);
    } finally {
      firing = false;
      arm();
    }
  }

  return {
    get size() {
      return heap.size;
    },
    has: (item) => heap.has(item),
    set(item, dueAt) {
      heap.set(item, dueAt);
      arm();
    },
    remove(item) {
      const removed = heap.remove(item);
      if (heap.size === 0) disarm();
      return removed;
    },
    close() {
      closed = true;
      disarm();
    },
  };
}
