import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MonitorChanged } from '../../src/domain/events.js';
import { MONITOR_DEFAULTS, type Monitor } from '../../src/domain/monitor.js';
import { deferred } from '../contracts/wait-until.js';
import { createTestApp, errorOf, monitorBody, type TestApp } from './helpers.js';

interface MonitorList {
  items: (Monitor & { status: string })[];
  nextCursor: string | null;
}

async function create(api: TestApp, overrides: Record<string, unknown> = {}): Promise<Monitor> {
  const response = await api.call({
    method: 'POST',
    url: '/api/v1/monitors',
    body: monitorBody(overrides),
  });
  assert.equal(response.statusCode, 201, response.body);
  return response.json<Monitor>();
}

/** Collects `monitor.changed` messages, so a test can await the ones it expects. */
async function watchMonitors(api: TestApp, t: Parameters<typeof createTestApp>[0]) {
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

void test('POST /monitors answers 201 with Location and every default applied', async (t) => {
  const api = await createTestApp(t);
  const response = await api.call({ method: 'POST', url: '/api/v1/monitors', body: monitorBody() });
  assert.equal(response.statusCode, 201);
  const monitor = response.json<Monitor>();
  assert.equal(response.headers.location, `/api/v1/monitors/${monitor.id}`);
  assert.match(monitor.id, /^[0-9a-f-]{36}$/);
  assert.equal(monitor.createdAt, monitor.updatedAt);
  assert.match(monitor.createdAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  const { id: _id, createdAt: _c, updatedAt: _u, name, url, ...rest } = monitor;
  assert.deepEqual({ name, url }, monitorBody());
  assert.deepEqual(rest, MONITOR_DEFAULTS);

  const got = await api.call({ method: 'GET', url: `/api/v1/monitors/${monitor.id}` });
  assert.equal(got.statusCode, 200);
  assert.deepEqual(got.json(), monitor);
});

void test('POST /monitors keeps every setting it is given', async (t) => {
  const api = await createTestApp(t);
  const settings = {
    name: 'Checkout',
    url: 'http://shop.example.com/health?deep=1',
    method: 'POST',
    headers: { 'X-Api-Key': 'k' },
    body: '{"probe":true}',
    intervalSeconds: 30,
    timeoutSeconds: 2.5,
    expectedStatus: ['200', '300-308'],
    keyword: 'ok',
    invertKeyword: true,
    maxLatencyMs: 750,
    retries: 3,
    retryIntervalSeconds: 10,
    followRedirects: false,
    verifyTls: false,
    paused: true,
    tags: ['prod', 'eu'],
  };
  const monitor = await create(api, settings);
  assert.deepEqual(
    { ...monitor, id: undefined, createdAt: undefined, updatedAt: undefined },
    {
      ...settings,
      type: 'http',
      notificationChannelIds: [],
      id: undefined,
      createdAt: undefined,
      updatedAt: undefined,
    },
  );
  const list = (await api.call({ method: 'GET', url: '/api/v1/monitors' })).json<MonitorList>();
  assert.equal(list.items[0]?.status, 'paused', 'created paused');
});

void test('refused monitor bodies are 400 validation_failed with the field path', async (t) => {
  const api = await createTestApp(t);
  const cases: [string, Record<string, unknown>, string][] = [
    ['unknown field', { color: 'red' }, '/color'],
    ['read-only id', { id: '01a21c68-bfde-7e18-a577-f292001d5b83' }, '/id'],
    ['read-only createdAt', { createdAt: '2026-01-01T00:00:00.000Z' }, '/createdAt'],
    ['read-only updatedAt', { updatedAt: '2026-01-01T00:00:00.000Z' }, '/updatedAt'],
    ['read-only status', { status: 'up' }, '/status'],
    ['bad URL', { url: 'not a url' }, '/url'],
    ['ftp URL', { url: 'ftp://example.com/' }, '/url'],
    ['interval 0', { intervalSeconds: 0 }, '/intervalSeconds'],
    ['interval not an integer', { intervalSeconds: 1.5 }, '/intervalSeconds'],
    ['interval as text', { intervalSeconds: '60' }, '/intervalSeconds'],
    ['timeout 0.05', { timeoutSeconds: 0.05 }, '/timeoutSeconds'],
    ['expectedStatus "abc"', { expectedStatus: 'abc' }, '/expectedStatus'],
    ['expectedStatus ["abc"]', { expectedStatus: ['abc'] }, '/expectedStatus/0'],
    ['expectedStatus ["399-200"]', { expectedStatus: ['399-200'] }, '/expectedStatus/0'],
    ['method', { method: 'TRACE' }, '/method'],
    ['retries', { retries: 11 }, '/retries'],
    ['invertKeyword without keyword', { invertKeyword: true }, '/invertKeyword'],
    ['empty name', { name: '' }, '/name'],
    ['name too long', { name: 'x'.repeat(201) }, '/name'],
    ['maxLatencyMs as text', { maxLatencyMs: 'fast' }, '/maxLatencyMs'],
    ['bad header name', { headers: { 'bad name': 'x' } }, '/headers/bad name'],
  ];
  for (const [what, overrides, path] of cases) {
    const response = await api.call({
      method: 'POST',
      url: '/api/v1/monitors',
      body: monitorBody(overrides),
    });
    assert.equal(response.statusCode, 400, what);
    const error = errorOf(response);
    assert.equal(error.code, 'validation_failed', what);
    assert.ok(
      error.details.some((d) => d.path === path),
      `${what}: ${JSON.stringify(error.details)}`,
    );
  }
  const readOnly = errorOf(
    await api.call({
      method: 'POST',
      url: '/api/v1/monitors',
      body: monitorBody({ status: 'up' }),
    }),
  );
  assert.match(readOnly.details[0]?.message ?? '', /read-only/);

  const missing = errorOf(
    await api.call({ method: 'POST', url: '/api/v1/monitors', body: { name: 'No URL' } }),
  );
  assert.deepEqual(missing.details, [{ path: '/url', message: 'is required' }]);

  const list = (await api.call({ method: 'GET', url: '/api/v1/monitors' })).json<MonitorList>();
  assert.equal(list.items.length, 0, 'a refused request changes nothing');
});

void test('notificationChannelIds must name existing channels', async (t) => {
  const api = await createTestApp(t);
  const channel = (
    await api.call({
      method: 'POST',
      url: '/api/v1/notification-channels',
      body: { name: 'Ops', type: 'webhook', url: 'https://hooks.example.com/x' },
    })
  ).json<{ id: string }>();
  const unknown = '01a21c68-bfde-7e18-a577-f292001d5b83';
  const refused = await api.call({
    method: 'POST',
    url: '/api/v1/monitors',
    body: monitorBody({ notificationChannelIds: [channel.id, unknown] }),
  });
  assert.equal(refused.statusCode, 400);
  assert.deepEqual(
    errorOf(refused).details.map((d) => d.path),
    ['/notificationChannelIds/1'],
  );

  const monitor = await create(api, { notificationChannelIds: [channel.id] });
  const patched = await api.call({
    method: 'PATCH',
    url: `/api/v1/monitors/${monitor.id}`,
    body: { notificationChannelIds: [unknown] },
  });
  assert.equal(patched.statusCode, 400);
  assert.equal(errorOf(patched).details[0]?.path, '/notificationChannelIds/0');
});

void test('GET /monitors pages with nextCursor, filters by status and tag, bounds limit', async (t) => {
  const api = await createTestApp(t);
  const created: Monitor[] = [];
  for (let i = 0; i < 5; i++) {
    created.push(await create(api, { name: `m${i}`, tags: i % 2 === 0 ? ['even'] : ['odd'] }));
  }
  const seen: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const query: string = cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`;
    const response = await api.call({ method: 'GET', url: `/api/v1/monitors?limit=2${query}` });
    assert.equal(response.statusCode, 200);
    const page = response.json<MonitorList>();
    assert.ok(page.items.length <= 2);
    seen.push(...page.items.map((m) => m.id));
    for (const item of page.items) assert.equal(item.status, 'pending');
    cursor = page.nextCursor;
    pages++;
  } while (cursor !== null && pages < 10);
  // Creation order is id order; ids minted in the same millisecond tie-break at random.
  assert.deepEqual(seen, created.map((m) => m.id).sort(), 'every monitor once, in id order');

  const tagged = (
    await api.call({ method: 'GET', url: '/api/v1/monitors?tag=odd' })
  ).json<MonitorList>();
  assert.deepEqual(tagged.items.map((m) => m.name).sort(), ['m1', 'm3']);
  assert.equal(tagged.nextCursor, null);

  const target = created[2];
  assert.ok(target);
  await api.call({ method: 'POST', url: `/api/v1/monitors/${target.id}/pause` });
  const paused = (
    await api.call({ method: 'GET', url: '/api/v1/monitors?status=paused' })
  ).json<MonitorList>();
  assert.deepEqual(
    paused.items.map((m) => [m.id, m.status]),
    [[target.id, 'paused']],
  );

  const defaultLimit = await api.call({ method: 'GET', url: '/api/v1/monitors' });
  assert.equal(defaultLimit.json<MonitorList>().items.length, 5);
  const max = await api.call({ method: 'GET', url: '/api/v1/monitors?limit=1000' });
  assert.equal(max.statusCode, 200);
  for (const bad of [
    'limit=0',
    'limit=1001',
    'limit=abc',
    'status=sleeping',
    'cursor=garbage',
    'color=red',
  ]) {
    const response = await api.call({ method: 'GET', url: `/api/v1/monitors?${bad}` });
    assert.equal(response.statusCode, 400, bad);
    assert.equal(errorOf(response).code, 'validation_failed');
    assert.equal(errorOf(response).details[0]?.path, `/${bad.split('=')[0] ?? ''}`, bad);
  }
});

void test('the list takes statuses from the cache and falls back to the store', async (t) => {
  const api = await createTestApp(t);
  const fromCache = await create(api, { name: 'cached' });
  const fromStore = await create(api, { name: 'stored' });
  await api.cache.setMany([
    { monitorId: fromCache.id, status: 'up', since: new Date().toISOString(), lastCheck: null },
  ]);
  const list = (await api.call({ method: 'GET', url: '/api/v1/monitors' })).json<MonitorList>();
  const statuses = new Map(list.items.map((m) => [m.id, m.status]));
  assert.equal(statuses.get(fromCache.id), 'up');
  assert.equal(statuses.get(fromStore.id), 'pending');
});

void test('PATCH merges onto the stored settings and validates the whole', async (t) => {
  const api = await createTestApp(t);
  const monitor = await create(api, { keyword: 'ok', tags: ['a'] });
  const response = await api.call({
    method: 'PATCH',
    url: `/api/v1/monitors/${monitor.id}`,
    body: { intervalSeconds: 30, tags: ['b'] },
  });
  assert.equal(response.statusCode, 200);
  const patched = response.json<Monitor>();
  assert.equal(patched.intervalSeconds, 30);
  assert.deepEqual(patched.tags, ['b']);
  assert.equal(patched.keyword, 'ok', 'unchanged settings stay');
  assert.equal(patched.createdAt, monitor.createdAt);
  assert.ok(patched.updatedAt >= monitor.updatedAt);
  assert.deepEqual(
    (await api.call({ method: 'GET', url: `/api/v1/monitors/${monitor.id}` })).json(),
    patched,
  );

  // Valid alone, invalid merged: the stored keyword is cleared while invertKeyword is set.
  const merged = await api.call({
    method: 'PATCH',
    url: `/api/v1/monitors/${monitor.id}`,
    body: { keyword: null, invertKeyword: true },
  });
  assert.equal(merged.statusCode, 400);
  assert.equal(errorOf(merged).details[0]?.path, '/invertKeyword');

  for (const body of [{ id: monitor.id }, { status: 'up' }, { updatedAt: 'x' }, { nope: 1 }]) {
    const refused = await api.call({
      method: 'PATCH',
      url: `/api/v1/monitors/${monitor.id}`,
      body,
    });
    assert.equal(refused.statusCode, 400, JSON.stringify(body));
    assert.equal(errorOf(refused).details[0]?.path, `/${Object.keys(body)[0] ?? ''}`);
  }
  const after = (
    await api.call({ method: 'GET', url: `/api/v1/monitors/${monitor.id}` })
  ).json<Monitor>();
  assert.deepEqual(after, patched, 'refused patches change nothing');
});

void test('pause and resume set the monitor and its status; resume leaves it pending', async (t) => {
  const api = await createTestApp(t);
  const monitor = await create(api);
  await api.cache.setMany([
    { monitorId: monitor.id, status: 'up', since: new Date().toISOString(), lastCheck: null },
  ]);

  const paused = await api.call({ method: 'POST', url: `/api/v1/monitors/${monitor.id}/pause` });
  assert.equal(paused.statusCode, 200);
  assert.equal(paused.json<Monitor>().paused, true);
  const status = await api.call({ method: 'GET', url: `/api/v1/monitors/${monitor.id}/status` });
  assert.equal(status.json<{ status: string }>().status, 'paused');
  assert.equal((await api.cache.get(monitor.id))?.status, 'paused');

  const again = await api.call({ method: 'POST', url: `/api/v1/monitors/${monitor.id}/pause` });
  assert.equal(again.statusCode, 200, 'pausing a paused monitor is harmless');

  const resumed = await api.call({
    method: 'POST',
    url: `/api/v1/monitors/${monitor.id}/resume`,
    headers: { 'content-type': 'application/json' },
  });
  assert.equal(resumed.statusCode, 200, 'an empty JSON body is accepted');
  assert.equal(resumed.json<Monitor>().paused, false);
  const after = await api.call({ method: 'GET', url: `/api/v1/monitors/${monitor.id}/status` });
  assert.equal(after.json<{ status: string }>().status, 'pending');
  assert.equal((await api.store.statuses([monitor.id])).get(monitor.id)?.status, 'pending');

  const viaPatch = await api.call({
    method: 'PATCH',
    url: `/api/v1/monitors/${monitor.id}`,
    body: { paused: true },
  });
  assert.equal(viaPatch.statusCode, 200);
  const patchedStatus = await api.call({
    method: 'GET',
    url: `/api/v1/monitors/${monitor.id}/status`,
  });
  assert.equal(patchedStatus.json<{ status: string }>().status, 'paused', 'PATCH paused pauses');
});

void test('DELETE answers 204, then the monitor is gone', async (t) => {
  const api = await createTestApp(t);
  const monitor = await create(api);
  const deleted = await api.call({ method: 'DELETE', url: `/api/v1/monitors/${monitor.id}` });
  assert.equal(deleted.statusCode, 204);
  assert.equal(deleted.body, '');
  for (const url of [
    `/api/v1/monitors/${monitor.id}`,
    `/api/v1/monitors/${monitor.id}/status`,
    `/api/v1/monitors/${monitor.id}/results`,
  ]) {
    assert.equal((await api.call({ method: 'GET', url })).statusCode, 404, url);
  }
  const twice = await api.call({ method: 'DELETE', url: `/api/v1/monitors/${monitor.id}` });
  assert.equal(twice.statusCode, 404);
});

void test('unknown and malformed ids are 404 not_found on every monitor route', async (t) => {
  const api = await createTestApp(t);
  const unknown = '01a21c68-bfde-7e18-a577-f292001d5b83';
  for (const id of [unknown, 'not-a-uuid', '42']) {
    const routes: ['GET' | 'PATCH' | 'DELETE' | 'POST', string, unknown?][] = [
      ['GET', `/api/v1/monitors/${id}`],
      ['PATCH', `/api/v1/monitors/${id}`, { name: 'x' }],
      ['DELETE', `/api/v1/monitors/${id}`],
      ['POST', `/api/v1/monitors/${id}/pause`],
      ['POST', `/api/v1/monitors/${id}/resume`],
      ['GET', `/api/v1/monitors/${id}/status`],
      ['GET', `/api/v1/monitors/${id}/results`],
      ['GET', `/api/v1/monitors/${id}/uptime`],
    ];
    for (const [method, url, body] of routes) {
      const response = await api.call({ method, url, body });
      assert.equal(response.statusCode, 404, `${method} ${url}`);
      assert.equal(errorOf(response).code, 'not_found');
    }
  }
});

void test('every write publishes monitor.changed after it commits', async (t) => {
  const api = await createTestApp(t);
  const watch = await watchMonitors(api, t);
  const monitor = await create(api);
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
