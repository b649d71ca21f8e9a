import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import type { CheckResult } from '../../src/domain/check.js';
import { newCheckId, newMonitorId, type MonitorId } from '../../src/domain/ids.js';
import type { MonitorStatus } from '../../src/domain/status.js';
import type { StatusCache, StatusEntry } from '../../src/ports/status-cache.js';

/**
 * The StatusCache contract (src/ports/status-cache.ts), run by every adapter. Each test uses
 * fresh monitor ids, so that the suite also runs against a shared server.
 */
export function statusCacheContract(name: string, open: () => Promise<StatusCache>): void {
  async function setUp(t: TestContext): Promise<StatusCache> {
    const cache = await open();
    t.after(() => cache.close());
    return cache;
  }

  void describe(`StatusCache contract: ${name}`, () => {
    void it('returns what was set, and misses for unknown monitors', async (t) => {
      const cache = await setUp(t);
      const up = entry(newMonitorId(), 'up', at(10), at(20));
      const pending = entry(newMonitorId(), 'pending', at(5), null);
      await cache.setMany([up, pending]);
      assert.deepEqual(await cache.get(up.monitorId), up);
      assert.deepEqual(await cache.get(pending.monitorId), pending);
      assert.equal(await cache.get(newMonitorId()), undefined);
    });

    void it('reads up to 1,000 ids in one call, leaving out the missing ones', async (t) => {
      const cache = await setUp(t);
      const entries = Array.from({ length: 600 }, () => entry(newMonitorId(), 'up', at(1), at(2)));
      await cache.setMany(entries);
      const missing = Array.from({ length: 400 }, () => newMonitorId());
      const found = await cache.getMany([...entries.map((e) => e.monitorId), ...missing]);
      assert.equal(found.size, 600);
      for (const e of entries) assert.deepEqual(found.get(e.monitorId), e);
      assert.equal((await cache.getMany([])).size, 0);
    });

    void it('never rolls an entry back to an older check', async (t) => {
      const cache = await setUp(t);
      const id = newMonitorId();
      const newer = entry(id, 'down', at(30), at(30));
      const older = entry(id, 'up', at(10), at(20));
      await cache.setMany([newer]);
      await cache.setMany([older]);
      assert.deepEqual(await cache.get(id), newer);
      const newest = entry(id, 'up', at(40), at(40));
      await cache.setMany([newest]);
      assert.deepEqual(await cache.get(id), newest);
    });

    void it('keeps the newest of several entries for one monitor in one call', async (t) => {
      const cache = await setUp(t);
      const id = newMonitorId();
      const newest = entry(id, 'down', at(50), at(50));
      await cache.setMany([
        entry(id, 'up', at(10), at(40)),
        newest,
        entry(id, 'up', at(10), at(45)),
      ]);
      assert.deepEqual(await cache.get(id), newest);
    });

    void it('orders entries without a check by their `since`', async (t) => {
      const cache = await setUp(t);
      const id = newMonitorId();
      const later = entry(id, 'pending', at(20), null);
      await cache.setMany([later]);
      await cache.setMany([entry(id, 'paused', at(10), null)]);
      assert.deepEqual(await cache.get(id), later);
      const checked = entry(id, 'up', at(20), at(25));
      await cache.setMany([checked]);
      assert.deepEqual(await cache.get(id), checked);
    });

    void it('lets a forced entry (pause, resume) replace a newer one', async (t) => {
      const cache = await setUp(t);
      const id = newMonitorId();
      await cache.setMany([entry(id, 'up', at(10), at(60))]);
      const paused = entry(id, 'paused', at(30), null);
      await cache.setMany([paused], { force: true });
      assert.deepEqual(await cache.get(id), paused);
    });

    void it('forgets a deleted monitor', async (t) => {
      const cache = await setUp(t);
      const kept = entry(newMonitorId(), 'up', at(1), at(2));
      const gone = entry(newMonitorId(), 'down', at(1), at(2));
      await cache.setMany([kept, gone]);
      await cache.delete(gone.monitorId);
      await cache.delete(newMonitorId());
      assert.equal(await cache.get(gone.monitorId), undefined);
      assert.deepEqual(
        [...(await cache.getMany([kept.monitorId, gone.monitorId])).keys()],
        [kept.monitorId],
      );
    });

    void it('answers ping', async (t) => {
      const cache = await setUp(t);
      await cache.ping();
      await cache.setMany([]);
    });
  });
}

const BASE_MS = Date.UTC(2026, 0, 1);
/** An ISO instant `seconds` after a fixed base. */
const at = (seconds: number): string => new Date(BASE_MS + seconds * 1000).toISOString();

function entry(
  monitorId: MonitorId,
  status: MonitorStatus,
  since: string,
  checkedAt: string | null,
): StatusEntry {
  return {
    monitorId,
    status,
    since,
    lastCheck: checkedAt === null ? null : check(monitorId, checkedAt, status),
  };
}

function check(monitorId: MonitorId, checkedAt: string, status: MonitorStatus): CheckResult {
  const down = status === 'down';
  return {
    id: newCheckId(),
    monitorId,
    checkedAt,
    status: down ? 'down' : 'up',
    latencyMs: 42.5,
    httpStatus: down ? 503 : 200,
    error: down ? 'status 503 not in 200-399' : null,
    failureKind: down ? 'status' : null,
    region: 'default',
    timings: { dnsMs: 1.5, connectMs: 2, tlsMs: null, ttfbMs: 30, totalMs: 42.5 },
    tls: null,
  };
}
