import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeResult } from '../support/factories.js';
import { createMonitor, createTestApp, errorOf, simpleEvaluator } from './helpers.js';

void test('badges of a monitor on a status page are served without a token', async (t) => {
  const api = await createTestApp(t);
  const monitor = await createMonitor(api);
  await api.call({
    method: 'POST',
    url: '/api/v1/status-pages',
    body: { slug: 'acme', title: 'Acme', monitorIds: [monitor.id] },
  });
  const now = Date.now();
  await api.store.recordBatch(
    Array.from({ length: 2000 }, (_, i) =>
      makeResult(monitor.id, {
        status: i === 0 ? 'down' : 'up',
        checkedAt: new Date(now - (i + 1) * 1000).toISOString(),
      }),
    ),
    simpleEvaluator,
  );

  const status = await api.call({
    method: 'GET',
    url: `/badge/${monitor.id}/status.svg`,
    token: null,
  });
  assert.equal(status.statusCode, 200, status.body);
  assert.equal(status.headers['content-type'], 'image/svg+xml; charset=utf-8');
  assert.equal(status.headers['cache-control'], 'public, max-age=60');
  assert.ok(status.body.startsWith('<svg xmlns="http://www.w3.org/2000/svg"'));
  assert.match(status.body, /<title>status: up<\/title>/);
  assert.match(status.body, /fill="#4c1"/);

  const uptime = await api.call({
    method: 'GET',
    url: `/badge/${monitor.id}/uptime.svg`,
    token: null,
  });
  assert.equal(uptime.statusCode, 200);
  assert.match(uptime.body, /<title>uptime 30d: 99\.95%<\/title>/);
  const day = await api.call({
    method: 'GET',
    url: `/badge/${monitor.id}/uptime.svg?window=1h&v=2`,
    token: null,
  });
  assert.match(day.body, /<title>uptime 1h: 99\.\d\d%<\/title>/);
  const bad = await api.call({
    method: 'GET',
    url: `/badge/${monitor.id}/uptime.svg?window=2d`,
    token: null,
  });
  assert.equal(bad.statusCode, 400);

  await api.call({ method: 'POST', url: `/api/v1/monitors/${monitor.id}/pause` });
  const paused = await api.call({ method: 'GET', url: `/badge/${monitor.id}/status.svg` });
  assert.match(paused.body, /<title>status: paused<\/title>/);
});

void test('a monitor on no status page, an unknown id and a malformed one are the same 404', async (t) => {
  const api = await createTestApp(t);
  const hidden = await createMonitor(api);
  const listed = await createMonitor(api);
  await api.store.recordBatch([makeResult(hidden.id)], simpleEvaluator);
  const page = await api.call({
    method: 'POST',
    url: '/api/v1/status-pages',
    body: { slug: 'acme', title: 'Acme', monitorIds: [listed.id] },
  });
  const answers = [];
  for (const id of [hidden.id, '01a21c68-bfde-7e18-a577-f292001d5b83', 'not-an-id']) {
    for (const badge of ['status.svg', 'uptime.svg']) {
      const response = await api.call({ method: 'GET', url: `/badge/${id}/${badge}`, token: null });
      assert.equal(response.statusCode, 404, `${id} ${badge}`);
      assert.equal(errorOf(response).code, 'not_found');
      answers.push(response.body);
    }
  }
  assert.equal(new Set(answers).size, 1);

  // Off the page, the badge goes too.
  const url = `/badge/${listed.id}/status.svg`;
  assert.equal((await api.call({ method: 'GET', url, token: null })).statusCode, 200);
  await api.call({
    method: 'PATCH',
    url: `/api/v1/status-pages/${page.json<{ id: string }>().id}`,
    body: { monitorIds: [] },
  });
  assert.equal((await api.call({ method: 'GET', url, token: null })).statusCode, 404);
});
