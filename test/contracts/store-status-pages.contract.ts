import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { newMonitorId, uuidv7, type StatusPageId } from '../../src/domain/ids.js';
import type { StatusPage } from '../../src/domain/status-page.js';
import { StoreError, type Store } from '../../src/ports/store.js';
import { iso, makeMonitor } from '../support/factories.js';
import { NOW, collectPages, openStore, type OpenStore } from './store-contract-support.js';

let pages = 0;

function makeStatusPage(overrides: Partial<StatusPage> = {}): StatusPage {
  const at = iso(Date.now());
  pages += 1;
  return {
    id: uuidv7() as StatusPageId,
    slug: `page-${pages}`,
    title: 'Example status',
    description: null,
    monitorIds: [],
    createdAt: at,
    updatedAt: at,
    ...overrides,
  };
}

const isConflict = (error: unknown): boolean =>
  error instanceof StoreError && error.code === 'STORE_CONFLICT';

async function monitors(store: Store, count: number) {
  const list = Array.from({ length: count }, () => makeMonitor());
  for (const m of list) await store.createMonitor(m);
  return list.map((m) => m.id);
}

export function statusPagesContract(open: OpenStore): void {
  void describe('status pages', () => {
    void test('a page round-trips by id and by slug, monitors in the order given', async (t) => {
      const store = await openStore(t, open);
      const [a, b, c] = await monitors(store, 3);
      assert.ok(a !== undefined && b !== undefined && c !== undefined);
      const page = makeStatusPage({
        slug: 'acme',
        title: 'Acme — “status” <ünïcode>',
        description: 'Line one\nline two',
        monitorIds: [c, a, b],
      });
      const empty = makeStatusPage();
      await store.createStatusPage(page);
      await store.createStatusPage(empty);
      assert.deepEqual(await store.getStatusPage(page.id), page);
      assert.deepEqual(await store.getStatusPageBySlug('acme'), page);
      assert.deepEqual(await store.getStatusPage(empty.id), empty);
      assert.equal(await store.getStatusPage(uuidv7() as StatusPageId), undefined);
      assert.equal(await store.getStatusPageBySlug('nope'), undefined);
    });

    void test('ids that name no monitor are left out of the stored page', async (t) => {
      const store = await openStore(t, open);
      const [a] = await monitors(store, 1);
      assert.ok(a !== undefined);
      const page = makeStatusPage({ monitorIds: [newMonitorId(), a] });
      await store.createStatusPage(page);
      assert.deepEqual((await store.getStatusPage(page.id))?.monitorIds, [a]);
    });

    void test('a slug belongs to one page: creating or renaming onto it is STORE_CONFLICT', async (t) => {
      const store = await openStore(t, open);
      const first = makeStatusPage({ slug: 'shared' });
      await store.createStatusPage(first);
      await assert.rejects(store.createStatusPage(makeStatusPage({ slug: 'shared' })), isConflict);
      const second = makeStatusPage({ slug: 'other' });
      await store.createStatusPage(second);
      await assert.rejects(store.updateStatusPage({ ...second, slug: 'shared' }), isConflict);
      assert.deepEqual(await store.getStatusPage(second.id), second);
      // Keeping its own slug is no conflict.
      assert.equal(await store.updateStatusPage({ ...first, title: 'Renamed' }), true);
      assert.equal((await store.getStatusPageBySlug('shared'))?.title, 'Renamed');
    });

    void test('listStatusPages pages in creation order', async (t) => {
      const store = await openStore(t, open);
      const [a] = await monitors(store, 1);
      assert.ok(a !== undefined);
      const all = Array.from({ length: 7 }, (_, n) =>
        makeStatusPage({ id: uuidv7(NOW + n) as StatusPageId, monitorIds: n === 2 ? [a] : [] }),
      );
      for (const page of [...all].reverse()) await store.createStatusPage(page);
      const { items, pages: count } = await collectPages((cursor) =>
        store.listStatusPages({ limit: 3, cursor }),
      );
      assert.equal(count, 3);
      assert.deepEqual(items, all);
      await assert.rejects(
        store.listStatusPages({ limit: 3, cursor: 'nope' }),
        (error: unknown) => error instanceof StoreError && error.code === 'STORE_CURSOR_INVALID',
      );
    });

    void test('updateStatusPage replaces everything but the id and creation time', async (t) => {
      const store = await openStore(t, open);
      const [a, b, c] = await monitors(store, 3);
      assert.ok(a !== undefined && b !== undefined && c !== undefined);
      const page = makeStatusPage({ monitorIds: [a, b] });
      await store.createStatusPage(page);
      const changed: StatusPage = {
        ...page,
        slug: 'renamed',
        title: 'New title',
        description: 'Now described',
        monitorIds: [c, a],
        updatedAt: iso(Date.parse(page.updatedAt) + 1000),
      };
      assert.equal(await store.updateStatusPage(changed), true);
      assert.deepEqual(await store.getStatusPage(page.id), changed);
      assert.equal(await store.getStatusPageBySlug(page.slug), undefined);
      assert.equal(await store.updateStatusPage(makeStatusPage()), false);
    });

    void test('deleting a page answers true once; its monitors stay', async (t) => {
      const store = await openStore(t, open);
      const [a] = await monitors(store, 1);
      assert.ok(a !== undefined);
      const page = makeStatusPage({ monitorIds: [a] });
      await store.createStatusPage(page);
      assert.equal(await store.deleteStatusPage(page.id), true);
      assert.equal(await store.deleteStatusPage(page.id), false);
      assert.equal(await store.getStatusPage(page.id), undefined);
      assert.equal(await store.getStatusPageBySlug(page.slug), undefined);
      assert.ok((await store.getMonitor(a)) !== undefined);
      // The slug is free again.
      await store.createStatusPage(makeStatusPage({ slug: page.slug }));
    });

    void test('a monitor is public while it is on at least one page', async (t) => {
      const store = await openStore(t, open);
      const [a, b, hidden] = await monitors(store, 3);
      assert.ok(a !== undefined && b !== undefined && hidden !== undefined);
      const one = makeStatusPage({ monitorIds: [a, b] });
      const two = makeStatusPage({ monitorIds: [a] });
      await store.createStatusPage(one);
      await store.createStatusPage(two);
      assert.equal(await store.isMonitorPublic(a), true);
      assert.equal(await store.isMonitorPublic(b), true);
      assert.equal(await store.isMonitorPublic(hidden), false);
      assert.equal(await store.isMonitorPublic(newMonitorId()), false);

      await store.updateStatusPage({ ...one, monitorIds: [a] });
      assert.equal(await store.isMonitorPublic(b), false);
      await store.deleteStatusPage(one.id);
      assert.equal(await store.isMonitorPublic(a), true);
      await store.deleteStatusPage(two.id);
      assert.equal(await store.isMonitorPublic(a), false);
    });

    void test('deleting a monitor takes it off every page, which keep their updatedAt', async (t) => {
      const store = await openStore(t, open);
      const [a, gone, c] = await monitors(store, 3);
      assert.ok(a !== undefined && gone !== undefined && c !== undefined);
      const one = makeStatusPage({ monitorIds: [a, gone, c] });
      const two = makeStatusPage({ monitorIds: [gone] });
      await store.createStatusPage(one);
      await store.createStatusPage(two);
      assert.equal(await store.deleteMonitor(gone), true);
      assert.deepEqual(await store.getStatusPage(one.id), { ...one, monitorIds: [a, c] });
      assert.deepEqual(await store.getStatusPage(two.id), { ...two, monitorIds: [] });
      assert.equal(await store.isMonitorPublic(gone), false);
    });
  });
}
