import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CheckResult } from '../../src/domain/check.js';
import { newMonitorId, type MonitorId } from '../../src/domain/ids.js';
import type { CheckStatus } from '../../src/domain/status.js';
import { UPTIME_WINDOWS } from '../../src/domain/uptime.js';
import type { Store } from '../../src/ports/store.js';
import { iso, makeMonitor, makeResult } from '../support/factories.js';
import {
  DAY,
  HOUR,
  MINUTE,
  NOW,
  domainEvaluator,
  openStore,
  type OpenStore,
} from './store-contract-support.js';

/** Results around every edge the windows have: minutes, hours and days either side of each. */
const EDGES = [
  30_000,
  5 * MINUTE,
  59 * MINUTE,
  61 * MINUTE,
  2 * HOUR + 10 * MINUTE,
  12 * HOUR + 30_000,
  23 * HOUR + 59 * MINUTE,
  DAY,
  DAY + 30_000,
  DAY + MINUTE,
  DAY + HOUR,
  3 * DAY + 7 * HOUR,
  7 * DAY - HOUR,
  7 * DAY + 30 * MINUTE,
  7 * DAY + HOUR,
  15 * DAY,
  30 * DAY - 2 * HOUR,
  30 * DAY + 20 * MINUTE,
  30 * DAY + HOUR,
  60 * DAY,
  89 * DAY + 23 * HOUR,
  90 * DAY,
  90 * DAY + 13 * HOUR,
  91 * DAY,
];

async function monitorWith(
  store: Store,
  results: readonly { agoMs: number; status?: CheckStatus; latencyMs?: number }[],
): Promise<MonitorId> {
  const monitor = makeMonitor();
  await store.createMonitor(monitor);
  const batch: CheckResult[] = results.map((r) =>
    makeResult(monitor.id, {
      checkedAt: iso(NOW - r.agoMs),
      status: r.status ?? 'up',
      latencyMs: r.latencyMs ?? 100,
    }),
  );
  if (batch.length > 0) await store.recordBatch(batch, domainEvaluator);
  return monitor.id;
}

const statusAt = (i: number): CheckStatus =>
  i % 5 === 0 ? 'down' : i % 7 === 0 ? 'degraded' : 'up';

