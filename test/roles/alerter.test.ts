import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it, type TestContext } from 'node:test';
import { createMemoryEventBus } from '../../src/adapters/memory-bus/memory-event-bus.js';
import { createSqliteStore } from '../../src/adapters/sqlite-store/sqlite-store.js';
import { createWebhookNotifier } from '../../src/adapters/webhook-notifier/webhook-notifier.js';
import type { Channel } from '../../src/domain/channel.js';
import type { CheckResult } from '../../src/domain/check.js';
import type { StatusChanged } from '../../src/domain/events.js';
import {
  newChannelId,
  newCheckId,
  newDeliveryId,
  newIncidentId,
  newMonitorId,
  type ChannelId,
} from '../../src/domain/ids.js';
import type { Delivery } from '../../src/domain/notification.js';
import type { MonitorStatus } from '../../src/domain/status.js';
import { silentLogger } from '../../src/ports/logger.js';
import { noopMetrics, type Metrics } from '../../src/ports/metrics.js';
import type { Store } from '../../src/ports/store.js';
import { createAlerter, type AlerterOptions } from '../../src/roles/alerter/alerter.js';
import { testPayload } from '../../src/roles/alerter/notification-payload.js';
import { ManualClock } from '../support/manual-clock.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

type Outcome = Parameters<Metrics['notificationAttempt']>[0];

/** Counts attempt outcomes and lets a test await the n-th of a kind. */
function attemptLog() {
  const counts: Record<Outcome, number> = { delivered: 0, retry: 0, failed: 0 };
  const waiters: { outcome: Outcome; count: number; resolve: () => void }[] = [];
  const metrics: Metrics = {
    ...noopMetrics,
    notificationAttempt: (outcome) => {
      counts[outcome] += 1;
      for (const w of waiters) if (w.outcome === outcome && counts[outcome] >= w.count) w.resolve();
    },
  };
  const reached = (outcome: Outcome, count: number): Promise<void> =>
    new Promise((resolve) => {
      if (counts[outcome] >= count) resolve();
      else waiters.push({ outcome, count, resolve });
    });
  return { metrics, counts, reached };
}

async function setup(t: TestContext, notifierTimeoutMs = 2000) {
  const bus = createMemoryEventBus({ retryBackoffMs: 5 });
  const store = createSqliteStore({ path: ':memory:' });
  await store.migrate();
  const clock = new ManualClock();
  const attempts = attemptLog();
  const stops: (() => Promise<void>)[] = [];
  t.after(async () => {
    for (const stop of stops.reverse()) await stop();
    await bus.close();
    await store.close();
  });

  const startAlerter = async (options: AlerterOptions = {}, over: Store = store) => {
    const alerter = createAlerter(
      {
        bus,
        store: over,
        notifiers: { webhook: createWebhookNotifier({ timeoutMs: notifierTimeoutMs }) },
        clock,
        metrics: attempts.metrics,
        logger: silentLogger,
      },
      options,
    );
    await alerter.start();
    stops.push(() => alerter.stop());
    return alerter;
  };

  const addChannel = async (receiver: WebhookReceiver, secret: string | null = null) => {
    const at = new Date(clock.now()).toISOString();
    const channel: Channel = {
      id: newChannelId(),
      name: 'ops',
      type: 'webhook',
      url: receiver.url,
      secret,
      createdAt: at,
      updatedAt: at,
    };
    await store.createChannel(channel);
    return channel;
  };

  const publish = async (...changes: StatusChanged[]) => {
    await bus.publish(
      'status',
      changes.map((c) => ({ key: c.monitor.id, value: c })),
    );
    assert.equal(await bus.drain(5000), true, 'the bus drains');
  };

  const deliveries = async (channelId: ChannelId): Promise<Delivery[]> =>
    (await store.listDeliveries(channelId, { limit: 100 })).items;

  return { store, clock, attempts, startAlerter, addChannel, publish, deliveries };
}

