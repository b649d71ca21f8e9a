import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import type { Channel } from '../../src/domain/channel.js';
import { newChannelId } from '../../src/domain/ids.js';
import { createWebhookNotifier } from '../../src/adapters/webhook-notifier/webhook-notifier.js';
import { startWebhookReceiver } from '../support/webhook-receiver.js';

function channel(url: string, secret: string | null = null): Channel {
  const at = new Date().toISOString();
  return {
    id: newChannelId(),
    name: 'hook',
    type: 'webhook',
    url,
    secret,
    createdAt: at,
    updatedAt: at,
  };
}

const payload = JSON.stringify({ event: 'monitor.down', at: '2026-01-01T00:00:00.000Z', é: 'ü' });

void describe('webhook notifier', () => {
  void it('posts the exact payload as JSON with the event and user agent headers', async (t) => {
    const receiver = await startWebhookReceiver(t);
    const notifier = createWebhookNotifier();
    const outcome = await notifier.send(channel(receiver.url), 'monitor.down', payload);
    assert.deepEqual(outcome, { ok: true });
    const [req] = await receiver.received(1);
    assert.ok(req);
    assert.equal(req.method, 'POST');
    assert.equal(req.body, payload);
    assert.equal(req.headers['content-type'], 'application/json');
    assert.equal(req.headers['x-uptime-event'], 'monitor.down');
    assert.match(req.headers['user-agent'] ?? '', /^Uptime\/\d+\.\d+\.\d+/);
    assert.equal(req.headers['x-uptime-signature'], undefined);
  });

  void it('signs the raw body with the channel secret', async (t) => {
    const receiver = await startWebhookReceiver(t);
    const notifier = createWebhookNotifier({ userAgent: 'Uptime/test' });
    await notifier.send(channel(receiver.url, 's3cret'), 'test', payload);
    const [req] = await receiver.received(1);
    assert.ok(req);
    const expected = createHmac('sha256', 's3cret').update(Buffer.from(req.body)).digest('hex');
    assert.equal(req.headers['x-uptime-signature'], `sha256=${expected}`);
    assert.equal(req.headers['user-agent'], 'Uptime/test');
  });

  void it('reports a non-2xx answer, including a redirect, which it does not follow', async (t) => {
    const receiver = await startWebhookReceiver(t, (i) => (i === 0 ? 500 : 302));
    const notifier = createWebhookNotifier();
    const hook = channel(receiver.url);
    assert.deepEqual(await notifier.send(hook, 'test', payload), {
      ok: false,
      error: 'status 500',
    });
    assert.deepEqual(await notifier.send(hook, 'test', payload), {
      ok: false,
      error: 'status 302',
    });
    assert.equal(receiver.requests.length, 2);
  });

  void it('reports a refused connection', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) =>
      server.close(() => {
        resolve();
      }),
    );
    const outcome = await createWebhookNotifier().send(
      channel(`http://127.0.0.1:${port}/`),
      'test',
      payload,
    );
    assert.deepEqual(outcome, { ok: false, error: 'connection refused' });
  });

  void it('gives up on a receiver that does not answer in time', async (t) => {
    const receiver = await startWebhookReceiver(t, () => null);
    const notifier = createWebhookNotifier({ timeoutMs: 150 });
    const outcome = await notifier.send(channel(receiver.url), 'test', payload);
    assert.deepEqual(outcome, { ok: false, error: 'timeout after 150 ms' });
  });

  void it('reports an unusable URL as a failure, not a rejection', async () => {
    const outcome = await createWebhookNotifier().send(channel('not a url'), 'test', payload);
    assert.equal(outcome.ok, false);
  });
});
