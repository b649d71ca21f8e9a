import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout } from 'node:timers/promises';
import type { CheckResult } from '../../src/domain/check.js';
import type { Incident } from '../../src/domain/incident.js';
import { makeResult } from '../support/factories.js';
import { createMonitor, createTestApp, errorOf, simpleEvaluator } from './helpers.js';

const MINUTE = 60_000;

async function seeded(t: Parameters<typeof createTestApp>[0]) {
  const api = await createTestApp(t);
  const monitor = await createMonitor(api, { name: 'seeded' });
  const now = Date.now();
  // Oldest first: up, up, down (incident opens), up (it resolves), down (another opens).
  const statuses = ['up', 'up', 'down', 'up', 'down'] as const;
  const results = statuses.map((status, i) =>
    makeResult(monitor.id, {
      status,
      checkedAt: new Date(now - (statuses.length - i) * MINUTE).toISOString(),
      latencyMs: 100 + i * 10,
    }),
  );
  // Incident ids are minted when a batch is evaluated and order the list: one batch per
  // millisecond keeps their order that of the outages.
  for (const batch of [results.slice(0, 4), results.slice(4)]) {
    await api.store.recordBatch(batch, simpleEvaluator);
    await setTimeout(2);
  }
  return { api, monitor, results, now };
}

void test('GET status answers the current status, since, and the latest check', async (t) => {
  const { api, monitor, results } = await seeded(t);
  const response = await api.call({ method: 'GET', url: `/api/v1/monitors/${monitor.id}/status` });
  assert.equal(response.statusCode, 200);
  const last = results.at(-1);
  assert.deepEqual(response.json(), {
    monitorId: monitor.id,
    status: 'down',
    since: last?.checkedAt,
    lastCheck: last,
  });

  const fresh = await createMonitor(api, { name: 'fresh' });
  const pending = await api.call({ method: 'GET', url: `/api/v1/monitors/${fresh.id}/status` });
  assert.deepEqual(
    { ...pending.json<object>(), since: undefined },
    { monitorId: fresh.id, status: 'pending', since: undefined, lastCheck: null },
  );
});

void test('GET status prefers the cache entry', async (t) => {
  const { api, monitor, results } = await seeded(t);
  const newest: CheckResult = makeResult(monitor.id, { status: 'degraded' });
  await api.cache.setMany([
    { monitorId: monitor.id, status: 'degraded', since: newest.checkedAt, lastCheck: newest },
  ]);
  const response = await api.call({ method: 'GET', url: `/api/v1/monitors/${monitor.id}/status` });
  assert.equal(response.json<{ status: string }>().status, 'degraded');
  assert.notEqual(response.json<{ lastCheck: CheckResult }>().lastCheck.id, results.at(-1)?.id);
});

void test('GET results answers newest first, within since/until, at most limit', async (t) => {
  const { api, monitor, results } = await seeded(t);
  const newestFirst = [...results].reverse();
  const all = await api.call({ method: 'GET', url: `/api/v1/monitors/${monitor.id}/results` });
  assert.equal(all.statusCode, 200);
  assert.deepEqual(all.json(), { items: newestFirst });

  const limited = await api.call({
    method: 'GET',
    url: `/api/v1/monitors/${monitor.id}/results?limit=2`,
  });
  assert.deepEqual(
    limited.json<{ items: CheckResult[] }>().items.map((r) => r.id),
    newestFirst.slice(0, 2).map((r) => r.id),
  );

  const since = results[1]?.checkedAt ?? '';
  const until = results[3]?.checkedAt ?? '';
  const windowed = await api.call({
    method: 'GET',
    url: `/api/v1/monitors/${monitor.id}/results?since=${since}&until=${until}`,
  });
  assert.deepEqual(
    windowed.json<{ items: CheckResult[] }>().items.map((r) => r.id),
    [results[2]?.id, results[1]?.id],
    'since inclusive, until exclusive',
  );

  for (const bad of [
    'since=yesterday',
    'until=2026-13-01T00:00:00Z',
    'limit=0',
    'limit=1001',
    `since=${until}&until=${since}`,
  ]) {
    const response = await api.call({
      method: 'GET',
      url: `/api/v1/monitors/${monitor.id}/results?${bad}`,
    });
    assert.equal(response.statusCode, 400, bad);
    assert.equal(errorOf(response).code, 'validation_failed');
  }
});