function statusChange(
  channelIds: readonly ChannelId[],
  previousStatus: MonitorStatus,
  status: MonitorStatus,
): StatusChanged {
  const monitorId = newMonitorId();
  const checkedAt = '2026-01-01T00:00:00.000Z';
  const result: CheckResult = {
    id: newCheckId(),
    monitorId,
    checkedAt,
    status: status === 'down' ? 'down' : 'up',
    latencyMs: 40,
    httpStatus: status === 'down' ? 500 : 200,
    error: status === 'down' ? 'status 500 not in 200-399' : null,
    failureKind: status === 'down' ? 'status' : null,
    region: 'default',
    timings: { dnsMs: 1, connectMs: 2, tlsMs: 3, ttfbMs: 30, totalMs: 40 },
    tls: null,
  };
  return {
    eventKey: `${result.id}:${status}`,
    monitor: {
      id: monitorId,
      name: 'api',
      url: 'https://api.example/',
      notificationChannelIds: channelIds,
    },
    status,
    previousStatus,
    at: checkedAt,
    incident:
      status === 'down'
        ? {
            id: newIncidentId(),
            monitorId,
            state: 'open',
            startedAt: checkedAt,
            resolvedAt: null,
            cause: result.error,
          }
        : null,
    result,
  };
}

void describe('alerter', () => {
  void it('posts the contract payload with its headers and a verifiable signature', async (t) => {
    const { startAlerter, addChannel, publish, attempts, deliveries } = await setup(t);
    const receiver = await startWebhookReceiver(t);
    const channel = await addChannel(receiver, 'hush');
    await startAlerter();
    const change = statusChange([channel.id], 'up', 'down');
    await publish(change);
    await attempts.reached('delivered', 1);

    const [req] = receiver.requests;
    assert.ok(req);
    assert.deepEqual(JSON.parse(req.body), {
      event: 'monitor.down',
      at: change.at,
      monitor: { id: change.monitor.id, name: 'api', url: 'https://api.example/' },
      status: 'down',
      previousStatus: 'up',
      incident: change.incident,
      result: change.result,
    });
    assert.equal(req.headers['content-type'], 'application/json');
    assert.equal(req.headers['x-uptime-event'], 'monitor.down');
    const hmac = createHmac('sha256', 'hush').update(req.body).digest('hex');
    assert.equal(req.headers['x-uptime-signature'], `sha256=${hmac}`);

    const [delivery] = await deliveries(channel.id);
    assert.equal(delivery?.state, 'delivered');
    assert.equal(delivery.attempts, 1);
    assert.equal(delivery.event, 'monitor.down');
    assert.equal(delivery.monitorId, change.monitor.id);
  });

  void it('retries a failing receiver with the domain backoff until it answers', async (t) => {
    const { startAlerter, addChannel, publish, attempts, deliveries, clock } = await setup(t);
    const receiver = await startWebhookReceiver(t, (i) => (i < 2 ? 500 : 204));
    const channel = await addChannel(receiver);
    await startAlerter();
    await publish(statusChange([channel.id], 'down', 'up'));

    await attempts.reached('retry', 1);
    const [pending] = await deliveries(channel.id);
    assert.equal(pending?.state, 'pending');
    assert.equal(pending.lastError, 'status 500');
    assert.equal(pending.nextAttemptAt, clock.now() + 2_000, 'first retry within 5 s');

    clock.advance(2_000);
    await attempts.reached('retry', 2);
    clock.advance(5_000);
    await attempts.reached('delivered', 1);

    assert.equal(receiver.requests.length, 3);
    assert.ok(receiver.requests.every((r) => r.body === receiver.requests[0]?.body));
    const [delivery] = await deliveries(channel.id);
    assert.equal(delivery?.state, 'delivered');
    assert.equal(delivery.attempts, 3);
  });

  void it('marks a delivery failed once its retries are used up', async (t) => {
    const { startAlerter, addChannel, publish, attempts, deliveries, clock } = await setup(t);
    const receiver = await startWebhookReceiver(t, () => 500);
    const channel = await addChannel(receiver);
    await startAlerter({ retryDelaysMs: [1_000] });
    await publish(statusChange([channel.id], 'up', 'degraded'));
    await attempts.reached('retry', 1);
    clock.advance(1_000);
    await attempts.reached('failed', 1);
    const [delivery] = await deliveries(channel.id);
    assert.equal(delivery?.state, 'failed');
    assert.equal(delivery.attempts, 2);
    assert.equal(delivery.lastError, 'status 500');
  });

  void it('resumes a pending delivery after a restart over the same store', async (t) => {
    const { startAlerter, addChannel, publish, attempts, deliveries, clock } = await setup(t);
    const receiver = await startWebhookReceiver(t, (i) => (i === 0 ? 503 : 200));
    const channel = await addChannel(receiver);
    const first = await startAlerter();
    await publish(statusChange([channel.id], 'up', 'down'));
    await attempts.reached('retry', 1);
    await first.stop();

    await startAlerter();
    clock.advance(2_000);
    await attempts.reached('delivered', 1);
    const [delivery] = await deliveries(channel.id);
    assert.equal(delivery?.state, 'delivered');
    assert.equal(delivery.attempts, 2);
    assert.equal(receiver.requests.length, 2);
  });

  void it('makes one delivery per channel when the same change arrives twice', async (t) => {
    const { startAlerter, addChannel, publish, attempts, deliveries } = await setup(t);
    const receiver = await startWebhookReceiver(t);
    const a = await addChannel(receiver);
    const b = await addChannel(receiver);
    await startAlerter();
    const change = statusChange([a.id, b.id], 'degraded', 'down');
    await publish(change);
    await publish(change);
    await attempts.reached('delivered', 2);

    assert.equal((await deliveries(a.id)).length, 1);
    assert.equal((await deliveries(b.id)).length, 1);
    assert.equal(receiver.requests.length, 2);
  });

  void it('sends nothing for pending → up, nor for a monitor without channels', async (t) => {
    const { startAlerter, addChannel, publish, deliveries, clock } = await setup(t);
    const receiver = await startWebhookReceiver(t);
    const channel = await addChannel(receiver);
    await startAlerter();
    await publish(statusChange([channel.id], 'pending', 'up'), statusChange([], 'up', 'down'));
    clock.advance(5_000);
    assert.deepEqual(await deliveries(channel.id), []);
    assert.equal(receiver.requests.length, 0);
  });

  void it('sends a delivery enqueued elsewhere on wake, and on the next poll without one', async (t) => {
    const { store, startAlerter, addChannel, attempts, clock } = await setup(t);
    const receiver = await startWebhookReceiver(t);
    const channel = await addChannel(receiver);
    const alerter = await startAlerter();
    const enqueueTest = () =>
      store.enqueueDeliveries([
        {
          id: newDeliveryId(),
          channelId: channel.id,
          eventKey: `test:${newCheckId()}`,
          event: 'test',
          monitorId: null,
          payload: testPayload(new Date(clock.now()).toISOString()),
          createdAt: new Date(clock.now()).toISOString(),
          nextAttemptAt: clock.now(),
        },
      ]);

    await enqueueTest();
    alerter.wake();
    await attempts.reached('delivered', 1);
    assert.equal(receiver.requests[0]?.headers['x-uptime-event'], 'test');

    await enqueueTest();
    clock.advance(1_000);
    await attempts.reached('delivered', 2);
  });

  void it('fails a delivery whose channel is gone at sending time', async (t) => {
    const { store, startAlerter, addChannel, publish, attempts, deliveries } = await setup(t);
    const receiver = await startWebhookReceiver(t);
    const channel = await addChannel(receiver);
    let sending = false;
    const forgetful = new Proxy(store, {
      get(target, prop, receiverObj) {
        if (prop === 'enqueueDeliveries') sending = true;
        if (prop === 'getChannels' && sending) return () => Promise.resolve([]);
        return Reflect.get(target, prop, receiverObj) as unknown;
      },
    });
    await startAlerter({}, forgetful);
    await publish(statusChange([channel.id], 'up', 'down'));
    await attempts.reached('failed', 1);
    const [delivery] = await deliveries(channel.id);
    assert.equal(delivery?.state, 'failed');
    assert.equal(delivery.lastError, 'channel deleted before delivery');
    assert.equal(receiver.requests.length, 0);
  });

  void it('stop waits for a send in flight and records it', async (t) => {
    const { startAlerter, addChannel, publish, deliveries } = await setup(t, 300);
    const receiver = await startWebhookReceiver(t, () => null);
    const channel = await addChannel(receiver);
    const alerter = await startAlerter();
    await publish(statusChange([channel.id], 'up', 'down'));
    await receiver.received(1);
    await alerter.stop();
    const [delivery] = await deliveries(channel.id);
    assert.equal(delivery?.state, 'pending');
    assert.equal(delivery.attempts, 1);
    assert.equal(delivery.lastError, 'timeout after 300 ms');
  });
});
