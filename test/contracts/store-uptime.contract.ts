import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CheckResult } from '../../src/domain/check.js';
import type { MonitorId } from '../../src/domain/ids.js';
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

async function monitorWith(
  store: Store,
  results: readonly {
    readonly agoMs: number;
    readonly status?: CheckStatus;
    readonly latencyMs?: number;
  }[],
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
  for (let i = 0; i < batch.length; i += 500) {
    await store.recordBatch(batch.slice(i, i + 500), domainEvaluator);
  }
  return monitor.id;
}

function assertNear(
  actual: number | null,
  expected: number,
  tolerance: number,
  what: string,
): void {
  assert.ok(actual !== null, `${what} is null`);
  assert.ok(
    Math.abs(actual - expected) <= expected * tolerance,
    `${what}: ${actual} is not within ${tolerance * 100} % of ${expected}`,
  );
}

export function uptimeContract(open: OpenStore): void {
  void describe('uptime and retention', () => {
    void test('each window counts its checks and failures; degraded counts as available', async (t) => {
      const store = await openStore(t, open);
      const id = await monitorWith(store, [
        { agoMs: 50 * MINUTE },
        { agoMs: 40 * MINUTE },
        { agoMs: 30 * MINUTE, status: 'degraded' },
        { agoMs: 20 * MINUTE },
        { agoMs: 10 * MINUTE, status: 'down' },
        { agoMs: 5 * HOUR, status: 'down' },
        { agoMs: 5 * HOUR + MINUTE, status: 'down' },
        { agoMs: 3 * DAY },
        { agoMs: 20 * DAY },
        { agoMs: 20 * DAY + HOUR },
        { agoMs: 60 * DAY, status: 'down' },
        { agoMs: 100 * DAY },
      ]);
      const expected = {
        '1h': [5, 1],
        '24h': [7, 3],
        '7d': [8, 3],
        '30d': [10, 3],
        '90d': [11, 4],
      } as const;
      for (const window of UPTIME_WINDOWS) {
        const [checks, failures] = expected[window];
        const summary = await store.uptime(id, window, NOW);
        assert.equal(summary.window, window);
        assert.deepEqual([summary.checks, summary.failures], [checks, failures], window);
        assertNear(summary.uptime, (checks - failures) / checks, 1e-9, `uptime ${window}`);
      }
    });

    void test('a window without checks has null uptime and latencies', async (t) => {
      const store = await openStore(t, open);
      const id = await monitorWith(store, [{ agoMs: 2 * HOUR }]);
      assert.deepEqual(await store.uptime(id, '1h', NOW), {
        window: '1h',
        uptime: null,
        checks: 0,
        failures: 0,
        latencyMs: { avg: null, p50: null, p95: null, p99: null },
      });
    });

    void test('latency average and percentiles approximate the checks of the window', async (t) => {
      const store = await openStore(t, open);
      const results = Array.from({ length: 1000 }, (_, i) => ({
        agoMs: 50 * MINUTE - i * 2000,
        latencyMs: (i + 1) * 1.5,
      }));
      const id = await monitorWith(store, results);
      for (const window of UPTIME_WINDOWS) {
        const { latencyMs, checks } = await store.uptime(id, window, NOW);
        assert.equal(checks, 1000);
        assertNear(latencyMs.avg, 750.75, 0.001, `avg ${window}`);
        assertNear(latencyMs.p50, 750, 0.06, `p50 ${window}`);
        assertNear(latencyMs.p95, 1425, 0.06, `p95 ${window}`);
        assertNear(latencyMs.p99, 1485, 0.06, `p99 ${window}`);
      }
    });

    void test('latency describes available checks only', async (t) => {
      const store = await openStore(t, open);
      const id = await monitorWith(store, [
        { agoMs: 30 * MINUTE, latencyMs: 200 },
        { agoMs: 20 * MINUTE, latencyMs: 200 },
        { agoMs: 10 * MINUTE, latencyMs: 10_000, status: 'down' },
      ]);
      const summary = await store.uptime(id, '1h', NOW);
      assert.equal(summary.checks, 3);
      assertNear(summary.latencyMs.avg, 200, 0.001, 'avg');
      assertNear(summary.latencyMs.p99, 200, 0.05, 'p99');
      const allDown = await monitorWith(store, [{ agoMs: MINUTE, status: 'down' }]);
      const down = await store.uptime(allDown, '1h', NOW);
      assert.deepEqual([down.uptime, down.checks, down.failures], [0, 1, 1]);
      assert.deepEqual(down.latencyMs, { avg: null, p50: null, p95: null, p99: null });
    });

    void test('retention deletes old raw results; the long windows still answer from roll-ups', async (t) => {
      const store = await openStore(t, open);
      const id = await monitorWith(store, [
        { agoMs: 40 * DAY },
        { agoMs: 40 * DAY + HOUR, status: 'down' },
        { agoMs: 3 * DAY },
        { agoMs: HOUR - MINUTE, status: 'degraded' },
      ]);
      const before = await store.uptime(id, '90d', NOW);
      assert.deepEqual([before.checks, before.failures], [4, 1]);
      const week = await store.uptime(id, '7d', NOW);

      const deleted = await store.applyRetention(NOW - 30 * DAY, NOW);
      assert.ok(deleted >= 2, `deleted ${deleted}`);
      const kept = await store.listResults(id, { limit: 100 });
      assert.deepEqual(
        kept.map((r) => r.checkedAt),
        [iso(NOW - HOUR + MINUTE), iso(NOW - 3 * DAY)],
      );
      assert.deepEqual(await store.uptime(id, '90d', NOW), before);
      assert.deepEqual(await store.uptime(id, '7d', NOW), week);
      assert.equal((await store.uptime(id, '1h', NOW)).checks, 1);
      assert.equal(await store.applyRetention(NOW - 30 * DAY, NOW), 0);
    });

    void test('retention keeps results at the boundary and removes roll-ups past their horizons', async (t) => {
      const store = await openStore(t, open);
      const id = await monitorWith(store, [{ agoMs: 10 * DAY }, { agoMs: 3 * DAY }]);
      const week = await store.uptime(id, '30d', NOW);
      const removed = await store.applyRetention(NOW - 10 * DAY, NOW);
      assert.ok(removed > 0, 'minute roll-ups older than two days are removed');
      assert.equal((await store.listResults(id, { limit: 10 })).length, 2);
      assert.deepEqual(await store.uptime(id, '30d', NOW), week);
      assert.equal(await store.applyRetention(NOW - 10 * DAY, NOW), 0);
      assert.equal(await store.applyRetention(NOW - 10 * DAY + 1, NOW), 1);
    });
  });
}
