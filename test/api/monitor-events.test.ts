import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import type { MonitorChanged } from '../../src/domain/events.js';
import type { Monitor } from '../../src/domain/monitor.js';
import { deferred } from '../contracts/wait-until.js';
import { createMonitor, createTestApp, monitorBody, type TestApp } from './helpers.js';

/** Collects `monitor.changed` messages, so a test can await the ones it expects. */
async function watchMonitors(api: TestApp, t: TestContext) {
  const seen: MonitorChanged[] = [];
  let waiter: { count: number; done: ReturnType<typeof deferred> } | undefined;
  const subscription = await api.bus.subscribe('monitors', 'test-watch', (messages) => {
    for (const m of messages) {
      assert.equal(m.key, m.value.kind === 'deleted' ? m.value.monitorId : m.value.monitor.id);
      seen.push(m.value);
    }
    if (waiter && seen.length >= waiter.count) waiter.done.resolve(undefined);
    return Promise.resolve();
  });
  t.after(() => subscription.close());
  return {
    seen,
    async waitFor(count: number): Promise<MonitorChanged[]> {
      if (seen.length < count) {
        waiter = { count, done: deferred() };
        await waiter.done.promise;
      }
      return seen.slice(0, count);
    },
  };
}

void test('every write publishes monitor.changed after it commits', async (t) => {
  const api = await createTestApp(t);
  const watch = await watchMonitors(api, t);
  const monitor = await createMonitor(api);
  await api.call({
    method: 'PATCH',
    url: `/api/v1/monitors/${monitor.id}`,
    body: { intervalSeconds: 5 },
  });
  await api.call({ method: 'POST', url: `/api/v1/monitors/${monitor.id}/pause` });
  await api.call({ method: 'POST', url: `/api/v1/monitors/${monitor.id}/resume` });
  await api.call({ method: 'DELETE', url: `/api/v1/monitors/${monitor.id}` });

  const events = await watch.waitFor(5);
  assert.deepEqual(
    events.map((e) => (e.kind === 'deleted' ? 'deleted' : e.reason)),
    ['created', 'updated', 'paused', 'resumed', 'deleted'],
  );
  const [created, updated, paused, resumed, deleted] = events;
  assert.ok(created?.kind === 'upserted' && created.monitor.id === monitor.id);
  assert.ok(updated?.kind === 'upserted' && updated.monitor.intervalSeconds === 5);
  assert.ok(paused?.kind === 'upserted' && paused.monitor.paused);
  assert.ok(resumed?.kind === 'upserted' && !resumed.monitor.paused);
  assert.deepEqual(deleted, { kind: 'deleted', monitorId: monitor.id });
});

void test('a failed publish is logged and the write still answers', async (t) => {
  const api = await createTestApp(t);
  api.bus.publish = () => Promise.reject(new Error('broker away'));
  const response = await api.call({ method: 'POST', url: '/api/v1/monitors', body: monitorBody() });
  assert.equal(response.statusCode, 201);
  const id = response.json<Monitor>().id;
  assert.equal((await api.call({ method: 'GET', url: `/api/v1/monitors/${id}` })).statusCode, 200);
});
