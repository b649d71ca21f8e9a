import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { MonitorChanged } from '../../src/domain/events.js';
import { iso, makeMonitor, makeResult } from '../support/factories.js';
import { NOW, noEffects, openStore, type OpenStore } from './store-contract-support.js';

const describeChange = (change: MonitorChanged): string =>
  change.kind === 'deleted'
    ? `deleted ${change.monitorId}`
    : `${change.reason} ${change.monitor.id} ${change.monitor.name}`;

export function outboxContract(open: OpenStore): void {
  void describe('monitor change outbox', () => {
    void test('every monitor write leaves its change in the outbox, in commit order', async (t) => {
      const store = await openStore(t, open);
      const monitor = makeMonitor({ name: 'first' });
      await store.createMonitor(monitor);
      const renamed = { ...monitor, name: 'second', updatedAt: iso(NOW + 1000) };
      await store.updateMonitor(renamed);
      await store.updateMonitor({ ...renamed, paused: true }, { status: 'paused' });
      await store.updateMonitor({ ...renamed, paused: false }, { status: 'pending' });
      await store.deleteMonitor(monitor.id);

      const pending = await store.pendingMonitorChanges(100);
      assert.deepEqual(
        pending.map((e) => describeChange(e.change)),
        [
          `created ${monitor.id} first`,
          `updated ${monitor.id} second`,
          `paused ${monitor.id} second`,
          `resumed ${monitor.id} second`,
          `deleted ${monitor.id}`,
        ],
      );
      const seqs = pending.map((e) => e.seq);
      assert.deepEqual(
        [...seqs].sort((a, b) => a - b),
        seqs,
      );
      const created = pending[0]?.change;
      assert.ok(created?.kind === 'upserted');
      assert.deepEqual(created.monitor, monitor);
    });

    void test('acknowledged entries are gone; the rest stay, oldest first', async (t) => {
      const store = await openStore(t, open);
      for (let i = 0; i < 5; i++) await store.createMonitor(makeMonitor({ name: `m${i}` }));
      const firstTwo = await store.pendingMonitorChanges(2);
      assert.equal(firstTwo.length, 2);
      await store.acknowledgeMonitorChanges([...firstTwo.map((e) => e.seq), 999_999]);
      const rest = await store.pendingMonitorChanges(100);
      assert.deepEqual(
        rest.map((e) => describeChange(e.change).split(' ')[2]),
        ['m2', 'm3', 'm4'],
      );
      await store.acknowledgeMonitorChanges([]);
      assert.equal((await store.pendingMonitorChanges(100)).length, 3);
    });

    void test('writes that change nothing and results leave nothing in the outbox', async (t) => {
      const store = await openStore(t, open);
      const unknown = makeMonitor();
      assert.equal(await store.updateMonitor(unknown), false);
      assert.equal(await store.deleteMonitor(unknown.id), false);
      assert.deepEqual(await store.pendingMonitorChanges(10), []);
      const monitor = makeMonitor();
      await store.createMonitor(monitor);
      const [created] = await store.pendingMonitorChanges(10);
      assert.ok(created);
      await store.acknowledgeMonitorChanges([created.seq]);
      await store.recordBatch([makeResult(monitor.id)], noEffects);
      assert.deepEqual(await store.pendingMonitorChanges(10), []);
    });
  });
}
