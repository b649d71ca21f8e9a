import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout } from 'node:timers/promises';
import type { ChannelId } from '../../src/domain/ids.js';
import type { Monitor } from '../../src/domain/monitor.js';
import type { NotificationPayload } from '../../src/domain/notification.js';
import { makeDelivery } from '../support/factories.js';
import { createTestApp, errorOf, monitorBody, type TestApp } from './helpers.js';

interface ChannelView {
  id: string;
  name: string;
  type: string;
  url: string;
  hasSecret: boolean;
  createdAt: string;
  updatedAt: string;
}

interface DeliveryView {
  id: string;
  event: string;
  monitorId: string | null;
  state: string;
  attempts: number;
  lastError: string | null;
  lastAttemptAt: string | null;
  deliveredAt: string | null;
}

const channelBody = (overrides: Record<string, unknown> = {}) => ({
  name: 'Ops',
  type: 'webhook',
  url: 'https://hooks.example.com/uptime',
  ...overrides,
});

async function createChannel(
  api: TestApp,
  overrides: Record<string, unknown> = {},
): Promise<ChannelView> {
  const response = await api.call({
    method: 'POST',
    url: '/api/v1/notification-channels',
    body: channelBody(overrides),
  });
  assert.equal(response.statusCode, 201, response.body);
  return response.json<ChannelView>();
}

void test('channels: create, get, list, patch, delete; the secret is write-only', async (t) => {
  const api = await createTestApp(t);
  const response = await api.call({
    method: 'POST',
    url: '/api/v1/notification-channels',
    body: channelBody({ secret: 's3cret' }),
  });
  assert.equal(response.statusCode, 201);
  const channel = response.json<ChannelView>();
  assert.equal(response.headers.location, `/api/v1/notification-channels/${channel.id}`);
  assert.deepEqual(
    { ...channel, id: undefined, createdAt: undefined, updatedAt: undefined },
    {
      name: 'Ops',
      type: 'webhook',
      url: 'https://hooks.example.com/uptime',
      hasSecret: true,
      id: undefined,
      createdAt: undefined,
      updatedAt: undefined,
    },
  );
  assert.ok(!response.body.includes('s3cret'));
  assert.equal((await api.store.getChannel(channel.id as ChannelId))?.secret, 's3cret');

  const got = await api.call({ method: 'GET', url: `/api/v1/notification-channels/${channel.id}` });
  assert.deepEqual(got.json(), channel);
  assert.ok(!got.body.includes('secret"'));

  const plain = await createChannel(api, { name: 'Plain' });
  assert.equal(plain.hasSecret, false);
  const list = await api.call({ method: 'GET', url: '/api/v1/notification-channels?limit=1' });
  const first = list.json<{ items: ChannelView[]; nextCursor: string | null }>();
  assert.equal(first.items.length, 1);
  assert.ok(first.nextCursor);
  const second = await api.call({
    method: 'GET',
    url: `/api/v1/notification-channels?limit=1&cursor=${encodeURIComponent(first.nextCursor)}`,
  });
  const rest = second.json<{ items: ChannelView[]; nextCursor: string | null }>();
  assert.deepEqual(
    [...first.items, ...rest.items].map((c) => c.id).sort(),
    [channel.id, plain.id].sort(),
  );
  assert.ok(!list.body.includes('s3cret') && !second.body.includes('s3cret'));

  const renamed = await api.call({
    method: 'PATCH',
    url: `/api/v1/notification-channels/${channel.id}`,
    body: { name: 'Renamed', url: 'http://hooks.example.com/v2' },
  });
  assert.equal(renamed.statusCode, 200);
  assert.equal(renamed.json<ChannelView>().name, 'Renamed');
  assert.equal(renamed.json<ChannelView>().hasSecret, true, 'an absent secret is kept');
  const cleared = await api.call({
    method: 'PATCH',
    url: `/api/v1/notification-channels/${channel.id}`,
    body: { secret: null },
  });
  assert.equal(cleared.json<ChannelView>().hasSecret, false, 'a null secret clears it');
  assert.equal(cleared.json<ChannelView>().url, 'http://hooks.example.com/v2');

  const deleted = await api.call({
    method: 'DELETE',
    url: `/api/v1/notification-channels/${channel.id}`,
  });
  assert.equal(deleted.statusCode, 204);
  const gone = await api.call({
    method: 'GET',
    url: `/api/v1/notification-channels/${channel.id}`,
  });
  assert.equal(gone.statusCode, 404);
  assert.equal(errorOf(gone).code, 'not_found');
});

void test('deleting a channel removes it from the monitors that used it', async (t) => {
  const api = await createTestApp(t);
  const channel = await createChannel(api);
  const monitor = (
    await api.call({
      method: 'POST',
      url: '/api/v1/monitors',
      body: monitorBody({ notificationChannelIds: [channel.id] }),
    })
  ).json<Monitor>();
  await api.call({ method: 'DELETE', url: `/api/v1/notification-channels/${channel.id}` });
  const after = await api.call({ method: 'GET', url: `/api/v1/monitors/${monitor.id}` });
  assert.deepEqual(after.json<Monitor>().notificationChannelIds, []);
});

