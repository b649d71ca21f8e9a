import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ChannelId, DeliveryId } from '../../src/domain/ids.js';
import type { Delivery } from '../../src/domain/notification.js';
import { StoreError, type Store } from '../../src/ports/store.js';
import { deliveryIdAt, iso, makeChannel, makeDelivery, makeMonitor } from '../support/factories.js';
import { NOW, collectPages, openStore, type OpenStore } from './store-contract-support.js';

async function withChannel(store: Store): Promise<ChannelId> {
  const channel = makeChannel();
  await store.createChannel(channel);
  return channel.id;
}

async function find(
  store: Store,
  channelId: ChannelId,
  id: DeliveryId,
): Promise<Delivery | undefined> {
  const { items } = await collectPages((cursor) =>
    store.listDeliveries(channelId, { limit: 100, cursor }),
  );
  return items.find((d) => d.id === id);
}

export function deliveriesContract(open: OpenStore): void {
  void describe('deliveries', () => {
    void test('enqueue stores each (channel, event key) once and counts the new ones', async (t) => {
      const store = await openStore(t, open);
      const c1 = await withChannel(store);
      const c2 = await withChannel(store);
      const monitor = makeMonitor();
      const first = makeDelivery(c1, {
        eventKey: 'check-1',
        monitorId: monitor.id,
        createdAt: iso(NOW),
        nextAttemptAt: NOW,
      });
      assert.equal(await store.enqueueDeliveries([first]), 1);
      assert.equal(
        await store.enqueueDeliveries([
          makeDelivery(c1, { eventKey: 'check-1' }),
          makeDelivery(c2, { eventKey: 'check-1' }),
          makeDelivery(c1, { eventKey: 'check-2' }),
          makeDelivery(c1, { eventKey: 'check-2' }),
        ]),
        2,
      );
      assert.equal(await store.enqueueDeliveries([]), 0);
      assert.deepEqual(await find(store, c1, first.id), {
        ...first,
        state: 'pending',
        attempts: 0,
        lastError: null,
        lastAttemptAt: null,
        deliveredAt: null,
      });
      assert.equal((await store.listDeliveries(c1, { limit: 10 })).items.length, 2);
    });

    void test('claim takes due deliveries, oldest first, and leases them', async (t) => {
      const store = await openStore(t, open);
      const channel = await withChannel(store);
      const d = [3, 1, 2, 50].map((n) => makeDelivery(channel, { nextAttemptAt: NOW + n * 1000 }));
      await store.enqueueDeliveries(d);
      const due = (x: Delivery[]): number[] => x.map((y) => (y.nextAttemptAt ?? 0) - NOW);
      assert.deepEqual(due(await store.claimDueDeliveries(NOW, 10, 30_000)), []);
      assert.deepEqual(due(await store.claimDueDeliveries(NOW + 5000, 2, 30_000)), [1000, 2000]);
      assert.deepEqual(due(await store.claimDueDeliveries(NOW + 5000, 10, 30_000)), [3000]);
      assert.deepEqual(due(await store.claimDueDeliveries(NOW + 20_000, 10, 30_000)), []);
      assert.deepEqual(
        due(await store.claimDueDeliveries(NOW + 35_000, 10, 30_000)),
        [1000, 2000, 3000],
        'an expired lease makes a delivery claimable again',
      );
      assert.deepEqual(due(await store.claimDueDeliveries(NOW + 50_000, 10, 30_000)), [50_000]);
    });

    void test('completeAttempt records a retry, a delivery and a failure', async (t) => {
      const store = await openStore(t, open);
      const channel = await withChannel(store);
      const [retried, delivered, failed] = [1, 2, 3].map((n) =>
        makeDelivery(channel, { id: deliveryIdAt(NOW + n), nextAttemptAt: NOW }),
      );
      assert.ok(retried !== undefined && delivered !== undefined && failed !== undefined);
      await store.enqueueDeliveries([retried, delivered, failed]);
      assert.equal((await store.claimDueDeliveries(NOW, 10, 60_000)).length, 3);

      await store.completeAttempt(retried.id, {
        kind: 'retry',
        at: iso(NOW + 100),
        error: 'status 500',
        nextAttemptAt: NOW + 2000,
      });
      await store.completeAttempt(delivered.id, { kind: 'delivered', at: iso(NOW + 200) });
      await store.completeAttempt(failed.id, {
        kind: 'failed',
        at: iso(NOW + 300),
        error: 'connection refused',
      });

      assert.deepEqual(await find(store, channel, retried.id), {
        ...retried,
        state: 'pending',
        attempts: 1,
        lastError: 'status 500',
        lastAttemptAt: iso(NOW + 100),
        deliveredAt: null,
        nextAttemptAt: NOW + 2000,
      });
      assert.deepEqual(await find(store, channel, delivered.id), {
        ...delivered,
        state: 'delivered',
        attempts: 1,
        lastError: null,
        lastAttemptAt: iso(NOW + 200),
        deliveredAt: iso(NOW + 200),
        nextAttemptAt: null,
      });
      assert.deepEqual(await find(store, channel, failed.id), {
        ...failed,
        state: 'failed',
        attempts: 1,
        lastError: 'connection refused',
        lastAttemptAt: iso(NOW + 300),
        deliveredAt: null,
        nextAttemptAt: null,
      });
      // The retry released its lease: it is due at its new time, long before the lease would end.
      const again = await store.claimDueDeliveries(NOW + 2000, 10, 60_000);
      assert.deepEqual(
        again.map((x) => [x.id, x.attempts]),
        [[retried.id, 1]],
      );
      await store.completeAttempt(retried.id, { kind: 'delivered', at: iso(NOW + 2100) });
      assert.equal((await find(store, channel, retried.id))?.attempts, 2);
      assert.deepEqual(await store.claimDueDeliveries(NOW + 10 * 60_000, 10, 60_000), []);
    });

    void test('listDeliveries is newest first, per channel, across pages', async (t) => {
      const store = await openStore(t, open);
      const channel = await withChannel(store);
      const other = await withChannel(store);
      const mine = Array.from({ length: 7 }, (_, n) =>
        makeDelivery(channel, { id: deliveryIdAt(NOW + n) }),
      );
      await store.enqueueDeliveries([...mine, makeDelivery(other, { id: deliveryIdAt(NOW + 3) })]);
      const { items, pages } = await collectPages((cursor) =>
        store.listDeliveries(channel, { limit: 3, cursor }),
      );
      assert.equal(pages, 3);
      assert.deepEqual(
        items.map((d) => d.id),
        mine.map((d) => d.id).reverse(),
      );
      await assert.rejects(
        store.listDeliveries(channel, { limit: 3, cursor: 'nope' }),
        (error: unknown) => error instanceof StoreError && error.code === 'STORE_CURSOR_INVALID',
      );
    });

    void test('nextDeliveryDueAt is the earliest pending attempt, not before a lease ends', async (t) => {
      const store = await openStore(t, open);
      assert.equal(await store.nextDeliveryDueAt(), null);
      const channel = await withChannel(store);
      const early = makeDelivery(channel, { nextAttemptAt: NOW + 1000 });
      const late = makeDelivery(channel, { nextAttemptAt: NOW + 9000 });
      await store.enqueueDeliveries([late, early]);
      assert.equal(await store.nextDeliveryDueAt(), NOW + 1000);
      await store.claimDueDeliveries(NOW + 1000, 1, 4000);
      assert.equal(await store.nextDeliveryDueAt(), NOW + 5000);
      await store.completeAttempt(early.id, { kind: 'delivered', at: iso(NOW + 1500) });
      assert.equal(await store.nextDeliveryDueAt(), NOW + 9000);
      await store.claimDueDeliveries(NOW + 9000, 1, 4000);
      await store.completeAttempt(late.id, { kind: 'failed', at: iso(NOW + 9500), error: 'gone' });
      assert.equal(await store.nextDeliveryDueAt(), null);
    });
  });
}