export function uptimeBatchContract(open: OpenStore): void {
  void describe('uptime of many monitors, and per day', () => {
    void test('getMonitors answers the known monitors among the ids', async (t) => {
      const store = await openStore(t, open);
      const a = makeMonitor({ name: 'A' });
      const b = makeMonitor({ name: 'B', tags: ['x'] });
      await store.createMonitor(a);
      await store.createMonitor(b);
      const found = await store.getMonitors([b.id, newMonitorId(), a.id, b.id]);
      assert.deepEqual(
        [...found].sort((x, y) => x.name.localeCompare(y.name)),
        [a, b],
      );
      assert.deepEqual(await store.getMonitors([]), []);
    });

    void test('uptimeMany answers what uptime answers, for every window', async (t) => {
      const store = await openStore(t, open);
      const busy = await monitorWith(
        store,
        EDGES.map((agoMs, i) => ({ agoMs, status: statusAt(i), latencyMs: 50 + 10 * i })),
      );
      const sparse = await monitorWith(store, [{ agoMs: 2 * DAY, latencyMs: 80 }]);
      const idle = await monitorWith(store, []);
      const unknown = newMonitorId();
      for (const window of UPTIME_WINDOWS) {
        const many = await store.uptimeMany([busy, unknown, sparse, idle, busy], window, NOW);
        assert.deepEqual([...many.keys()].sort(), [busy, sparse, idle].sort(), window);
        for (const id of [busy, sparse, idle]) {
          assert.deepEqual(many.get(id), await store.uptime(id, window, NOW), `${window} ${id}`);
        }
      }
      // Also when now sits on a bucket boundary.
      for (const now of [NOW - 30_000, NOW - 30_000 - 12 * HOUR]) {
        for (const window of UPTIME_WINDOWS) {
          const many = await store.uptimeMany([busy], window, now);
          assert.deepEqual(many.get(busy), await store.uptime(busy, window, now), window);
        }
      }
      assert.equal((await store.uptimeMany([], '24h', NOW)).size, 0);
      assert.equal((await store.uptimeMany([unknown], '24h', NOW)).size, 0);
    });

    void test('dailyUptime has one entry per UTC day, oldest first, ending today', async (t) => {
      const store = await openStore(t, open);
      const today = Math.floor(NOW / DAY) * DAY;
      const id = await monitorWith(store, [
        { agoMs: 60_000 },
        { agoMs: 2 * 60_000, status: 'down' },
        { agoMs: NOW - today + 1 },
        { agoMs: NOW - today + 2 * DAY - HOUR, status: 'degraded' },
        { agoMs: NOW - today + 2 * DAY - 2 * HOUR, status: 'down' },
        { agoMs: NOW - today + 89 * DAY - 1 },
        { agoMs: NOW - today + 90 * DAY - 1, status: 'down' },
      ]);
      const days = await store.dailyUptime(id, 90, NOW);
      assert.equal(days.length, 90);
      assert.equal(days[89]?.date, '2026-01-15');
      const first = new Date(today - 89 * DAY).toISOString().slice(0, 10);
      const fiftieth = new Date(today - 39 * DAY).toISOString().slice(0, 10);
      assert.deepEqual(days[89], { date: '2026-01-15', checks: 2, failures: 1, uptime: 0.5 });
      assert.deepEqual(days[88], { date: '2026-01-14', checks: 1, failures: 0, uptime: 1 });
      assert.deepEqual(days[87], { date: '2026-01-13', checks: 2, failures: 1, uptime: 0.5 });
      assert.deepEqual(days[0], { date: first, checks: 1, failures: 0, uptime: 1 });
      assert.deepEqual(days[50], { date: fiftieth, checks: 0, failures: 0, uptime: null });
      for (let i = 1; i < days.length; i++) {
        assert.equal(Date.parse(days[i]?.date ?? '') - Date.parse(days[i - 1]?.date ?? ''), DAY);
      }
      const checks = days.reduce((sum, d) => sum + d.checks, 0);
      assert.equal(checks, 6, 'the day before the first is not counted');

      assert.deepEqual(await store.dailyUptime(id, 1, NOW), [days[89]]);
      const long = await store.dailyUptime(id, 400, NOW);
      assert.equal(long.length, 400);
      assert.deepEqual(long.slice(-90), days);
      assert.equal(
        long.reduce((sum, d) => sum + d.checks, 0),
        7,
      );
    });

    void test('dailyUptime of an unknown monitor is empty days', async (t) => {
      const store = await openStore(t, open);
      const days = await store.dailyUptime(newMonitorId(), 3, NOW);
      assert.deepEqual(days, [
        { date: '2026-01-13', checks: 0, failures: 0, uptime: null },
        { date: '2026-01-14', checks: 0, failures: 0, uptime: null },
        { date: '2026-01-15', checks: 0, failures: 0, uptime: null },
      ]);
    });

    void test('dailyUptimeMany answers what dailyUptime answers, for the known ids', async (t) => {
      const store = await openStore(t, open);
      const a = await monitorWith(
        store,
        EDGES.map((agoMs, i) => ({ agoMs, status: statusAt(i) })),
      );
      const b = await monitorWith(store, [{ agoMs: 3 * DAY, status: 'down' }]);
      const idle = await monitorWith(store, []);
      const many = await store.dailyUptimeMany([a, newMonitorId(), b, idle, a], 90, NOW);
      assert.deepEqual([...many.keys()].sort(), [a, b, idle].sort());
      for (const id of [a, b, idle]) {
        assert.deepEqual(many.get(id), await store.dailyUptime(id, 90, NOW));
      }
      assert.equal((await store.dailyUptimeMany([], 90, NOW)).size, 0);
    });
  });
}