void test('refused channel bodies are 400 validation_failed with the field path', async (t) => {
  const api = await createTestApp(t);
  const created: [string, Record<string, unknown>, string][] = [
    ['missing url', { url: undefined }, '/url'],
    ['relative url', { url: '/hook' }, '/url'],
    ['mailto url', { url: 'mailto:ops@example.com' }, '/url'],
    ['empty name', { name: '' }, '/name'],
    ['long name', { name: 'n'.repeat(201) }, '/name'],
    ['unknown type', { type: 'slack' }, '/type'],
    ['empty secret', { secret: '' }, '/secret'],
    ['unknown field', { channel: '#ops' }, '/channel'],
    ['read-only hasSecret', { hasSecret: true }, '/hasSecret'],
    ['read-only id', { id: '01a21c68-bfde-7e18-a577-f292001d5b83' }, '/id'],
  ];
  for (const [what, overrides, path] of created) {
    const response = await api.call({
      method: 'POST',
      url: '/api/v1/notification-channels',
      body: channelBody(overrides),
    });
    assert.equal(response.statusCode, 400, what);
    assert.ok(
      errorOf(response).details.some((d) => d.path === path),
      `${what}: ${JSON.stringify(errorOf(response).details)}`,
    );
  }
  const channel = await createChannel(api);
  for (const body of [{ url: 'nope' }, { type: 'webhook' }, { createdAt: 'x' }, { name: ' ' }]) {
    const response = await api.call({
      method: 'PATCH',
      url: `/api/v1/notification-channels/${channel.id}`,
      body,
    });
    assert.equal(response.statusCode, 400, JSON.stringify(body));
    assert.equal(errorOf(response).details[0]?.path, `/${Object.keys(body)[0] ?? ''}`);
  }
});

void test('POST test answers 202 and enqueues a pending test delivery, waking the alerter', async (t) => {
  let woken = 0;
  const api = await createTestApp(t, {
    deps: {
      onDeliveryEnqueued: () => {
        woken++;
      },
    },
  });
  const channel = await createChannel(api);

  const response = await api.call({
    method: 'POST',
    url: `/api/v1/notification-channels/${channel.id}/test`,
  });
  assert.equal(response.statusCode, 202);
  assert.equal(woken, 1);
  const accepted = response.json<DeliveryView>();
  assert.equal(accepted.event, 'test');
  assert.equal(accepted.state, 'pending');

  const again = await api.call({
    method: 'POST',
    url: `/api/v1/notification-channels/${channel.id}/test`,
    headers: { 'content-type': 'application/json' },
  });
  assert.equal(again.statusCode, 202, 'each test is its own delivery');

  const claimed = await api.store.claimDueDeliveries(Date.now() + 1000, 10, 10_000);
  assert.equal(claimed.length, 2);
  const delivery = claimed.find((d) => d.id === accepted.id);
  assert.ok(delivery);
  assert.equal(delivery.channelId, channel.id);
  assert.equal(delivery.monitorId, null);
  const payload = JSON.parse(delivery.payload) as NotificationPayload;
  assert.deepEqual(payload, {
    event: 'test',
    at: payload.at,
    monitor: null,
    status: null,
    previousStatus: null,
    incident: null,
    result: null,
  });
  assert.match(payload.at, /Z$/);

  const unknown = await api.call({
    method: 'POST',
    url: '/api/v1/notification-channels/01a21c68-bfde-7e18-a577-f292001d5b83/test',
  });
  assert.equal(unknown.statusCode, 404);
});

void test('GET deliveries lists newest first with nextCursor', async (t) => {
  const api = await createTestApp(t);
  const channel = await createChannel(api);
  const first = await api.call({
    method: 'POST',
    url: `/api/v1/notification-channels/${channel.id}/test`,
  });
  const firstId = first.json<DeliveryView>().id;
  await setTimeout(2); // ids order the log; a later millisecond makes this one newer
  await api.store.enqueueDeliveries([
    makeDelivery(channel.id as ChannelId, {
      event: 'monitor.down',
      createdAt: new Date().toISOString(),
    }),
  ]);

  const page = await api.call({
    method: 'GET',
    url: `/api/v1/notification-channels/${channel.id}/deliveries?limit=1`,
  });
  assert.equal(page.statusCode, 200);
  const one = page.json<{ items: DeliveryView[]; nextCursor: string | null }>();
  assert.equal(one.items.length, 1);
  assert.ok(one.nextCursor);
  assert.deepEqual(Object.keys(one.items[0] ?? {}).sort(), [
    'attempts',
    'createdAt',
    'deliveredAt',
    'event',
    'id',
    'lastAttemptAt',
    'lastError',
    'monitorId',
    'state',
  ]);
  const next = await api.call({
    method: 'GET',
    url: `/api/v1/notification-channels/${channel.id}/deliveries?cursor=${encodeURIComponent(one.nextCursor)}`,
  });
  const rest = next.json<{ items: DeliveryView[]; nextCursor: string | null }>();
  assert.equal(rest.nextCursor, null);
  assert.equal(rest.items.at(-1)?.id, firstId, 'the oldest comes last');
  assert.equal(one.items.length + rest.items.length, 2);

  for (const bad of ['limit=0', 'limit=1001', 'cursor=garbage']) {
    const response = await api.call({
      method: 'GET',
      url: `/api/v1/notification-channels/${channel.id}/deliveries?${bad}`,
    });
    assert.equal(response.statusCode, 400, bad);
  }
  for (const id of ['01a21c68-bfde-7e18-a577-f292001d5b83', 'nope']) {
    for (const [method, url] of [
      ['GET', `/api/v1/notification-channels/${id}/deliveries`],
      ['GET', `/api/v1/notification-channels/${id}`],
      ['PATCH', `/api/v1/notification-channels/${id}`],
      ['DELETE', `/api/v1/notification-channels/${id}`],
    ] as const) {
      const response = await api.call({
        method,
        url,
        ...(method === 'PATCH' ? { body: { name: 'x' } } : {}),
      });
      assert.equal(response.statusCode, 404, `${method} ${url}`);
    }
  }
});
