import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MonitorId } from '../../src/domain/ids.js';
import type { CheckStatus } from '../../src/domain/status.js';
import { makeResult } from '../support/factories.js';
import {
  TOKEN,
  createMonitor,
  createTestApp,
  errorOf,
  simpleEvaluator,
  type TestApp,
} from './helpers.js';

const DAY = 86_400_000;

interface Daily {
  items: { date: string; checks: number; failures: number; uptime: number | null }[];
}

interface Batch {
  items: {
    monitorId: string;
    window: string;
    uptime: number | null;
    checks: number;
    failures: number;
    latencyMs: Record<string, number | null>;
  }[];
}

async function record(
  api: TestApp,
  monitorId: string,
  results: readonly { agoMs: number; status: CheckStatus }[],
): Promise<void> {
  const now = Date.now();
  await api.store.recordBatch(
    results.map((r) =>
      makeResult(monitorId as MonitorId, {
        status: r.status,
        checkedAt: new Date(now - r.agoMs).toISOString(),
      }),
    ),
    simpleEvaluator,
  );
}

void test('GET daily answers one entry per UTC day, oldest first, ending today', async (t) => {
  const api = await createTestApp(t);
  const monitor = await createMonitor(api);
  await record(api, monitor.id, [
    { agoMs: 1000, status: 'up' },
    { agoMs: 2000, status: 'down' },
    { agoMs: 3 * DAY, status: 'up' },
  ]);
  const response = await api.call({ method: 'GET', url: `/api/v1/monitors/${monitor.id}/daily` });
  assert.equal(response.statusCode, 200);
  const { items } = response.json<Daily>();
  assert.equal(items.length, 90);
  const today = new Date().toISOString().slice(0, 10);
  assert.equal(items.at(-1)?.date, today);
  assert.equal(
    items.reduce((sum, d) => sum + d.checks, 0),
    3,
  );
  assert.ok(items.some((d) => d.checks === 1 && d.uptime === 1));
  assert.ok(items.some((d) => d.checks === 0 && d.uptime === null));
  assert.deepEqual(Object.keys(items[0] ?? {}).sort(), ['checks', 'date', 'failures', 'uptime']);

  const week = await api.call({
    method: 'GET',
    url: `/api/v1/monitors/${monitor.id}/daily?days=7`,
  });
  assert.deepEqual(week.json<Daily>().items, items.slice(-7));
  const year = await api.call({
    method: 'GET',
    url: `/api/v1/monitors/${monitor.id}/daily?days=400`,
  });
  assert.equal(year.json<Daily>().items.length, 400);
});

void test('GET daily refuses a bad day count and an unknown monitor', async (t) => {
  const api = await createTestApp(t);
  const monitor = await createMonitor(api);
  for (const days of ['0', '401', 'x']) {
    const response = await api.call({
      method: 'GET',
      url: `/api/v1/monitors/${monitor.id}/daily?days=${days}`,
    });
    assert.equal(response.statusCode, 400, days);
    assert.equal(errorOf(response).details[0]?.path, '/days');
  }
  const unknown = await api.call({
    method: 'GET',
    url: '/api/v1/monitors/01a21c68-bfde-7e18-a577-f292001d5b83/daily',
  });
  assert.equal(unknown.statusCode, 404);
  assert.equal(errorOf(unknown).code, 'not_found');
  const noToken = await api.call({
    method: 'GET',
    url: `/api/v1/monitors/${monitor.id}/daily`,
    token: null,
  });
  assert.equal(noToken.statusCode, 401);
});

void test('GET uptime answers the known monitors among the ids, in the order asked', async (t) => {
  const api = await createTestApp(t);
  const [a, b, idle] = [
    await createMonitor(api, { name: 'a' }),
    await createMonitor(api, { name: 'b' }),
    await createMonitor(api, { name: 'idle' }),
  ];
  await record(api, a.id, [
    { agoMs: 60_000, status: 'up' },
    { agoMs: 120_000, status: 'down' },
  ]);
  await record(api, b.id, [{ agoMs: 60_000, status: 'degraded' }]);
  const unknown = '01a21c68-bfde-7e18-a577-f292001d5b83';
  const ids = [b.id, unknown, 'garbage', a.id, idle.id, b.id].join(',');
  const response = await api.call({ method: 'GET', url: `/api/v1/uptime?ids=${ids}` });
  assert.equal(response.statusCode, 200, response.body);
  const { items } = response.json<Batch>();
  assert.deepEqual(
    items.map((i) => i.monitorId),
    [b.id, a.id, idle.id],
  );
  for (const item of items) {
    const single = await api.call({
      method: 'GET',
      url: `/api/v1/monitors/${item.monitorId}/uptime?window=24h`,
    });
    assert.deepEqual(item, { monitorId: item.monitorId, ...single.json<object>() });
  }
  assert.deepEqual(
    items.map((i) => [i.checks, i.failures, i.uptime]),
    [
      [1, 0, 1],
      [2, 1, 0.5],
      [0, 0, null],
    ],
  );

  const week = await api.call({ method: 'GET', url: `/api/v1/uptime?window=7d&ids=${a.id}` });
  assert.equal(week.json<Batch>().items[0]?.window, '7d');
  assert.deepEqual((await api.call({ method: 'GET', url: '/api/v1/uptime' })).json(), {
    items: [],
  });
  assert.deepEqual((await api.call({ method: 'GET', url: '/api/v1/uptime?ids=' })).json(), {
    items: [],
  });
});

void test('GET uptime refuses more than 1000 ids, a bad window, and no token', async (t) => {
  const api = await createTestApp(t);
  const many = Array.from(
    { length: 1001 },
    (_, i) => `01a21c68-bfde-7e18-a577-${String(i).padStart(12, '0')}`,
  ).join(',');
  const tooMany = await api.call({ method: 'GET', url: `/api/v1/uptime?ids=${many}` });
  assert.equal(tooMany.statusCode, 400);
  assert.equal(errorOf(tooMany).details[0]?.path, '/ids');
  const window = await api.call({ method: 'GET', url: '/api/v1/uptime?window=2d&ids=' });
  assert.equal(window.statusCode, 400);
  assert.equal(errorOf(window).details[0]?.path, '/window');
  const noToken = await api.call({ method: 'GET', url: '/api/v1/uptime?ids=', token: null });
  assert.equal(noToken.statusCode, 401);
});

void test('GET uptime takes 1000 ids in one query string over a real socket', async (t) => {
  const api = await createTestApp(t);
  const monitor = await createMonitor(api);
  const base = await api.app.listen({ port: 0, host: '127.0.0.1' });
  const ids = [
    ...Array.from(
      { length: 999 },
      (_, i) => `01a21c68-bfde-7e18-a577-${String(i).padStart(12, '0')}`,
    ),
    monitor.id,
  ].join(',');
  const response = await fetch(`${base}/api/v1/uptime?window=24h&ids=${ids}`, {
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  assert.equal(response.status, 200);
  const body = (await response.json()) as Batch;
  assert.deepEqual(
    body.items.map((i) => i.monitorId),
    [monitor.id],
  );
});
