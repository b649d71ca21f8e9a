import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { newChannelId } from '../../src/domain/ids.js';
import { StoreError } from '../../src/ports/store.js';
import { channelIdAt, iso, makeChannel, makeDelivery, makeMonitor } from '../support/factories.js';
import { NOW, collectPages, openStore, type OpenStore } from './store-contract-support.js';

export function channelsContract(open: OpenStore): void {
  void describe('notification channels', () => {
    void test('a channel round-trips, with or without a secret', async (t) => {
      const store = await openStore(t, open);
      const plain = makeChannel();
      const signed = makeChannel({ name: 'Signed', secret: 's3cr3t-ünïcode' });
      await store.createChannel(plain);
      await store.createChannel(signed);
      assert.deepEqual(await store.getChannel(plain.id), plain);
      assert.deepEqual(await store.getChannel(signed.id), signed);
      assert.equal(await store.getChannel(newChannelId()), undefined);
    });

    void test('getChannels returns the known ones of the ids asked for', async (t) => {
      const store = await openStore(t, open);
      const [a, b, c] = [1, 2, 3].map((n) => makeChannel({ id: channelIdAt(NOW + n) }));
      assert.ok(a !== undefined && b !== undefined && c !== undefined);
      for (const channel of [a, b, c]) await store.createChannel(channel);
      const found = await store.getChannels([c.id, newChannelId(), a.id]);
      assert.deepEqual(found.map((x) => x.id).sort(), [a.id, c.id].sort());
      assert.deepEqual(
        found.find((x) => x.id === c.id),
        c,
      );
      assert.deepEqual(await store.getChannels([]), []);
    });

    void test('listChannels pages in creation order', async (t) => {
      const store = await openStore(t, open);
      const channels = Array.from({ length: 7 }, (_, n) =>
        makeChannel({ id: channelIdAt(NOW + n) }),
      );
      for (const channel of channels) await store.createChannel(channel);
      const { items, pages } = await collectPages((cursor) =>
        store.listChannels({ limit: 3, cursor }),
      );
      assert.equal(pages, 3);
      assert.deepEqual(items, channels);
      await assert.rejects(
        store.listChannels({ limit: 3, cursor: 'nope' }),
        (error: unknown) => error instanceof StoreError && error.code === 'STORE_CURSOR_INVALID',
      );
    });

    void test('updateChannel replaces it; an unknown one answers false', async (t) => {
      const store = await openStore(t, open);
      const channel = makeChannel({ secret: 'old' });
      await store.createChannel(channel);
      const changed = {
        ...channel,
        name: 'Renamed',
        url: 'https://hooks.example.org/new',
        secret: null,
        updatedAt: iso(Date.parse(channel.updatedAt) + 1000),
      };
      assert.equal(await store.updateChannel(changed), true);
      assert.deepEqual(await store.getChannel(channel.id), changed);
      assert.equal(await store.updateChannel(makeChannel()), false);
    });

    void test('deleting a channel removes it from monitors and deletes its deliveries', async (t) => {
      const store = await openStore(t, open);
      const gone = makeChannel();
      const stays = makeChannel();
      await store.createChannel(gone);
      await store.createChannel(stays);
      const other = newChannelId();
      const m1 = makeMonitor({ notificationChannelIds: [stays.id, gone.id, other] });
      const m2 = makeMonitor({ notificationChannelIds: [gone.id] });
      const m3 = makeMonitor({ notificationChannelIds: [stays.id], name: `not ${gone.id}` });
      for (const m of [m1, m2, m3]) await store.createMonitor(m);
      await store.enqueueDeliveries([
        makeDelivery(gone.id, { nextAttemptAt: NOW }),
        makeDelivery(stays.id, { nextAttemptAt: NOW + 5 }),
      ]);

      assert.equal(await store.deleteChannel(gone.id), true);
      assert.equal(await store.deleteChannel(gone.id), false);
      assert.equal(await store.getChannel(gone.id), undefined);
      assert.deepEqual(await store.getMonitor(m1.id), {
        ...m1,
        notificationChannelIds: [stays.id, other],
      });
      assert.deepEqual(await store.getMonitor(m2.id), { ...m2, notificationChannelIds: [] });
      assert.deepEqual(await store.getMonitor(m3.id), m3);
      assert.deepEqual((await store.listDeliveries(gone.id, { limit: 10 })).items, []);
      assert.equal(await store.nextDeliveryDueAt(), NOW + 5);
      const claimed = await store.claimDueDeliveries(NOW + 10, 10, 1000);
      assert.deepEqual(
        claimed.map((d) => d.channelId),
        [stays.id],
      );
    });
  });
}
