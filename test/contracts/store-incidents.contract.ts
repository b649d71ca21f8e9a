import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { uuidv7, type IncidentId, type MonitorId } from '../../src/domain/ids.js';
import type { Incident } from '../../src/domain/incident.js';
import { StoreError, type IncidentQuery, type Store } from '../../src/ports/store.js';
import { iso, makeMonitor, makeResult } from '../support/factories.js';
import {
  NOW,
  collectPages,
  incidentEvaluator,
  openStore,
  type OpenStore,
} from './store-contract-support.js';

function incident(
  monitorId: MonitorId,
  n: number,
  cause: string | null = 'connection refused',
): Incident {
  return {
    id: uuidv7(NOW + n * 1000) as IncidentId,
    monitorId,
    state: 'open',
    startedAt: iso(NOW + n * 1000),
    resolvedAt: null,
    cause,
  };
}

/** Two monitors; incidents 1–6 alternate between them, and 1, 2 and 4 are resolved. */
async function withIncidents(
  store: Store,
): Promise<{ a: MonitorId; b: MonitorId; all: Incident[] }> {
  const a = makeMonitor();
  const b = makeMonitor();
  await store.createMonitor(a);
  await store.createMonitor(b);
  const all = [1, 2, 3, 4, 5, 6].map((n) =>
    incident(n % 2 === 1 ? a.id : b.id, n, n === 6 ? null : 'timeout after 10000 ms'),
  );
  await store.recordBatch([makeResult(a.id)], incidentEvaluator(all));
  const resolvedAt = iso(NOW + 60_000);
  const resolved = new Map(
    all.filter((_, i) => [0, 1, 3].includes(i)).map((x) => [x.id as string, resolvedAt]),
  );
  await store.recordBatch([makeResult(b.id)], incidentEvaluator([], resolved));
  return {
    a: a.id,
    b: b.id,
    all: all.map((x) => (resolved.has(x.id) ? { ...x, state: 'resolved', resolvedAt } : x)),
  };
}

export function incidentsContract(open: OpenStore): void {
  void describe('incidents', () => {
    void test('are listed newest first, every field as written', async (t) => {
      const store = await openStore(t, open);
      const { all } = await withIncidents(store);
      const page = await store.listIncidents({ limit: 100 });
      assert.deepEqual(page, { items: [...all].reverse(), nextCursor: null });
    });

    void test('filter by monitor and by state, alone or together, across pages', async (t) => {
      const store = await openStore(t, open);
      const { a, b, all } = await withIncidents(store);
      const cases: [Omit<IncidentQuery, 'limit' | 'cursor'>, (i: Incident) => boolean][] = [
        [{}, () => true],
        [{ monitorId: a }, (i) => i.monitorId === a],
        [{ state: 'open' }, (i) => i.state === 'open'],
        [{ state: 'resolved' }, (i) => i.state === 'resolved'],
        [{ monitorId: b, state: 'resolved' }, (i) => i.monitorId === b && i.state === 'resolved'],
        [{ monitorId: a, state: 'resolved' }, (i) => i.monitorId === a && i.state === 'resolved'],
      ];
      for (const [filter, keep] of cases) {
        const { items } = await collectPages((cursor) =>
          store.listIncidents({ ...filter, limit: 1, cursor }),
        );
        assert.deepEqual(items, all.filter(keep).reverse(), JSON.stringify(filter));
      }
    });

    void test('a resolved incident keeps its first resolution', async (t) => {
      const store = await openStore(t, open);
      const { all } = await withIncidents(store);
      const first = all[0];
      assert.ok(first !== undefined);
      await store.recordBatch(
        [makeResult(first.monitorId)],
        incidentEvaluator([], new Map([[first.id, iso(NOW + 999_000)]])),
      );
      const page = await store.listIncidents({ limit: 100, state: 'resolved' });
      assert.deepEqual(
        page.items.find((i) => i.id === first.id),
        first,
      );
    });

    void test('a malformed cursor is STORE_CURSOR_INVALID', async (t) => {
      const store = await openStore(t, open);
      await withIncidents(store);
      await assert.rejects(
        store.listIncidents({ limit: 1, cursor: 'garbage' }),
        (error: unknown) => error instanceof StoreError && error.code === 'STORE_CURSOR_INVALID',
      );
    });
  });
}