void test('GET uptime summarises a window; a bad window is 400', async (t) => {
  const { api, monitor } = await seeded(t);
  const response = await api.call({ method: 'GET', url: `/api/v1/monitors/${monitor.id}/uptime` });
  assert.equal(response.statusCode, 200);
  const summary = response.json<{
    window: string;
    uptime: number;
    checks: number;
    failures: number;
    latencyMs: Record<string, number | null>;
  }>();
  assert.equal(summary.window, '24h', 'the default window');
  assert.equal(summary.checks, 5);
  assert.equal(summary.failures, 2);
  assert.equal(summary.uptime, 3 / 5);
  assert.deepEqual(Object.keys(summary.latencyMs).sort(), ['avg', 'p50', 'p95', 'p99']);
  assert.ok(typeof summary.latencyMs.p50 === 'number');

  for (const window of ['1h', '7d', '30d', '90d']) {
    const each = await api.call({
      method: 'GET',
      url: `/api/v1/monitors/${monitor.id}/uptime?window=${window}`,
    });
    assert.equal(each.statusCode, 200, window);
    assert.equal(each.json<{ window: string }>().window, window);
  }
  const bad = await api.call({
    method: 'GET',
    url: `/api/v1/monitors/${monitor.id}/uptime?window=2w`,
  });
  assert.equal(bad.statusCode, 400);
  assert.equal(errorOf(bad).details[0]?.path, '/window');

  const empty = await createMonitor(api, { name: 'no checks' });
  const none = await api.call({
    method: 'GET',
    url: `/api/v1/monitors/${empty.id}/uptime?window=1h`,
  });
  assert.deepEqual(none.json(), {
    window: '1h',
    uptime: null,
    checks: 0,
    failures: 0,
    latencyMs: { avg: null, p50: null, p95: null, p99: null },
  });
});

void test('GET /incidents lists newest first, filters by monitor and state, pages', async (t) => {
  const { api, monitor } = await seeded(t);
  const other = await createMonitor(api, { name: 'other' });
  await api.store.recordBatch([makeResult(other.id, { status: 'down' })], simpleEvaluator);

  const all = await api.call({ method: 'GET', url: '/api/v1/incidents' });
  assert.equal(all.statusCode, 200);
  const items = all.json<{ items: Incident[]; nextCursor: string | null }>().items;
  assert.equal(items.length, 3);
  assert.deepEqual(Object.keys(items[0] ?? {}).sort(), [
    'cause',
    'id',
    'monitorId',
    'resolvedAt',
    'startedAt',
    'state',
  ]);

  const mine = await api.call({ method: 'GET', url: `/api/v1/incidents?monitorId=${monitor.id}` });
  const mineItems = mine.json<{ items: Incident[] }>().items;
  assert.deepEqual(
    mineItems.map((i) => i.state),
    ['open', 'resolved'],
    'newest first',
  );
  assert.equal(mineItems[1]?.cause, 'status 503 not in 200-399');

  const open = await api.call({
    method: 'GET',
    url: `/api/v1/incidents?monitorId=${monitor.id}&state=open`,
  });
  assert.deepEqual(
    open.json<{ items: Incident[] }>().items.map((i) => i.state),
    ['open'],
  );
  const resolved = await api.call({ method: 'GET', url: '/api/v1/incidents?state=resolved' });
  assert.equal(resolved.json<{ items: Incident[] }>().items.length, 1);

  const first = await api.call({ method: 'GET', url: '/api/v1/incidents?limit=2' });
  const page = first.json<{ items: Incident[]; nextCursor: string | null }>();
  assert.equal(page.items.length, 2);
  assert.ok(page.nextCursor);
  const second = await api.call({
    method: 'GET',
    url: `/api/v1/incidents?limit=2&cursor=${encodeURIComponent(page.nextCursor)}`,
  });
  const rest = second.json<{ items: Incident[]; nextCursor: string | null }>();
  assert.equal(rest.items.length, 1);
  assert.equal(rest.nextCursor, null);

  const unknownMonitor = await api.call({ method: 'GET', url: '/api/v1/incidents?monitorId=nope' });
  assert.deepEqual(unknownMonitor.json(), { items: [], nextCursor: null });
  for (const bad of ['state=closed', 'limit=0', 'limit=1001', 'cursor=garbage']) {
    const response = await api.call({ method: 'GET', url: `/api/v1/incidents?${bad}` });
    assert.equal(response.statusCode, 400, bad);
    assert.equal(errorOf(response).details[0]?.path, `/${bad.split('=')[0] ?? ''}`);
  }
});
