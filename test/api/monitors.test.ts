import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MONITOR_DEFAULTS, type Monitor } from '../../src/domain/monitor.js';
import { makeMonitor } from '../support/factories.js';
import { createMonitor, createTestApp, errorOf, monitorBody } from './helpers.js';

interface MonitorList {
  items: (Monitor & { status: string })[];
  nextCursor: string | null;
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
  const monitor = await createMonitor(api, settings);
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

void test('GET /monitors pages with nextCursor, filters by status and tag, bounds limit', async (t) => {
  const api = await createTestApp(t);
  const created: Monitor[] = [];
  for (let i = 0; i < 5; i++) {
    created.push(
      await createMonitor(api, { name: `m${i}`, tags: i % 2 === 0 ? ['even'] : ['odd'] }),
    );
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

void test('a list without limit answers 100 items, and up to 1000 with one', async (t) => {
  const api = await createTestApp(t);
  for (let i = 0; i < 101; i++) await api.store.createMonitor(makeMonitor({ name: `m${i}` }));
  const page = (await api.call({ method: 'GET', url: '/api/v1/monitors' })).json<MonitorList>();
  assert.equal(page.items.length, 100);
  assert.ok(page.nextCursor);
  const all = (
    await api.call({ method: 'GET', url: '/api/v1/monitors?limit=1000' })
  ).json<MonitorList>();
  assert.equal(all.items.length, 101);
  assert.equal(all.nextCursor, null);
});

void test('the list takes statuses from the cache and falls back to the store', async (t) => {
  const api = await createTestApp(t);
  const fromCache = await createMonitor(api, { name: 'cached' });
  const fromStore = await createMonitor(api, { name: 'stored' });
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
  const monitor = await createMonitor(api, { keyword: 'ok', tags: ['a'] });
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
  const monitor = await createMonitor(api);
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
  const monitor = await createMonitor(api);
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

test('a cached status that contradicts pause or resume is not believed', async (t) => {
  const api = await createTestApp(t);
  const created = await createMonitor(api);
  const id = created.id;
  await api.call({ method: 'POST', url: `/api/v1/monitors/${id}/pause` });
  // As if the pause's cache write had failed: the cache still says up.
  await api.cache.setMany(
    [{ monitorId: id, status: 'up', since: new Date().toISOString(), lastCheck: null }],
    { force: true },
  );
  const status = (await api.call({ method: 'GET', url: `/api/v1/monitors/${id}/status` })).json<{
    status: string;
  }>();
  assert.equal(status.status, 'paused');
  const list = (await api.call({ method: 'GET', url: '/api/v1/monitors' })).json<{
    items: { status: string }[];
  }>();
  assert.equal(list.items[0]?.status, 'paused');
});
