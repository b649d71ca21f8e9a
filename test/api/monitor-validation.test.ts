import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Monitor } from '../../src/domain/monitor.js';
import { createMonitor, createTestApp, errorOf, monitorBody } from './helpers.js';

interface MonitorList {
  items: Monitor[];
}

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

  const monitor = await createMonitor(api, { notificationChannelIds: [channel.id] });
  const patched = await api.call({
    method: 'PATCH',
    url: `/api/v1/monitors/${monitor.id}`,
    body: { notificationChannelIds: [unknown] },
  });
  assert.equal(patched.statusCode, 400);
  assert.equal(errorOf(patched).details[0]?.path, '/notificationChannelIds/0');
});
