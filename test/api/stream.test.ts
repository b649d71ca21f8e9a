import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import type { StatusChanged } from '../../src/domain/events.js';
import type { MonitorId } from '../../src/domain/ids.js';
import { waitUntil } from '../contracts/wait-until.js';
import { makeResult } from '../support/factories.js';
import { createMonitor, createTestApp, TOKEN, type TestApp } from './helpers.js';

interface StreamEvent {
  readonly event: string;
  readonly data: Record<string, unknown>;
}

/** A client of the stream over a real socket, reading it as the dashboard does (fetch). */
async function openStream(t: TestContext, url: string) {
  const controller = new AbortController();
  const response = await fetch(url, {
    headers: { authorization: `Bearer ${TOKEN}` },
    signal: controller.signal,
  });
  assert.equal(response.status, 200);
  assert.ok(response.body !== null);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  const state = { text: '', events: [] as StreamEvent[], ended: false };
  const pump = (async () => {
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: '', done: true }));
      if (done) break;
      state.text += value;
      buffer += value;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) !== -1) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event !== undefined && data !== undefined) {
          state.events.push({ event, data: JSON.parse(data) as Record<string, unknown> });
        }
      }
    }
    state.ended = true;
  })();
  const close = async () => {
    controller.abort();
    await pump;
  };
  t.after(close);
  return {
    response,
    state,
    close,
    of: (event: string) => state.events.filter((e) => e.event === event).map((e) => e.data),
  };
}

async function listening(t: TestContext): Promise<{ api: TestApp; base: string }> {
  const api = await createTestApp(t, { options: { stream: { pingIntervalMs: 100 } } });
  const base = await api.app.listen({ port: 0, host: '127.0.0.1' });
  return { api, base };
}

function statusChange(monitorId: MonitorId, status: 'up' | 'down'): StatusChanged {
  return {
    eventKey: `check-${Math.random()}`,
    monitor: { id: monitorId, name: 'M', url: 'https://example.com/', notificationChannelIds: [] },
    status,
    previousStatus: status === 'down' ? 'up' : 'down',
    at: new Date().toISOString(),
    incident: null,
    result: null,
  };
}

void test('the stream needs the token', async (t) => {
  const { base } = await listening(t);
  const response = await fetch(`${base}/api/v1/stream`);
  assert.equal(response.status, 401);
  const body = (await response.json()) as { error: { code: string } };
  assert.equal(body.error.code, 'unauthorized');
  const wrong = await fetch(`${base}/api/v1/stream`, {
    headers: { authorization: 'Bearer wrong' },
  });
  assert.equal(wrong.status, 401);
  await wrong.body?.cancel();
});

void test('a status change on the bus arrives as an event: status', async (t) => {
  const { api, base } = await listening(t);
  const monitor = await createMonitor(api);
  const stream = await openStream(t, `${base}/api/v1/stream`);
  assert.match(String(stream.response.headers.get('content-type')), /^text\/event-stream/);
  assert.equal(stream.response.headers.get('cache-control'), 'no-cache, no-transform');
  await waitUntil(() => stream.state.text.startsWith('retry: 3000\n\n'), 'the preamble');

  const change = statusChange(monitor.id, 'down');
  await api.bus.publish('status', [{ key: monitor.id, value: change }]);
  await waitUntil(() => stream.of('status').length === 1, 'the status event');
  assert.deepEqual(stream.of('status'), [
    { monitorId: monitor.id, status: 'down', previousStatus: 'up', at: change.at },
  ]);
  await waitUntil(() => stream.state.text.includes(': ping\n\n'), 'a ping comment');
});

void test('results arrive only with ?results=all, or ?monitorId= for that monitor', async (t) => {
  const { api, base } = await listening(t);
  const [a, b] = [await createMonitor(api), await createMonitor(api)];
  const plain = await openStream(t, `${base}/api/v1/stream`);
  const all = await openStream(t, `${base}/api/v1/stream?results=all`);
  const onlyA = await openStream(t, `${base}/api/v1/stream?monitorId=${a.id}`);
  for (const stream of [plain, all, onlyA]) {
    await waitUntil(() => stream.state.text.length > 0, 'connected');
  }

  const resultA = makeResult(a.id, { status: 'down', httpStatus: 503, error: 'status 503' });
  const resultB = makeResult(b.id);
  await api.bus.publish('results', [
    { key: a.id, value: resultA },
    { key: b.id, value: resultB },
  ]);
  assert.ok(await api.bus.drain());
  // Written after the results on each socket: once it is read, so is anything sent before it.
  await api.bus.publish('status', [{ key: a.id, value: statusChange(a.id, 'down') }]);
  for (const stream of [plain, all, onlyA]) {
    await waitUntil(() => stream.of('status').length === 1, 'the barrier');
  }
  assert.deepEqual(plain.of('result'), []);
  assert.deepEqual(
    all.of('result').map((r) => r.monitorId),
    [a.id, b.id],
  );
  assert.deepEqual(onlyA.of('result'), [
    {
      monitorId: a.id,
      checkedAt: resultA.checkedAt,
      status: 'down',
      latencyMs: resultA.latencyMs,
      httpStatus: 503,
      error: 'status 503',
    },
  ]);
});

void test('closing the server ends open streams', async (t) => {
  const { api, base } = await listening(t);
  const stream = await openStream(t, `${base}/api/v1/stream?results=all`);
  await waitUntil(() => stream.state.text.length > 0, 'the preamble');
  await api.app.close();
  await waitUntil(() => stream.state.ended, 'the stream ends');
});
