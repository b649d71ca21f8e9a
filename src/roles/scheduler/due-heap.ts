/** Something with a due time that a DueHeap can hold; the heap maintains `heapIndex`. */
export interface DueItem {
  dueAt: number;
  /** Position in the heap, or -1 when not in it. Owned by the heap. */
  heapIndex: number;
}

/**
 * A binary min-heap of items by due time. Items carry their own position, so that removing or
 * re-timing one is O(log n) without a lookup table: a few bytes per item beyond the item itself.
 */
export class DueHeap<T extends DueItem> {
  private readonly items: T[] = [];

  get size(): number {
    return this.items.length;
  }

  /** The earliest item, or undefined when empty. */
  peek(): T | undefined {
    return this.items[0];
  }

  has(item: T): boolean {
    return item.heapIndex >= 0 && this.items[item.heapIndex] === item;
  }

  /** Adds the item at `dueAt`, or moves it there when it is already held. */
  set(item: T, dueAt: number): void {
    if (this.has(item)) {
      const earlier = dueAt < item.dueAt;
      item.dueAt = dueAt;
      if (earlier) this.up(item.heapIndex);
      else this.down(item.heapIndex);
      return;
    }
    item.dueAt = dueAt;
    item.heapIndex = this.items.length;
    this.items.push(item);
    this.up(item.heapIndex);
  }

  /** Returns false when the item was not held. */
  remove(item: T): boolean {
    if (!this.has(item)) return false;
    const at = item.heapIndex;
    const last = this.items.pop();
    item.heapIndex = -1;
    if (last !== undefined && last !== item) {
      this.place(last, at);
      this.up(at);
      this.down(last.heapIndex);
    }
    return true;
  }

  /** Removes and returns, earliest first, every item due at or before `nowMs`. */
  popDue(nowMs: number): T[] {
    const due: T[] = [];
    for (let top = this.items[0]; top !== undefined && top.dueAt <= nowMs; top = this.items[0]) {
      this.remove(top);
      due.push(top);
    }
    return due;
  }

  private place(item: T, at: number): void {
    this.items[at] = item;
    item.heapIndex = at;
  }

  private up(start: number): void {
    let at = start;
    const item = this.items[at];
    if (item === undefined) return;
    while (at > 0) {
      const parentAt = (at - 1) >> 1;
      const parent = this.items[parentAt];
      if (parent === undefined || parent.dueAt <= item.dueAt) break;
      this.place(parent, at);
      at = parentAt;
    }
    this.place(item, at);
  }

  private down(start: number): void {
    let at = start;
    const item = this.items[at];
    if (item === undefined) return;
    const n = this.items.length;
    for (;;) {
      const leftAt = 2 * at + 1;
      if (leftAt >= n) break;
      const left = this.items[leftAt];
      const right = this.items[leftAt + 1];
      let childAt = leftAt;
      let child = left;
      if (right !== undefined && left !== undefined && right.dueAt < left.dueAt) {
        childAt = leftAt + 1;
        child = right;
      }
      if (child === undefined || child.dueAt >= item.dueAt) break;
      this.place(child, at);
      at = childAt;
    }
    this.place(item, at);
  }
}
