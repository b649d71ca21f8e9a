import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createMemoryEventBus } from '../../src/adapters/memory-bus/memory-event-bus.js';
import type { CheckRequest } from '../../src/domain/check.js';
import type { EventBus } from '../../src/ports/event-bus.js';
import { checksTopic } from '../../src/domain/events.js';
import { probeSpecOf, type Monitor } from '../../src/domain/monitor.js';
import { systemClock, type Clock } from '../../src/ports/clock.js';
import { silentLogger } from '../../src/ports/logger.js';
import { noopMetrics } from '../../src/ports/metrics.js';
import { createScheduler } from '../../src/roles/scheduler/scheduler.js';
import { ScheduleTable } from '../../src/roles/scheduler/schedule-table.js';
import { waitUntil } from '../contracts/wait-until.js';
import { iso, makeMonitor, makeResult } from '../support/factories.js';
import { ManualClock } from '../support/manual-clock.js';
import { REGION, T0, setUpScheduler } from './scheduler-harness.js';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const seconds = (...s: number[]): number[] => s.map((x) => x * SECOND);
const grid = (fromMs: number, stepMs: number, count: number): number[] =>
  Array.from({ length: count }, (_, k) => fromMs + k * stepMs);

void describe('scheduler: cadence', () => {
  void it('checks a new monitor at once, then every interval without drift', async (t) => {
    const h = await setUpScheduler(t);
    const monitor = await h.create({ intervalSeconds: 60 });
    assert.deepEqual(h.timesOf(monitor.id), [0], 'checked at once on creation');
    await h.advance(1_000 * MINUTE);
    assert.deepEqual(h.timesOf(monitor.id), grid(0, MINUTE, 1_001));
    assert.ok(h.lateness.every((ms) => ms === 0));
    const first = h.requests[0];
    assert.ok(first !== undefined);
    assert.equal(first.intervalMs, MINUTE);
    assert.equal(first.region, REGION);
    assert.deepEqual(first.probe, probeSpecOf(monitor));
    assert.equal(new Set(h.requests.map((r) => r.checkId)).size, h.requests.length);
  });

  void it('checks a 1 s monitor every second', async (t) => {
    const h = await setUpScheduler(t);
    const monitor = await h.create({ intervalSeconds: 1 });
    await h.advance(3_600 * SECOND);
    assert.deepEqual(h.timesOf(monitor.id), grid(0, SECOND, 3_601));
  });

  void it('skips slots it missed instead of bursting, keeping the grid', () => {
    const clock = new StallingClock(T0);
    const due: number[] = [];
    const table = new ScheduleTable(clock, (checks) => {
      for (const c of checks) due.push(c.dueAt - T0);
    });
    const monitor = makeMonitor({ intervalSeconds: 10, updatedAt: iso(T0) });
    table.applyChange({ kind: 'upserted', reason: 'created', monitor });
    clock.stall(0);
    // The event loop is blocked for 35 s: the slot of 10 s fires late, 20 s and 30 s are skipped.
    clock.stall(35 * SECOND);
    assert.deepEqual(due, seconds(0, 10));
    assert.equal(table.nextDueAt(monitor.id), T0 + 40 * SECOND);
    clock.stall(5 * SECOND);
    assert.deepEqual(due, seconds(0, 10, 40));
  });

  void it('keeps its timer going while a publish hangs', async (t) => {
    const clock = new ManualClock(T0);
    const bus = createMemoryEventBus();
    const published: number[] = [];
    const hanging: EventBus = {
      ...bus,
      publish: (topic, messages) => {
        if (!topic.startsWith('checks.')) return bus.publish(topic, messages);
        published.push(clock.now() - T0);
        return new Promise<void>(() => undefined);
      },
    };
    const monitor = makeMonitor({ intervalSeconds: 10, updatedAt: iso(T0) });
    const scheduler = createScheduler(
      {
        bus: hanging,
        store: { allMonitors: () => Promise.resolve([monitor]) },
        clock,
        metrics: noopMetrics,
        logger: silentLogger,
      },
      { region: REGION },
    );
    t.after(() => bus.close());
    await scheduler.start();
    clock.advance(100 * SECOND);
    assert.equal(published.length, 10);
    const stopping = scheduler.stop();
    // Stop waits a grace period for the hanging publishes, on the scheduler's clock.
    await waitUntil(() => clock.pendingTimers() > 0, 'grace timer armed');
    clock.advance(5 * SECOND);
    await stopping;
  });

  void it('checks a new monitor within 2 s on a real clock', async (t) => {
    const bus = createMemoryEventBus();
    const monitor = makeMonitor({ intervalSeconds: 60 });
    const scheduler = createScheduler(
      {
        bus,
        store: { allMonitors: () => Promise.resolve([]) },
        clock: systemClock,
        metrics: noopMetrics,
        logger: silentLogger,
      },
      { region: REGION },
    );
    const got: CheckRequest[] = [];
    await bus.subscribe(checksTopic(REGION), 'worker', (batch) => {
      got.push(...batch.map((m) => m.value));
      return Promise.resolve();
    });
    await scheduler.start();
    t.after(async () => {
      await scheduler.stop();
      await bus.close();
    });
    const createdAt = Date.now();
    await bus.publish('monitors', [
      { key: monitor.id, value: { kind: 'upserted', reason: 'created', monitor } },
    ]);
    await waitUntil(() => got.length === 1, 'first check', 2_000);
    assert.ok(Date.now() - createdAt < 2_000);
  });
});

