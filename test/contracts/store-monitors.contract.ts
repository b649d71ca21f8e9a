import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { newMonitorId, type MonitorId } from '../../src/domain/ids.js';
import { initialState } from '../../src/domain/status-machine.js';
import { StoreError, type Store } from '../../src/ports/store.js';
import {
  iso,
  makeFullMonitor,
  makeMonitor,
  makeResult,
  monitorIdAt,
} from '../support/factories.js';
import {
  NOW,
  collectPages,
  domainEvaluator,
  openStore,
  peekState,
  spyEvaluator,
  type OpenStore,
} from './store-contract-support.js';

async function createMany(store: Store, count: number, tags: string[] = []): Promise<MonitorId[]> {
  const ids: MonitorId[] = [];
  for (let i = 0; i < count; i++) {
    const monitor = makeMonitor({ id: monitorIdAt(NOW + i), name: `m${i}`, tags });
    await store.createMonitor(monitor);
    ids.push(monitor.id);
  }
  return ids;
}

export function monitorsContract(open: OpenStore): void {
  void describe('monitors', () => {
    void test('migrate runs again without harm and ping answers', async (t) => {
      const store = await openStore(t, open);
      await store.migrate();
      await store.ping();
    });

    void test('a monitor round-trips with every setting chosen', async (t) => {
      const store = await openStore(t, open);
      const monitor = makeFullMonitor();
      await store.createMonitor(monitor);
      assert.deepEqual(await store.getMonitor(monitor.id), monitor);
      assert.deepEqual(await store.allMonitors(), [monitor]);
    });

    void test('a monitor round-trips with defaults, nulls and empty lists', async (t) => {
      const store = await openStore(t, open);
      const monitor = makeMonitor({
        headers: {},
        tags: [],
        notificationChannelIds: [],
        body: null,
      });
      await store.createMonitor(monitor);
      assert.deepEqual(await store.getMonitor(monitor.id), monitor);
    });

    void test('an unknown monitor reads as undefined; update and delete answer false', async (t) => {
      const store = await openStore(t, open);
      const ghost = makeMonitor();
      assert.equal(await store.getMonitor(ghost.id), undefined);
      assert.equal(await store.updateMonitor(ghost), false);
      assert.equal(await store.updateMonitor(ghost, { status: 'paused' }), false);
      assert.equal(await store.deleteMonitor(ghost.id), false);
      assert.deepEqual(await store.statuses([ghost.id]), new Map());
    });

    void test('a new monitor starts pending, or paused, since it was created', async (t) => {
      const store = await openStore(t, open);
      const active = makeMonitor({ createdAt: iso(NOW), updatedAt: iso(NOW) });
      const paused = makeMonitor({
        paused: true,
        createdAt: iso(NOW + 1),
        updatedAt: iso(NOW + 1),
      });
      await store.createMonitor(active);
      await store.createMonitor(paused);
      const statuses = await store.statuses([active.id, paused.id]);
      assert.deepEqual(statuses.get(active.id), {
        monitorId: active.id,
        status: 'pending',
        since: iso(NOW),
        lastCheck: null,
      });
      assert.deepEqual(statuses.get(paused.id), {
        monitorId: paused.id,
        status: 'paused',
        since: iso(NOW + 1),
        lastCheck: null,
      });
      const spy = spyEvaluator();
      await store.recordBatch([makeResult(active.id)], spy.evaluate);
      assert.deepEqual(
        spy.calls[0]?.targets.get(active.id)?.state,
        initialState(active.id, iso(NOW), false),
      );
    });

    void test('listMonitors pages in creation order with no item repeated or missed', async (t) => {
      const store = await openStore(t, open);
      const ids = await createMany(store, 23);
      const { items, pages } = await collectPages((cursor) =>
        store.listMonitors({ limit: 5, cursor }),
      );
      assert.equal(pages, 5);
      assert.deepEqual(
        items.map((m) => m.id),
        ids,
      );
      const exact = await store.listMonitors({ limit: 23 });
      assert.equal(exact.items.length, 23);
      assert.equal(exact.nextCursor, null);
      const empty = await store.listMonitors({ limit: 5, tag: 'nothing-has-this' });
      assert.deepEqual(empty, { items: [], nextCursor: null });
    });

    void test('cursors stay valid while monitors are created and deleted between pages', async (t) => {
      const store = await openStore(t, open);
      const ids = await createMany(store, 10);
      const first = await store.listMonitors({ limit: 4 });
      assert.ok(first.nextCursor !== null);
      await store.deleteMonitor(ids[3] ?? newMonitorId());
      const late = makeMonitor({ id: monitorIdAt(NOW + 1000) });
      await store.createMonitor(late);
      const rest = await collectPages((cursor) =>
        store.listMonitors({ limit: 4, cursor: cursor ?? first.nextCursor ?? undefined }),
      );
      assert.deepEqual(
        rest.items.map((m) => m.id),
        [...ids.slice(4), late.id],
      );
    });

    void test('the status filter reads the current state', async (t) => {
      const store = await openStore(t, open);
      const [pending1, pending2, up1, up2] = await createMany(store, 4);
      const paused = makeMonitor({ id: monitorIdAt(NOW + 10), paused: true });
      await store.createMonitor(paused);
      assert.ok(up1 !== undefined && up2 !== undefined);
      await store.recordBatch([makeResult(up1), makeResult(up2)], domainEvaluator);
      const ids = async (status: 'pending' | 'up' | 'paused' | 'down'): Promise<string[]> =>
        (
          await collectPages((cursor) => store.listMonitors({ limit: 1, status, cursor }))
        ).items.map((m) => m.id);
      assert.deepEqual(await ids('pending'), [pending1, pending2]);
      assert.deepEqual(await ids('up'), [up1, up2]);
      assert.deepEqual(await ids('paused'), [paused.id]);
      assert.deepEqual(await ids('down'), []);
    });

    void test('the tag filter matches a whole tag exactly, alone or with a status', async (t) => {
      const store = await openStore(t, open);
      const make = async (i: number, tags: string[], paused = false): Promise<MonitorId> => {
        const monitor = makeMonitor({ id: monitorIdAt(NOW + i), tags, paused });
        await store.createMonitor(monitor);
        return monitor.id;
      };
      const a = await make(1, ['prod']);
      await make(2, ['production']);
      await make(3, ['Prod']);
      const d = await make(4, ['eu', 'prod']);
      const e = await make(5, ['prod'], true);
      await make(6, []);
      const tagged = await collectPages((cursor) =>
        store.listMonitors({ limit: 2, tag: 'prod', cursor }),
      );
      assert.deepEqual(
        tagged.items.map((m) => m.id),
        [a, d, e],
      );
      const pausedProd = await store.listMonitors({ limit: 10, tag: 'prod', status: 'paused' });
      assert.deepEqual(
        pausedProd.items.map((m) => m.id),
        [e],
      );
      const some = await store.listMonitors({ limit: 10, tag: 'pro' });
      assert.deepEqual(some.items, []);
    });

    void test('a malformed cursor is STORE_CURSOR_INVALID', async (t) => {
      const store = await openStore(t, open);
      await createMany(store, 3);
      const page = await store.listMonitors({ limit: 1 });
      assert.ok(page.nextCursor !== null);
      const bad = [
        'not a cursor',
        '!!!',
        Buffer.from('hello').toString('base64url'),
        page.nextCursor.slice(0, -4),
      ];
      for (const cursor of bad) {
        await assert.rejects(
          store.listMonitors({ limit: 1, cursor }),
          (error: unknown) => error instanceof StoreError && error.code === 'STORE_CURSOR_INVALID',
          `cursor ${JSON.stringify(cursor)}`,
        );
      }
    });

    void test('updateMonitor replaces the settings, keeps createdAt and the state', async (t) => {
      const store = await openStore(t, open);
      const before = makeMonitor({ tags: ['old'], createdAt: iso(NOW), updatedAt: iso(NOW) });
      await store.createMonitor(before);
      await store.recordBatch(
        [makeResult(before.id, { checkedAt: iso(NOW + 1) })],
        domainEvaluator,
      );
      const after = makeFullMonitor({
        id: before.id,
        createdAt: before.createdAt,
        updatedAt: iso(NOW + 5000),
        tags: ['new'],
      });
      assert.equal(await store.updateMonitor(after), true);
      assert.deepEqual(await store.getMonitor(before.id), after);
      assert.deepEqual((await store.listMonitors({ limit: 10, tag: 'old' })).items, []);
      assert.deepEqual((await store.listMonitors({ limit: 10, tag: 'new' })).items, [after]);
      assert.equal((await store.statuses([before.id])).get(before.id)?.status, 'up');
    });

    void test('pause and resume set the status since updatedAt and reset the failure count', async (t) => {
      const store = await openStore(t, open);
      const monitor = makeMonitor({ retries: 5, createdAt: iso(NOW), updatedAt: iso(NOW) });
      await store.createMonitor(monitor);
      await store.recordBatch(
        [
          makeResult(monitor.id, { status: 'up', checkedAt: iso(NOW + 1000) }),
          makeResult(monitor.id, { status: 'down', checkedAt: iso(NOW + 2000) }),
          makeResult(monitor.id, { status: 'down', checkedAt: iso(NOW + 3000) }),
        ],
        domainEvaluator,
      );
      const stateOf = async (): Promise<unknown> => {
        const state = await peekState(store, monitor.id);
        return (
          state && { status: state.status, since: state.since, failures: state.consecutiveFailures }
        );
      };
      assert.deepEqual(await stateOf(), { status: 'up', since: iso(NOW + 1000), failures: 2 });

      const paused = { ...monitor, paused: true, updatedAt: iso(NOW + 10_000) };
      assert.equal(await store.updateMonitor(paused, { status: 'paused' }), true);
      assert.deepEqual(await stateOf(), {
        status: 'paused',
        since: iso(NOW + 10_000),
        failures: 0,
      });
      assert.equal((await store.statuses([monitor.id])).get(monitor.id)?.status, 'paused');

      const resumed = { ...monitor, paused: false, updatedAt: iso(NOW + 20_000) };
      assert.equal(await store.updateMonitor(resumed, { status: 'pending' }), true);
      assert.deepEqual(await stateOf(), {
        status: 'pending',
        since: iso(NOW + 20_000),
        failures: 0,
      });
      const entry = (await store.statuses([monitor.id])).get(monitor.id);
      assert.equal(entry?.status, 'pending');
      assert.equal(entry.since, iso(NOW + 20_000));
      assert.equal(entry.lastCheck?.checkedAt, iso(NOW + 3000));
    });
  });
}
