import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CheckRequest } from '../../src/domain/check.js';
import type { MonitorId } from '../../src/domain/ids.js';
import type { Monitor } from '../../src/domain/monitor.js';
import { iso, makeMonitor } from '../support/factories.js';
import { T0, setUpScheduler, type Harness } from './scheduler-harness.js';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const INTERVALS = [1, 5, 30, 60, 300];

/** Creates `perInterval` monitors of each of INTERVALS, as the api role does. */
async function createMany(h: Harness, perInterval: number): Promise<Monitor[]> {
  const monitors: Monitor[] = [];
  for (const intervalSeconds of INTERVALS) {
    for (let i = 0; i < perInterval; i++) monitors.push(await h.create({ intervalSeconds }));
  }
  return monitors;
}

/** The labels of the schedulers that requested checks of the monitor. */
const requestersOf = (h: Harness, id: MonitorId): string[] =>
  [...h.seenBy]
    .filter(([, view]) => view.requests.some((r) => r.monitorId === id))
    .map(([label]) => label);

/** Slots (monitor and scheduled time) requested more than once. */
function doubled(requests: readonly CheckRequest[]): string[] {
  const seen = new Set<string>();
  const twice: string[] = [];
  for (const r of requests) {
    const slot = `${r.monitorId}@${r.scheduledAt - T0}`;
    if (seen.has(slot)) twice.push(slot);
    seen.add(slot);
  }
  return twice;
}

const gapsOf = (times: readonly number[]): number[] =>
  times.slice(1).map((at, i) => at - (times[i] ?? at));

const viewOf = (h: Harness, label: string) => {
  const view = h.seenBy.get(label);
  assert.ok(view !== undefined, label);
  return view;
};