void describe('scheduler: changes', () => {
  void it('stops on pause and starts afresh on resume', async (t) => {
    const h = await setUpScheduler(t);
    const monitor = await h.create({ intervalSeconds: 30 });
    await h.advance(70 * SECOND);
    const paused = await h.change('paused', monitor);
    await h.advance(5 * MINUTE);
    assert.deepEqual(h.timesOf(monitor.id), seconds(0, 30, 60));
    await h.change('resumed', paused);
    await h.advance(65 * SECOND);
    const resumedAt = 70 + 300;
    assert.deepEqual(
      h.timesOf(monitor.id),
      seconds(0, 30, 60, resumedAt, resumedAt + 30, resumedAt + 60),
    );
  });

  void it('uses updated settings from the next check on', async (t) => {
    const h = await setUpScheduler(t);
    const monitor = await h.create({ intervalSeconds: 60, url: 'https://old.example.com/' });
    await h.advance(30 * SECOND);
    await h.change('updated', { ...monitor, url: 'https://new.example.com/' });
    await h.advance(MINUTE);
    assert.deepEqual(
      h.requests.map((r) => [r.scheduledAt - T0, r.probe.url]),
      [
        [0, 'https://old.example.com/'],
        [MINUTE, 'https://new.example.com/'],
      ],
    );
  });

  void it('re-times the next check when the interval changes', async (t) => {
    const h = await setUpScheduler(t);
    const shorter = await h.create({ intervalSeconds: 60 });
    const longer = await h.create({ intervalSeconds: 60 });
    const overdue = await h.create({ intervalSeconds: 60 });
    await h.advance(10 * SECOND);
    await h.change('updated', { ...shorter, intervalSeconds: 20 });
    await h.change('updated', { ...longer, intervalSeconds: 300 });
    await h.advance(40 * SECOND);
    // 50 s after its last check, a 30 s interval is overdue: it is checked at once.
    await h.change('updated', { ...overdue, intervalSeconds: 30 });
    await h.advance(10 * MINUTE - 50 * SECOND);
    assert.deepEqual(h.timesOf(shorter.id), grid(0, 20 * SECOND, 31));
    assert.deepEqual(h.timesOf(longer.id), seconds(0, 300, 600));
    assert.deepEqual(h.timesOf(overdue.id), [0, ...grid(50 * SECOND, 30 * SECOND, 19)]);
    const last = h.requests.filter((r) => r.monitorId === shorter.id).at(-1);
    assert.equal(last?.intervalMs, 20 * SECOND);
  });

  void it('never checks a deleted monitor again', async (t) => {
    const h = await setUpScheduler(t);
    const monitor = await h.create({ intervalSeconds: 5 });
    const kept = await h.create({ intervalSeconds: 5 });
    await h.advance(12 * SECOND);
    await h.remove(monitor);
    await h.advance(MINUTE);
    assert.deepEqual(h.timesOf(monitor.id), seconds(0, 5, 10));
    assert.equal(h.timesOf(kept.id).length, 15);
  });

  void it('ignores a redelivered or outdated change', async (t) => {
    const h = await setUpScheduler(t);
    const monitor = await h.create({ intervalSeconds: 60 });
    await h.advance(5 * SECOND);
    // The same creation again, and an update older than what the scheduler knows.
    await h.publish({ kind: 'upserted', reason: 'created', monitor }, monitor.id);
    const stale = { ...monitor, intervalSeconds: 5, updatedAt: iso(T0 - SECOND) };
    await h.publish({ kind: 'upserted', reason: 'updated', monitor: stale }, monitor.id);
    await h.advance(2 * MINUTE);
    assert.deepEqual(h.timesOf(monitor.id), seconds(0, 60, 120));
  });

  void it('places a replayed creation by phase instead of checking at once', async (t) => {
    const h = await setUpScheduler(t);
    const old = iso(T0 - 3_600 * SECOND);
    const monitor = makeMonitor({ intervalSeconds: 60, createdAt: old, updatedAt: old });
    await h.publish({ kind: 'upserted', reason: 'created', monitor }, monitor.id);
    assert.deepEqual(h.timesOf(monitor.id).length, 0);
    await h.advance(MINUTE);
    assert.equal(h.timesOf(monitor.id).length, 1);
  });
});

