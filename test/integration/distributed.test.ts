/**
 * The distributed deployment end to end, with real processes on Kafka (KAFKA_BROKERS),
 * PostgreSQL and Redis: 1 api, 2 schedulers, 2 workers, 2 recorders and 1 alerter; 200 monitors
 * at 1 s against local fake sites. One scheduler, one worker and one recorder are killed with
 * SIGKILL while it runs and a site flips down and up. It shows that the partitions of the killed
 * processes are taken over, that no monitor then goes more than two intervals without a check,
 * that every check whose result reached Kafka is recorded exactly once, and that each flip sends
 * exactly one down and one up webhook per monitor.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createClient } from 'redis';
import { startFakeSite, type FakeSite } from '../support/fake-site.js';
import { createTestDatabase } from '../support/postgres-database.js';
import { startServiceProcess, type ServiceProcess } from '../support/service-process.js';
import { startWebhookReceiver } from '../support/webhook-receiver.js';
import { apiClient, eventually } from '../support/api-client.js';

const MONITORS = 200;
const FLIPPING = 20;
const TAKEOVER_MS = 20_000;
const TOKEN = `distributed-${randomBytes(12).toString('hex')}`;

test(
  'roles as processes survive kill -9 of a scheduler, a worker and a recorder',
  {
    timeout: 300_000,
    skip: process.env.KAFKA_BROKERS === undefined ? 'needs KAFKA_BROKERS' : false,
  },
  async (t) => {
    const runId = process.env.UPTIME_TEST_RUN_ID ?? randomBytes(4).toString('hex');
    const prefix = `dist_${runId}_${randomBytes(3).toString('hex')}`;
    const db = await createTestDatabase();
    t.after(() => db.drop());
    const dataDir = await mkdtemp(join(tmpdir(), 'uptime-dist-'));
    t.after(() => rm(dataDir, { recursive: true, force: true }));
    const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
    t.after(() => deleteRedisKeys(redisUrl, `${prefix}:`));

    const steadySites = [await startFakeSite(t), await startFakeSite(t), await startFakeSite(t)];
    const flaky = await startFakeSite(t);
    const receiver = await startWebhookReceiver(t);

    const env = {
      DATA_DIR: dataDir,
      DATABASE_URL: db.url,
      REDIS_URL: redisUrl,
      KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '',
      UPTIME_KAFKA_TOPIC_PREFIX: prefix,
      UPTIME_KAFKA_PARTITIONS: '6',
      UPTIME_ADMIN_TOKEN: TOKEN,
      UPTIME_CHECKER_THREADS: '1',
      LOG_LEVEL: 'info',
    };
    const start = (role: string): Promise<ServiceProcess> =>
      startServiceProcess(t, { ...env, UPTIME_ROLES: role });
    // The api first: its migration creates the schema the others wait for under the lock.
    const api = await start('api');
    const [schedulerA, schedulerB, workerA, workerB, recorderA, recorderB, alerter] =
      await Promise.all(
        ['scheduler', 'scheduler', 'worker', 'worker', 'recorder', 'recorder', 'alerter'].map(
          start,
        ),
      );
    assert.ok(schedulerA && schedulerB && workerA && workerB && recorderA && recorderB && alerter);
    const client = apiClient(api.url, TOKEN);

    const channel = await client.call('POST', '/notification-channels', {
      name: 'ops',
      type: 'webhook',
      url: receiver.url,
    });
    assert.equal(channel.status, 201);
    const targets: { site: FakeSite; path: string; flips: boolean }[] = [];
    for (let i = 0; i < MONITORS; i++) {
      const flips = i < FLIPPING;
      const site = flips ? flaky : (steadySites[i % steadySites.length] ?? flaky);
      targets.push({ site, path: `/m/${i}`, flips });
    }
    const ids: string[] = [];
    for (let i = 0; i < MONITORS; i += 20) {
      const created = await Promise.all(
        targets.slice(i, i + 20).map(({ site, path }) =>
          client.call('POST', '/monitors', {
            name: `m${path}`,
            url: `${site.url}${path}`,
            intervalSeconds: 1,
            timeoutSeconds: 2,
            notificationChannelIds: [channel.body.id],
          }),
        ),
      );
      for (const answer of created) {
        assert.equal(answer.status, 201);
        ids.push(answer.body.id);
      }
    }
    const countUp = async (): Promise<number> =>
      (await client.call('GET', '/monitors?status=up&limit=1000')).body.items.length;
    await eventually(
      'every monitor up',
      async () => ((await countUp()) === MONITORS ? true : undefined),
      60_000,
    );

    // Kill one of each consumer role while checks run, then flip a site down and up.
    const killedAt = Date.now();
    await Promise.all([
      schedulerA.stop('SIGKILL'),
      workerA.stop('SIGKILL'),
      recorderA.stop('SIGKILL'),
    ]);
    flaky.setMode({ kind: 'down' });
    const downHooks = await receiver.received(FLIPPING);
    flaky.setMode({ kind: 'up' });
    await receiver.received(2 * FLIPPING);
    // Keep running until well past the takeover, so that gaps after it are measured.
    const observeUntil = Math.max(Date.now(), killedAt + TAKEOVER_MS + 10_000);
    await new Promise((resolve) => setTimeout(resolve, observeUntil - Date.now()));
    assert.ok(downHooks.length >= FLIPPING);

    // Stop in flow order, letting the recorders catch up before they stop.
    assert.equal(await schedulerB.stop('SIGTERM'), 0);
    assert.equal(await workerB.stop('SIGTERM'), 0);
    const stoppedAt = Date.now();
    const made = (i: number): number => {
      const target = targets[i];
      return target === undefined ? 0 : target.site.hits(target.path);
    };
    const recordedCount = async (id: string): Promise<number> =>
      (await client.call('GET', `/monitors/${id}/results?limit=1000`)).body.items.length;
    // Every check whose result reached Kafka gets recorded; a check in flight inside the killed
    // worker may be lost (its request reached the site, its result never left the process).
    let lost = 0;
    await eventually(
      'recorders caught up',
      async () => {
        const counts = await Promise.all(ids.map(recordedCount));
        lost = counts.reduce((sum, n, i) => sum + (made(i) - n), 0);
        return lost <= 64 && counts.every((n, i) => n <= made(i)) ? true : undefined;
      },
      60_000,
    );
    assert.equal(await recorderB.stop('SIGTERM'), 0);
    assert.equal(await alerter.stop('SIGTERM'), 0);
    t.diagnostic(
      `checks made ${ids.map((_, i) => made(i)).reduce((a, b) => a + b, 0)}, lost in the killed worker ${lost}`,
    );

    let worstGapMs = 0;
    for (const [i, id] of ids.entries()) {
      const results = (await client.call('GET', `/monitors/${id}/results?limit=1000`)).body.items;
      // Recorded exactly once: the roll-ups count every stored result once.
      const uptime = (await client.call('GET', `/monitors/${id}/uptime?window=1h`)).body;
      assert.equal(uptime.checks, results.length, `roll-ups of ${id}`);
      assert.ok(
        results.length <= made(i),
        `${id}: ${results.length} results for ${made(i)} checks`,
      );
      const times = results
        .map((r) => Date.parse(r.checkedAt))
        .filter((at) => at >= killedAt + TAKEOVER_MS && at <= stoppedAt - 2_000)
        .sort((a, b) => a - b);
      for (let k = 1; k < times.length; k++) {
        worstGapMs = Math.max(worstGapMs, (times[k] ?? 0) - (times[k - 1] ?? 0));
      }
    }
    t.diagnostic(`worst gap between checks after the takeover: ${worstGapMs} ms`);
    assert.ok(worstGapMs <= 2_200, `a monitor went ${worstGapMs} ms without a check`);

    // Exactly one down and one up webhook per flipping monitor, none for the others.
    const hooks = receiver.requests.map(
      (r) => JSON.parse(r.body) as { event: string; monitor: { id: string } },
    );
    for (const [i, id] of ids.entries()) {
      const events = hooks
        .filter((h) => h.monitor.id === id)
        .map((h) => h.event)
        .sort();
      assert.deepEqual(
        events,
        i < FLIPPING ? ['monitor.down', 'monitor.up'] : [],
        `webhooks of ${id}`,
      );
    }
    assert.equal(await api.stop('SIGTERM'), 0);
  },
);

async function deleteRedisKeys(url: string, prefix: string): Promise<void> {
  const redis = createClient({ url });
  await redis.connect();
  try {
    for await (const keys of redis.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) {
      if (keys.length > 0) await redis.del(keys);
    }
  } finally {
    redis.destroy();
  }
}
