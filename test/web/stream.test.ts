import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ApiClient } from '../../web/src/api/client.js';
import { openStream, type StreamState } from '../../web/src/api/stream.js';

type Step =
  | { readonly kind: 'events'; readonly text: string }
  | { readonly kind: 'silent' }
  | { readonly kind: 'status'; readonly status: number };

/** An API whose `/stream` answers each connection with the next step (the last one repeats). */
function scriptedApi(steps: readonly Step[]): { api: ApiClient; connects: number[] } {
  const connects: number[] = [];
  const open = (_path: string, init: RequestInit): Promise<Response> => {
    const step = steps[Math.min(connects.length, steps.length - 1)];
    connects.push(Date.now());
    if (step === undefined || step.kind === 'status') {
      return Promise.resolve(new Response('{}', { status: step?.status ?? 500 }));
    }
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        init.signal?.addEventListener('abort', () => {
          controller.error(new Error('aborted'));
        });
        if (step.kind === 'events') {
          controller.enqueue(new TextEncoder().encode(step.text));
          controller.close();
        }
      },
    });
    return Promise.resolve(new Response(body, { status: 200 }));
  };
  const unused = (): never => {
    throw new Error('not used by the stream');
  };
  return { api: { get: unused, send: unused, open }, connects };
}

const waitFor = async (what: string, ok: () => boolean, timeoutMs = 3000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

void test('events are handed on; a lost connection comes back after a backoff and says so', async () => {
  const status = { monitorId: 'm1', status: 'down', previousStatus: 'up', at: 'now' };
  const { api, connects } = scriptedApi([
    {
      kind: 'events',
      text: `retry: 40\n\n: ping\n\nevent: status\ndata: ${JSON.stringify(status)}\n\n`,
    },
    { kind: 'events', text: 'event: status\ndata: {"monitorId":"m2"}\n\n' },
    { kind: 'silent' },
  ]);
  const events: unknown[] = [];
  const states: StreamState[] = [];
  let reconnects = 0;
  const close = openStream(api, '', {
    onEvent: (name, data) => events.push([name, data]),
    onState: (s) => states.push(s),
    onReconnected: () => (reconnects += 1),
  });
  await waitFor('the third connection', () => connects.length >= 3);
  close();
  assert.deepEqual(events, [
    ['status', status],
    ['status', { monitorId: 'm2' }],
  ]);
  assert.equal(reconnects, 2, 'each connection after the first reports a reconnect');
  assert.ok(states.includes('live') && states.includes('connecting'));
  const [first = 0, second = 0, third = 0] = connects;
  // retry: 40 sets the base; the delay is drawn from [base/2, base] and doubles per failure
  assert.ok(second - first >= 19, `first backoff ${second - first} ms`);
  assert.ok(third - second >= 19, `second backoff ${third - second} ms`);
});

void test('a silent connection is dropped after the idle timeout and opened again', async () => {
  const { api, connects } = scriptedApi([{ kind: 'silent' }]);
  const close = openStream(
    api,
    '',
    { onEvent: () => undefined, onState: () => undefined, onReconnected: () => undefined },
    { idleTimeoutMs: 30, initialDelayMs: 10 },
  );
  await waitFor('a second connection', () => connects.length >= 2);
  close();
});

void test('a server without the route is reported unavailable and asked again later', async () => {
  const { api, connects } = scriptedApi([{ kind: 'status', status: 404 }]);
  const states: StreamState[] = [];
  const close = openStream(
    api,
    '',
    { onEvent: () => undefined, onState: (s) => states.push(s), onReconnected: () => undefined },
    { unavailableRetryMs: 20 },
  );
  await waitFor('a second look', () => connects.length >= 2);
  close();
  assert.equal(states.at(-1), 'unavailable');
  assert.ok(!states.includes('live'));
});

void test('after close nothing reconnects', async () => {
  const { api, connects } = scriptedApi([{ kind: 'events', text: '' }]);
  const close = openStream(
    api,
    '',
    { onEvent: () => undefined, onState: () => undefined, onReconnected: () => undefined },
    { initialDelayMs: 10 },
  );
  await waitFor('the first connection', () => connects.length >= 1);
  close();
  const seen = connects.length;
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(connects.length, seen);
});