void describe('scheduler: retry pacing', () => {
  const failBetween =
    (fromMs: number, untilMs: number) =>
    (r: CheckRequest): 'up' | 'down' =>
      r.scheduledAt >= T0 + fromMs && r.scheduledAt < T0 + untilMs ? 'down' : 'up';

  void it('checks at the retry interval while failing, back to the interval once passing', async (t) => {
    const h = await setUpScheduler(t);
    h.answer = failBetween(60 * SECOND, 95 * SECOND);
    const monitor = await h.create({ intervalSeconds: 60, retryIntervalSeconds: 10 });
    await h.advance(4 * MINUTE, SECOND);
    // Fails at 60, 70, 80, 90; passes at 100; then every 60 s from the pass.
    assert.deepEqual(h.timesOf(monitor.id), seconds(0, 60, 70, 80, 90, 100, 160, 220));
    const paces = h.requests.map((r) => r.intervalMs / SECOND);
    assert.deepEqual(paces, [60, 60, 10, 10, 10, 10, 60, 60]);
  });

  void it('keeps the interval when the retry interval is the same', async (t) => {
    const h = await setUpScheduler(t);
    h.answer = failBetween(60 * SECOND, 150 * SECOND);
    const monitor = await h.create({ intervalSeconds: 60, retryIntervalSeconds: null });
    await h.advance(4 * MINUTE, SECOND);
    assert.deepEqual(h.timesOf(monitor.id), seconds(0, 60, 120, 180, 240));
  });

  void it('ignores results of unknown monitors and stale results', async (t) => {
    const h = await setUpScheduler(t);
    h.answer = () => 'up';
    const monitor = await h.create({ intervalSeconds: 60, retryIntervalSeconds: 10 });
    await h.advance(MINUTE + SECOND, SECOND);
    const stale = makeResult(monitor.id, { status: 'down', checkedAt: iso(T0 + 30 * SECOND) });
    const unknown = makeResult(makeMonitor().id, { status: 'down' });
    await h.bus.publish('results', [
      { key: stale.monitorId, value: stale },
      { key: unknown.monitorId, value: unknown },
    ]);
    await h.advance(2 * MINUTE, SECOND);
    assert.deepEqual(h.timesOf(monitor.id), seconds(0, 60, 120, 180));
  });

  void it('ignores a failure from before a resume', async (t) => {
    const h = await setUpScheduler(t);
    const monitor = await h.create({ intervalSeconds: 60, retryIntervalSeconds: 5 });
    const paused = await h.change('paused', monitor);
    await h.advance(10 * SECOND);
    await h.change('resumed', paused);
    const before = makeResult(monitor.id, { status: 'down', checkedAt: iso(T0) });
    await h.bus.publish('results', [{ key: monitor.id, value: before }]);
    await h.advance(MINUTE, SECOND);
    assert.deepEqual(h.timesOf(monitor.id), seconds(0, 10, 70));
  });
});