void describe('scheduler: shards', () => {
  void it('has each monitor scheduled by exactly one of two schedulers, and every one by one', async (t) => {
    const seeded = Array.from({ length: 40 }, (_, i) =>
      makeMonitor({ intervalSeconds: INTERVALS[i % INTERVALS.length] ?? 60 }),
    );
    const h = await setUpScheduler(t, { seed: seeded, reconcileIntervalMs: MINUTE });
    await h.addScheduler('second');
    const main = viewOf(h, 'main');
    const second = viewOf(h, 'second');
    assert.ok(main.owned.size > 0 && second.owned.size > 0, 'both own partitions');
    assert.ok(
      [...main.owned].every((p) => !second.owned.has(p)),
      'disjoint shards',
    );

    const created = await createMany(h, 8);
    // One that no event announces: the periodic reconcile must give it to its owner only.
    const quiet = makeMonitor({ intervalSeconds: 10, createdAt: iso(T0), updatedAt: iso(T0) });
    await h.store.createMonitor(quiet);
    await h.advance(10 * MINUTE, 10 * SECOND);

    assert.deepEqual(doubled(h.requests), []);
    for (const m of [...seeded, ...created, quiet]) {
      const owner = h.ownerOf(m.id);
      assert.ok(owner !== undefined, 'every partition has an owner');
      assert.deepEqual(requestersOf(h, m.id), [owner], `requested only by its owner, ${owner}`);
      const gaps = gapsOf(h.timesOf(m.id));
      assert.ok(gaps.length > 0, `${m.intervalSeconds} s monitor checked more than once`);
      assert.ok(
        gaps.every((gap) => gap === m.intervalSeconds * SECOND),
        `${m.intervalSeconds} s monitor on its interval: ${gaps.join(',')}`,
      );
    }
    assert.ok(main.requests.length > 0 && second.requests.length > 0, 'both schedule checks');
  });

  void it('takes over the monitors of a scheduler that stops, each within its interval', async (t) => {
    const h = await setUpScheduler(t);
    const stopping = await h.addScheduler('second');
    const monitors = await createMany(h, 8);
    await h.advance(7 * MINUTE + 333, 10 * SECOND);
    const moved = monitors.filter((m) => h.ownerOf(m.id) === 'second');
    const kept = monitors.filter((m) => h.ownerOf(m.id) === 'main');
    assert.ok(moved.length > 0 && kept.length > 0, 'both schedulers had monitors');

    await stopping.stop();
    await h.settle();
    const takeoverAt = h.clock.now();
    assert.ok(
      monitors.every((m) => h.ownerOf(m.id) === 'main'),
      'the one left owns everything',
    );
    await h.advance(12 * MINUTE, 10 * SECOND);

    assert.deepEqual(doubled(h.requests), []);
    assert.ok(viewOf(h, 'second').requests.every((r) => r.scheduledAt < takeoverAt));
    for (const m of moved) {
      const intervalMs = m.intervalSeconds * SECOND;
      const first = viewOf(h, 'main').requests.find((r) => r.monitorId === m.id);
      assert.ok(first !== undefined, 'taken over');
      const delay = first.scheduledAt - takeoverAt;
      assert.ok(
        delay >= 0 && delay < Math.max(2 * SECOND, intervalMs),
        `${m.intervalSeconds} s monitor checked ${delay} ms after the takeover`,
      );
      const gaps = gapsOf(h.timesOf(m.id));
      assert.ok(
        gaps.every((gap) => gap > 0 && gap <= 2 * intervalMs),
        `${m.intervalSeconds} s monitor never skipped two intervals: ${Math.max(...gaps)} ms`,
      );
    }
    // The partitions the survivor already had stay where they were: those monitors keep their grid.
    for (const m of kept) {
      assert.ok(gapsOf(h.timesOf(m.id)).every((gap) => gap === m.intervalSeconds * SECOND));
    }
  });

  void it('delivers a monitor.changed only to the owner of the monitor', async (t) => {
    const h = await setUpScheduler(t);
    await h.addScheduler('second');
    const monitors = await createMany(h, 4);
    await h.advance(MINUTE, 10 * SECOND);
    const paused = monitors.filter((_, i) => i % 2 === 0);
    for (const m of paused) await h.change('paused', m);
    const pausedAt = h.clock.now();
    await h.advance(10 * MINUTE, 10 * SECOND);

    for (const m of monitors) {
      const owner = h.ownerOf(m.id);
      for (const [label, view] of h.seenBy) {
        const seen = view.changes.filter((key) => key === m.id).length;
        const expected = label !== owner ? 0 : paused.includes(m) ? 2 : 1;
        assert.equal(seen, expected, `${label} saw ${seen} changes of a monitor of ${owner}`);
      }
    }
    for (const m of paused) {
      assert.ok(h.requests.every((r) => r.monitorId !== m.id || r.scheduledAt <= pausedAt));
    }
  });

  void it('paces retries of its own monitors, from results every scheduler receives', async (t) => {
    const h = await setUpScheduler(t);
    await h.addScheduler('second');
    const failing = (r: CheckRequest): 'up' | 'down' =>
      r.scheduledAt >= T0 + 60 * SECOND && r.scheduledAt < T0 + 95 * SECOND ? 'down' : 'up';
    h.answer = failing;
    const monitors: Monitor[] = [];
    for (let i = 0; i < 16; i++) {
      monitors.push(await h.create({ intervalSeconds: 60, retryIntervalSeconds: 10 }));
    }
    const owners = new Set(monitors.map((m) => h.ownerOf(m.id)));
    assert.deepEqual([...owners].sort(), ['main', 'second']);
    await h.advance(4 * MINUTE, SECOND);
    // The results topic is assigned apart from the monitors topic: each sees every result.
    for (const [label, view] of h.seenBy) {
      const seen = new Set(view.results);
      assert.ok(
        monitors.every((m) => seen.has(m.id)),
        `${label} received the results of every monitor`,
      );
    }
    for (const m of monitors) {
      // Fails at 60, 70, 80, 90; passes at 100; then every 60 s from the pass.
      assert.deepEqual(
        h.timesOf(m.id).map((ms) => ms / SECOND),
        [0, 60, 70, 80, 90, 100, 160, 220],
        `a monitor of ${h.ownerOf(m.id)}`,
      );
    }
  });
});
