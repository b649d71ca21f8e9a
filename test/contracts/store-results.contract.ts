import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { newMonitorId } from '../../src/domain/ids.js';
import { initialState } from '../../src/domain/status-machine.js';
import type { Store } from '../../src/ports/store.js';
import { checkIdAt, iso, makeMonitor, makeResult } from '../support/factories.js';
import {
  NOW,
  domainEvaluator,
  openStore,
  peekState,
  spyEvaluator,
  type OpenStore,
} from './store-contract-support.js';

async function twoMonitors(
  store: Store,
): Promise<[ReturnType<typeof makeMonitor>, ReturnType<typeof makeMonitor>]> {
  const a = makeMonitor({ name: 'a', createdAt: iso(NOW), updatedAt: iso(NOW) });
  const b = makeMonitor({ name: 'b', createdAt: iso(NOW), updatedAt: iso(NOW) });
  await store.createMonitor(a);
  await store.createMonitor(b);
  return [a, b];
}

export function resultsContract(open: OpenStore): void {
  void describe('recordBatch', () => {
    void test('records new results and reports them as inserted', async (t) => {
      const store = await openStore(t, open);
      const [a, b] = await twoMonitors(store);
      const batch = [
        makeResult(a.id, { checkedAt: iso(NOW + 1000) }),
        makeResult(b.id, { checkedAt: iso(NOW + 1000) }),
        makeResult(a.id, { checkedAt: iso(NOW + 2000), status: 'down' }),
      ];
      const outcome = await store.recordBatch(batch, domainEvaluator);
      assert.equal(outcome.inserted, 3);
      assert.equal(outcome.duplicates, 0);
      assert.equal(outcome.orphans, 0);
      assert.equal((await store.listResults(a.id, { limit: 10 })).length, 2);
      assert.equal((await store.listResults(b.id, { limit: 10 })).length, 1);
    });

    void test('calls the evaluator with fresh results in arrival order and the monitors targeted', async (t) => {
      const store = await openStore(t, open);
      const [a, b] = await twoMonitors(store);
      const batch = [
        makeResult(b.id, { checkedAt: iso(NOW + 3000) }),
        makeResult(a.id, { checkedAt: iso(NOW + 1000) }),
        makeResult(b.id, { checkedAt: iso(NOW + 2000) }),
      ];
      const spy = spyEvaluator();
      await store.recordBatch(batch, spy.evaluate);
      assert.equal(spy.calls.length, 1);
      const call = spy.calls[0];
      assert.deepEqual(call?.fresh, batch);
      assert.deepEqual(call.duplicates, []);
      assert.deepEqual([...call.targets.keys()].sort(), [a.id, b.id].sort());
      assert.deepEqual(call.targets.get(a.id), {
        monitor: a,
        state: initialState(a.id, a.createdAt, false),
      });
      assert.deepEqual(call.targets.get(b.id)?.monitor, b);
    });

    void test('is idempotent on result id: stored and counted once, passed again as duplicates', async (t) => {
      const store = await openStore(t, open);
      const [a, b] = await twoMonitors(store);
      const batch = [
        makeResult(a.id, { checkedAt: iso(NOW - 5000) }),
        makeResult(b.id, { checkedAt: iso(NOW - 4000), status: 'down' }),
        makeResult(a.id, { checkedAt: iso(NOW - 3000), status: 'degraded' }),
      ];
      await store.recordBatch(batch, domainEvaluator);
      const spy = spyEvaluator(domainEvaluator);
      const again = await store.recordBatch(batch, spy.evaluate);
      assert.equal(again.inserted, 0);
      assert.equal(again.duplicates, 3);
      assert.deepEqual(spy.calls[0]?.fresh, []);
      assert.deepEqual(spy.calls[0].duplicates, batch);
      assert.equal((await store.listResults(a.id, { limit: 10 })).length, 2);
      const uptime = await store.uptime(a.id, '1h', NOW);
      assert.equal(uptime.checks, 2);
      const mixed = [makeResult(a.id, { checkedAt: iso(NOW - 2000) }), ...batch];
      const third = await store.recordBatch(mixed, domainEvaluator);
      assert.deepEqual([third.inserted, third.duplicates], [1, 3]);
      assert.equal((await store.uptime(a.id, '1h', NOW)).checks, 3);
    });

    void test('a result repeated within one batch is stored once', async (t) => {
      const store = await openStore(t, open);
      const [a] = await twoMonitors(store);
      const result = makeResult(a.id, { checkedAt: iso(NOW - 1000) });
      const spy = spyEvaluator();
      const outcome = await store.recordBatch([result, result], spy.evaluate);
      assert.deepEqual([outcome.inserted, outcome.duplicates], [1, 1]);
      assert.deepEqual(spy.calls[0]?.fresh, [result]);
      assert.deepEqual(spy.calls[0].duplicates, [result]);
      assert.equal((await store.uptime(a.id, '1h', NOW)).checks, 1);
    });

    void test('writes the states, opened and resolved incidents the evaluator decides', async (t) => {
      const store = await openStore(t, open);
      const [a] = await twoMonitors(store);
      const down = makeResult(a.id, { status: 'down', checkedAt: iso(NOW + 1000) });
      const first = await store.recordBatch([down], domainEvaluator);
      const opened = first.effects.openedIncidents[0];
      assert.ok(opened !== undefined);
      assert.deepEqual(
        first.effects.transitions.map((x) => [x.from, x.to]),
        [['pending', 'down']],
      );
      const entry = (await store.statuses([a.id])).get(a.id);
      assert.deepEqual(
        [entry?.status, entry?.since, entry?.lastCheck],
        ['down', down.checkedAt, down],
      );
      assert.deepEqual((await store.listIncidents({ limit: 10 })).items, [opened]);
      assert.equal((await peekState(store, a.id))?.openIncidentId, opened.id);

      const up = makeResult(a.id, { status: 'up', checkedAt: iso(NOW + 2000) });
      const second = await store.recordBatch([up], domainEvaluator);
      assert.deepEqual([...second.effects.resolvedIncidents.keys()], [opened.id]);
      assert.deepEqual((await store.listIncidents({ limit: 10 })).items, [
        { ...opened, state: 'resolved', resolvedAt: up.checkedAt },
      ]);
      const state = await peekState(store, a.id);
      assert.equal(state?.status, 'up');
      assert.equal(state.openIncidentId, null);
      assert.equal(state.lastCheckId, up.id);
      assert.deepEqual(state.lastTransition, second.effects.transitions[0]);

      const replay = await store.recordBatch([up], domainEvaluator);
      assert.deepEqual(replay.effects.transitions, second.effects.transitions);
      assert.equal((await store.listIncidents({ limit: 10 })).items.length, 1);
    });

    void test('stores nothing of a batch whose evaluator throws, and rethrows its error', async (t) => {
      const store = await openStore(t, open);
      const [a, b] = await twoMonitors(store);
      const batch = [
        makeResult(a.id, { status: 'down', checkedAt: iso(NOW - 2000) }),
        makeResult(b.id, { checkedAt: iso(NOW - 1000) }),
      ];
      const boom = new Error('evaluator failed');
      await assert.rejects(
        store.recordBatch(batch, () => {
          throw boom;
        }),
        (error: unknown) => error === boom,
      );
      assert.deepEqual(await store.listResults(a.id, { limit: 10 }), []);
      assert.deepEqual(await store.listResults(b.id, { limit: 10 }), []);
      assert.equal((await store.uptime(a.id, '1h', NOW)).checks, 0);
      assert.equal((await store.statuses([a.id])).get(a.id)?.status, 'pending');
      assert.deepEqual((await store.listIncidents({ limit: 10 })).items, []);

      const retried = await store.recordBatch(batch, domainEvaluator);
      assert.deepEqual([retried.inserted, retried.duplicates], [2, 0]);
      assert.equal((await store.statuses([a.id])).get(a.id)?.status, 'down');
      assert.equal((await store.listIncidents({ limit: 10 })).items.length, 1);
    });

    void test('drops results of unknown monitors as orphans', async (t) => {
      const store = await openStore(t, open);
      const [a] = await twoMonitors(store);
      const ghost = newMonitorId();
      const kept = makeResult(a.id);
      const spy = spyEvaluator();
      const outcome = await store.recordBatch(
        [makeResult(ghost), kept, makeResult(ghost)],
        spy.evaluate,
      );
      assert.deepEqual([outcome.inserted, outcome.duplicates, outcome.orphans], [1, 0, 2]);
      assert.deepEqual(spy.calls[0]?.fresh, [kept]);
      assert.equal(spy.calls[0].targets.has(ghost), false);
      assert.deepEqual(await store.listResults(ghost, { limit: 10 }), []);
    });

    void test('an empty batch changes nothing', async (t) => {
      const store = await openStore(t, open);
      const outcome = await store.recordBatch([], domainEvaluator);
      assert.deepEqual([outcome.inserted, outcome.duplicates, outcome.orphans], [0, 0, 0]);
    });
  });

  void describe('results and statuses', () => {
    void test('a result round-trips with every field, nulls included', async (t) => {
      const store = await openStore(t, open);
      const [a] = await twoMonitors(store);
      const full = makeResult(a.id, { checkedAt: iso(NOW - 2000), latencyMs: 12.75 });
      const bare = makeResult(a.id, {
        checkedAt: iso(NOW - 1000),
        status: 'down',
        latencyMs: 10_000,
        httpStatus: null,
        error: 'timeout after 10000 ms',
        failureKind: 'timeout',
        region: 'eu-west',
        timings: { dnsMs: null, connectMs: null, tlsMs: null, ttfbMs: null, totalMs: 10_000 },
        tls: null,
      });
      await store.recordBatch([full, bare], domainEvaluator);
      assert.deepEqual(await store.listResults(a.id, { limit: 10 }), [bare, full]);
    });

    void test('listResults is newest first; since is inclusive, until exclusive; limit applies', async (t) => {
      const store = await openStore(t, open);
      const [a, b] = await twoMonitors(store);
      const at = (s: number): string => iso(NOW + s * 1000);
      const r = [1, 2, 3, 4, 5].map((s) =>
        makeResult(a.id, { id: checkIdAt(NOW + s), checkedAt: at(s) }),
      );
      const tie = makeResult(a.id, { id: checkIdAt(NOW + 10), checkedAt: at(3) });
      const shuffled = [r[3], r[0], tie, r[4], r[2], r[1]].filter((x) => x !== undefined);
      await store.recordBatch(
        [...shuffled, makeResult(b.id, { checkedAt: at(3) })],
        domainEvaluator,
      );
      const ids = async (q: { since?: string; until?: string; limit: number }): Promise<string[]> =>
        (await store.listResults(a.id, q)).map((x) => x.id);
      const [r1, r2, r3, r4, r5] = r.map((x) => x.id);
      assert.deepEqual(await ids({ limit: 100 }), [r5, r4, tie.id, r3, r2, r1]);
      assert.deepEqual(await ids({ limit: 2 }), [r5, r4]);
      assert.deepEqual(await ids({ since: at(3), limit: 100 }), [r5, r4, tie.id, r3]);
      assert.deepEqual(await ids({ until: at(3), limit: 100 }), [r2, r1]);
      assert.deepEqual(await ids({ since: at(2), until: at(4), limit: 100 }), [tie.id, r3, r2]);
      assert.deepEqual(await ids({ since: at(2), until: at(4), limit: 1 }), [tie.id]);
    });

    void test('statuses answers many ids at once with the latest result of each', async (t) => {
      const store = await openStore(t, open);
      const [a, b] = await twoMonitors(store);
      const newer = makeResult(a.id, { checkedAt: iso(NOW + 5000) });
      const older = makeResult(a.id, { checkedAt: iso(NOW + 1000) });
      await store.recordBatch([newer], domainEvaluator);
      await store.recordBatch([older], domainEvaluator);
      const unknown = Array.from({ length: 1200 }, () => newMonitorId());
      const statuses = await store.statuses([
        ...unknown.slice(0, 600),
        a.id,
        ...unknown.slice(600),
        b.id,
      ]);
      assert.deepEqual([...statuses.keys()].sort(), [a.id, b.id].sort());
      assert.deepEqual(statuses.get(a.id)?.lastCheck, newer);
      assert.equal(statuses.get(a.id)?.status, 'up');
      assert.deepEqual(statuses.get(b.id), {
        monitorId: b.id,
        status: 'pending',
        since: b.createdAt,
        lastCheck: null,
      });
      assert.deepEqual(await store.statuses([]), new Map());
    });

    void test('deleting a monitor takes its state, results, roll-ups and incidents; later results are orphans', async (t) => {
      const store = await openStore(t, open);
      const [a, b] = await twoMonitors(store);
      await store.recordBatch(
        [
          makeResult(a.id, { status: 'down', checkedAt: iso(NOW - 2000) }),
          makeResult(b.id, { status: 'down', checkedAt: iso(NOW - 2000) }),
        ],
        domainEvaluator,
      );
      assert.equal(await store.deleteMonitor(a.id), true);
      assert.equal(await store.deleteMonitor(a.id), false);
      assert.equal(await store.getMonitor(a.id), undefined);
      assert.deepEqual([...(await store.statuses([a.id, b.id])).keys()], [b.id]);
      assert.deepEqual(await store.listResults(a.id, { limit: 10 }), []);
      assert.equal((await store.uptime(a.id, '24h', NOW)).checks, 0);
      assert.deepEqual((await store.listIncidents({ limit: 10, monitorId: a.id })).items, []);
      assert.equal((await store.listIncidents({ limit: 10 })).items.length, 1);
      assert.deepEqual(
        (await store.allMonitors()).map((m) => m.id),
        [b.id],
      );
      const late = await store.recordBatch([makeResult(a.id)], domainEvaluator);
      assert.deepEqual([late.inserted, late.orphans], [0, 1]);
      assert.equal(await store.getMonitor(a.id), undefined);
    });
  });
}