void describe('scheduler: start, restart and reconcile', () => {
  void it('checks every monitor within max(2 s, interval) after a restart', async (t) => {
    const h = await setUpScheduler(t);
    const intervals = [1, 2, 5, 30, 60, 300, 3_600];
    const monitors: Monitor[] = [];
    for (const intervalSeconds of intervals) {
      for (let i = 0; i < 20; i++) monitors.push(await h.create({ intervalSeconds }));
    }
    const paused = await h.create({ intervalSeconds: 1, paused: true });
    await h.advance(95 * SECOND + 333);
    await h.scheduler.stop();
    await h.advance(7 * SECOND);
    const restartedAt = h.clock.now();
    h.requests.length = 0;
    await h.restart();
    await h.advance(3_600 * SECOND, 1_000 * SECOND);
    for (const m of monitors) {
      const times = h.timesOf(m.id, restartedAt);
      const bound = Math.max(2 * SECOND, m.intervalSeconds * SECOND);
      assert.ok(
        times[0] !== undefined && times[0] >= 0 && times[0] < bound,
        `${m.intervalSeconds}`,
      );
      // Then on the interval, exactly.
      assert.deepEqual(times, grid(times[0], m.intervalSeconds * SECOND, times.length));
    }
    assert.deepEqual(h.timesOf(paused.id), []);
  });

  void it('spreads 10,000 monitors evenly over their interval after a start', async (t) => {
    const monitors = Array.from({ length: 10_000 }, () => makeMonitor({ intervalSeconds: 60 }));
    const h = await setUpScheduler(t, { seed: monitors });
    await h.advance(MINUTE - 1);
    assert.equal(h.requests.length, monitors.length);
    assert.equal(new Set(h.requests.map((r) => r.monitorId)).size, monitors.length);
    const perSecond = new Array<number>(60).fill(0);
    for (const r of h.requests) {
      const s = Math.floor((r.scheduledAt - T0) / SECOND);
      perSecond[s] = (perSecond[s] ?? 0) + 1;
    }
    const mean = monitors.length / 60;
    assert.ok(Math.max(...perSecond) <= 2 * mean, `busiest second: ${Math.max(...perSecond)}`);
    assert.ok(Math.min(...perSecond) >= mean / 2, `quietest second: ${Math.min(...perSecond)}`);
    assert.ok(h.lateness.every((ms) => ms === 0));
  });

  void it('reconciles with the store: adds, updates and removes what no event brought', async (t) => {
    const h = await setUpScheduler(t, { reconcileIntervalMs: MINUTE });
    const gone = await h.create({ intervalSeconds: 10 });
    const changed = await h.create({ intervalSeconds: 10 });
    const quiet = makeMonitor({ intervalSeconds: 10, createdAt: iso(T0), updatedAt: iso(T0) });
    await h.store.createMonitor(quiet);
    await h.store.deleteMonitor(gone.id);
    const later = iso(T0 + SECOND);
    await h.store.updateMonitor({ ...changed, paused: true, updatedAt: later });
    const before = h.reconciles();
    h.clock.advance(MINUTE);
    await waitUntil(() => h.reconciles() > before, 'reconcile finished');
    await h.settle();
    const at = h.requests.length;
    await h.advance(MINUTE);
    const after = h.requests.slice(at).map((r) => r.monitorId);
    assert.equal(after.filter((id) => id === quiet.id).length, 6);
    assert.equal(after.filter((id) => id === gone.id || id === changed.id).length, 0);
  });

  void it('stops checking and cancels its timers on stop', async (t) => {
    const h = await setUpScheduler(t);
    await h.create({ intervalSeconds: 1 });
    await h.advance(5 * SECOND);
    await h.scheduler.stop();
    const count = h.requests.length;
    assert.equal(h.clock.pendingTimers(), 0);
    await h.advance(MINUTE);
    assert.equal(h.requests.length, count);
  });
});

/** A clock whose timers run only when the test un-blocks it, late, as after a busy loop. */
class StallingClock implements Clock {
  private readonly timers = new Set<{ readonly at: number; readonly fn: () => void }>();
  constructor(private current: number) {}

  now(): number {
    return this.current;
  }

  setTimer(fn: () => void, ms: number): () => void {
    const timer = { at: this.current + ms, fn };
    this.timers.add(timer);
    return () => this.timers.delete(timer);
  }

  /** Jumps `ms` ahead, then runs every timer due by then, all at the new time. */
  stall(ms: number): void {
    this.current += ms;
    for (;;) {
      const due = [...this.timers].filter((t) => t.at <= this.current);
      if (due.length === 0) return;
      for (const t of due) {
        this.timers.delete(t);
        t.fn();
      }
    }
  }
}
