import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DueHeap, type DueItem } from '../../src/roles/scheduler/due-heap.js';
import { createDueQueue } from '../../src/roles/scheduler/due-queue.js';
import { ManualClock } from '../support/manual-clock.js';

interface Item extends DueItem {
  readonly name: string;
}

const item = (name: string): Item => ({ name, dueAt: 0, heapIndex: -1 });

/** A deterministic pseudo-random sequence, so that a failure can be replayed. */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (Math.imul(s, 1_103_515_245) + 12_345) >>> 0;
    return s / 2 ** 32;
  };
}

void describe('DueHeap', () => {
  void it('pops items in due order, only those due', () => {
    const heap = new DueHeap<Item>();
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map(item) as [Item, Item, Item, Item];
    heap.set(c, 30);
    heap.set(a, 10);
    heap.set(d, 40);
    heap.set(b, 20);
    assert.equal(heap.peek(), a);
    assert.deepEqual(
      heap.popDue(25).map((i) => i.name),
      ['a', 'b'],
    );
    assert.equal(heap.size, 2);
    assert.equal(heap.has(a), false);
    assert.equal(a.heapIndex, -1);
    assert.deepEqual(
      heap.popDue(100).map((i) => i.name),
      ['c', 'd'],
    );
    assert.equal(heap.peek(), undefined);
  });

  void it('moves and removes items anywhere in the heap, keeping order (randomised)', () => {
    const next = random(42);
    const heap = new DueHeap<Item>();
    const items = Array.from({ length: 2_000 }, (_, i) => item(`i${i}`));
    const held = new Set<Item>();
    for (let step = 0; step < 20_000; step++) {
      const it = items[Math.floor(next() * items.length)] ?? item('never');
      const r = next();
      if (r < 0.6) {
        heap.set(it, Math.floor(next() * 1_000_000));
        held.add(it);
      } else {
        assert.equal(heap.remove(it), held.delete(it));
      }
      assert.equal(heap.size, held.size);
    }
    const popped = heap.popDue(Infinity);
    assert.equal(popped.length, held.size);
    for (let i = 1; i < popped.length; i++) {
      assert.ok((popped[i - 1]?.dueAt ?? 0) <= (popped[i]?.dueAt ?? 0));
    }
    assert.deepEqual(new Set(popped), held);
  });
});

void describe('DueQueue', () => {
  void it('delivers each item at its due time, with one timer at a time', () => {
    const clock = new ManualClock(0);
    const delivered: string[] = [];
    const queue = createDueQueue<Item>(clock, (items, nowMs) => {
      for (const i of items) delivered.push(`${i.name}@${nowMs}`);
    });
    queue.set(item('late'), 300);
    queue.set(item('early'), 100);
    queue.set(item('same1'), 200);
    queue.set(item('same2'), 200);
    assert.equal(clock.pendingTimers(), 1);
    clock.advance(150);
    assert.deepEqual(delivered, ['early@100']);
    clock.advance(1_000);
    // Items due at the same instant come in one delivery, in no particular order.
    assert.deepEqual(delivered.slice(1, 3).sort(), ['same1@200', 'same2@200']);
    assert.deepEqual([delivered[0], delivered[3]], ['early@100', 'late@300']);
    assert.equal(queue.size, 0);
    assert.equal(clock.pendingTimers(), 0);
  });

  void it('takes back items set during delivery and re-arms once', () => {
    const clock = new ManualClock(0);
    const times: number[] = [];
    const ticker = item('ticker');
    const queue = createDueQueue<Item>(clock, (items, nowMs) => {
      times.push(nowMs);
      for (const i of items) queue.set(i, i.dueAt + 1_000);
      assert.equal(clock.pendingTimers(), 0, 'no timer armed while delivering');
    });
    queue.set(ticker, 1_000);
    clock.advance(10_000);
    assert.deepEqual(
      times,
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((s) => s * 1_000),
    );
    assert.equal(clock.pendingTimers(), 1);
  });

  void it('re-arms earlier for an earlier item, and stops after removal or close', () => {
    const clock = new ManualClock(0);
    const delivered: string[] = [];
    const queue = createDueQueue<Item>(clock, (items) => {
      for (const i of items) delivered.push(i.name);
    });
    const later = item('later');
    const sooner = item('sooner');
    queue.set(later, 5_000);
    queue.set(sooner, 1_000);
    clock.advance(1_000);
    assert.deepEqual(delivered, ['sooner']);
    assert.equal(queue.remove(later), true);
    assert.equal(clock.pendingTimers(), 0);
    queue.set(later, 2_000);
    queue.close();
    clock.advance(10_000);
    assert.deepEqual(delivered, ['sooner']);
  });

  void it('delivers an item set in the past at once', () => {
    const clock = new ManualClock(10_000);
    const delivered: number[] = [];
    const queue = createDueQueue<Item>(clock, (items, nowMs) => {
      for (const i of items) delivered.push(nowMs - i.dueAt);
    });
    queue.set(item('overdue'), 4_000);
    clock.advance(0);
    assert.deepEqual(delivered, [6_000]);
  });

  void it('holds 100k items due within a minute, each delivered on time', () => {
    const clock = new ManualClock(0);
    let count = 0;
    let worstLatenessMs = 0;
    const queue = createDueQueue<Item>(clock, (items, nowMs) => {
      for (const i of items) {
        count++;
        worstLatenessMs = Math.max(worstLatenessMs, nowMs - i.dueAt);
      }
    });
    const next = random(7);
    for (let i = 0; i < 100_000; i++) queue.set(item(`m${i}`), Math.floor(next() * 60_000));
    clock.advance(60_000);
    assert.equal(count, 100_000);
    assert.equal(worstLatenessMs, 0);
  });
});
