import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startFakeSite } from '../support/fake-site.js';
import { startServiceProcess } from '../support/service-process.js';
import { startWebhookReceiver } from '../support/webhook-receiver.js';
import { apiClient, eventually } from '../support/api-client.js';

test('the service checks, alerts, stops cleanly and comes back with all its data', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'uptime-e2e-'));
  t.after(() => rm(dataDir, { recursive: true, force: true }));
  const steady = await startFakeSite(t);
  const flaky = await startFakeSite(t);
  const receiver = await startWebhookReceiver(t);

  // First run: the token is generated and kept with mode 0600.
  const first = await startServiceProcess(t, { DATA_DIR: dataDir });
  const tokenFile = join(dataDir, 'admin-token');
  assert.equal((await stat(tokenFile)).mode & 0o777, 0o600);
  const token = (await readFile(tokenFile, 'utf8')).trim();
  let api = apiClient(first.url, token);

  const secret = 'e2e-signing-secret';
  const channel = await api.call('POST', '/notification-channels', {
    name: 'e2e',
    type: 'webhook',
    url: receiver.url,
    secret,
  });
  assert.equal(channel.status, 201);
  const create = (name: string, url: string) =>
    api.call('POST', '/monitors', {
      name,
      url,
      intervalSeconds: 1,
      timeoutSeconds: 2,
      notificationChannelIds: [channel.body.id],
    });
  const a = await create('steady', `${steady.url}/a`);
  const b = await create('flaky', `${flaky.url}/b`);
  assert.equal(a.status, 201);
  assert.equal(b.status, 201);
  const ids = [a.body.id, b.body.id];

  const statusOf = async (id: string): Promise<string> =>
    (await api.call('GET', `/monitors/${id}/status`)).body.status;
  for (const id of ids) {
    await eventually(`${id} up`, async () => ((await statusOf(id)) === 'up' ? true : undefined));
  }

  // Flip the flaky site down and up: one signed webhook each way.
  flaky.setMode({ kind: 'down' });
  const [down] = await receiver.received(1);
  flaky.setMode({ kind: 'up' });
  const both = await receiver.received(2);
  const up = both[1];
  assert.ok(down && up);
  for (const [hook, event, status] of [
    [down, 'monitor.down', 'down'],
    [up, 'monitor.up', 'up'],
  ] as const) {
    const payload = JSON.parse(hook.body) as {
      event: string;
      status: string;
      monitor: { id: string };
    };
    assert.equal(hook.headers['x-uptime-event'], event);
    assert.equal(payload.event, event);
    assert.equal(payload.status, status);
    assert.equal(payload.monitor.id, ids[1]);
    const expected = `sha256=${createHmac('sha256', secret).update(hook.body).digest('hex')}`;
    assert.equal(hook.headers['x-uptime-signature'], expected);
  }
  const incidents = await api.call('GET', `/incidents?monitorId=${ids[1]}`);
  assert.equal(incidents.body.items.length, 1);
  assert.equal(incidents.body.items[0]?.state, 'resolved');

  // SIGTERM: running checks finish, everything held is written, exit 0.
  assert.equal(await first.stop('SIGTERM'), 0);
  const stoppedAt = new Date().toISOString();
  const checksMade = [steady.hits('/a'), flaky.hits('/b')];
  assert.ok(
    checksMade.every((n) => n >= 3),
    `checks made: ${checksMade.join(', ')}`,
  );

  // Second run on the same data: every check made before the stop is in the history.
  const second = await startServiceProcess(t, { DATA_DIR: dataDir });
  api = apiClient(second.url, token);
  for (const [i, id] of ids.entries()) {
    const results = await api.call('GET', `/monitors/${id}/results?until=${stoppedAt}&limit=1000`);
    assert.equal(results.status, 200);
    assert.equal(results.body.items.length, checksMade[i], `results of ${id}`);
  }
  const listed = await api.call('GET', '/monitors');
  assert.deepEqual(listed.body.items.map((m) => m.id).sort(), [...ids].sort());
  // The monitors are back on schedule.
  for (const id of ids) {
    await eventually(`${id} checked after restart`, async () => {
      const latest = await api.call('GET', `/monitors/${id}/results?limit=1`);
      const item = latest.body.items[0];
      return item !== undefined && item.checkedAt > stoppedAt ? true : undefined;
    });
  }
  assert.equal(receiver.requests.length, 2, 'no webhook was sent twice');
  assert.equal(await second.stop('SIGINT'), 0);
});
