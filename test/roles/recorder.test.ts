import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { createMemoryEventBus } from '../../src/adapters/memory-bus/memory-event-bus.js';
import { createMemoryStatusCache } from '../../src/adapters/memory-cache/memory-status-cache.js';
import { createSqliteStore } from '../../src/adapters/sqlite-store/sqlite-store.js';
import type { CheckResult } from '../../src/domain/check.js';
import type { StatusChanged } from '../../src/domain/events.js';
import { newCheckId, newMonitorId, type MonitorId } from '../../src/domain/ids.js';
import { MONITOR_DEFAULTS, type Monitor } from '../../src/domain/monitor.js';
import type { CheckStatus } from '../../src/domain/status.js';
import type { EventBus } from '../../src/ports/event-bus.js';
import type { StatusCache } from '../../src/ports/status-cache.js';
import { silentLogger, type Logger } from '../../src/ports/logger.js';
import { noopMetrics } from '../../src/ports/metrics.js';
import { createRecorder } from '../../src/roles/recorder/recorder.js';

const T0 = Date.UTC(2026, 0, 1);
let tick = 0;

function result(monitorId: MonitorId, status: CheckStatus): CheckResult {
  tick += 1;
  return {
    id: newCheckId(),
    monitorId,
    checkedAt: new Date(T0 + tick * 1000).toISOString(),
    status,
    latencyMs: 12,
    httpStatus: status === 'down' ? 503 : 200,
    error: status === 'down' ? 'status 503 not in 200-399' : null,
    failureKind: status === 'down' ? 'status' : null,
    region: 'default',
    timings: { dnsMs: 1, connectMs: 2, tlsMs: null, ttfbMs: 8, totalMs: 12 },
    tls: null,
  };
}

/** A recorder over the real in-memory adapters, with a listener on `status`. */
async function setup(
  t: TestContext,
  options: { failStatusPublishes?: number; cacheDown?: { value: boolean } } = {},
) {
  const bus = createMemoryEventBus({ retryBackoffMs: 5 });
  const store = createSqliteStore({ path: ':memory:' });
  await store.migrate();
  const realCache = createMemoryStatusCache();
  const cacheDown = options.cacheDown ?? { value: false };
  const cache: StatusCache = {
    ...realCache,
    get: (id) => realCache.get(id),
    getMany: (ids) => realCache.getMany(ids),
    setMany: (entries, opts) =>
      cacheDown.value ? Promise.reject(new Error('cache away')) : realCache.setMany(entries, opts),
    delete: (id) => realCache.delete(id),
    ping: () => realCache.ping(),
    close: () => realCache.close(),
  };
  const recorded: number[] = [];
  const infoLines: object[] = [];
  const logger: Logger = {
    ...silentLogger,
    info: (obj) => {
      infoLines.push(obj);
    },
    child: () => logger,
  };

  let failures = options.failStatusPublishes ?? 0;
  const flakyBus: EventBus = {
    publish: async (topic, messages) => {
      if (topic === 'status' && failures > 0) {
        failures -= 1;
        throw new Error('broker unavailable');
      }
      await bus.publish(topic, messages);
    },
    subscribe: (topic, group, handler, opts) => bus.subscribe(topic, group, handler, opts),
    partitionOf: (topic, key) => bus.partitionOf(topic, key),
    ping: () => bus.ping(),
    close: () => bus.close(),
  };

  const recorder = createRecorder({
    bus: flakyBus,
    store,
    cache,
    metrics: { ...noopMetrics, resultsRecorded: (n) => recorded.push(n) },
    logger,
  });
  const changes: StatusChanged[] = [];
  await bus.subscribe('status', 'listener', async (messages) => {
    for (const m of messages) {
      assert.equal(m.key, m.value.monitor.id);
      changes.push(m.value);
    }
    return Promise.resolve();
  });
  await recorder.start();
  t.after(async () => {
    await recorder.stop();
    await bus.close();
    await cache.close();
    await store.close();
  });

  const at = new Date(T0).toISOString();
  const monitor: Monitor = {
    ...MONITOR_DEFAULTS,
    id: newMonitorId(),
    name: 'shop',
    url: 'https://shop.example/',
    notificationChannelIds: [],
    createdAt: at,
    updatedAt: at,
  };
  await store.createMonitor(monitor);

  const deliver = async (results: readonly CheckResult[]): Promise<void> => {
    await bus.publish(
      'results',
      results.map((r) => ({ key: r.monitorId, value: r })),
    );
    assert.equal(await bus.drain(5000), true, 'the bus drains');
  };
  return { store, cache, monitor, recorded, infoLines, changes, deliver };
}

void describe('recorder', () => {
  void it('records a flip up → down → up as one down and one up, with one incident', async (t) => {
    const { store, cache, monitor, changes, recorded, infoLines, deliver } = await setup(t);
    const [up, down, back] = [
      result(monitor.id, 'up'),
      result(monitor.id, 'down'),
      result(monitor.id, 'up'),
    ];
    await deliver([up, down, back]);

    assert.deepEqual(
      changes.map((c) => `${c.previousStatus}→${c.status}`),
      ['pending→up', 'up→down', 'down→up'],
    );
    const [, wentDown, cameBack] = changes;
    assert.ok(wentDown && cameBack);
    assert.equal(wentDown.eventKey, `${down.id}:down`);
    assert.equal(cameBack.eventKey, `${back.id}:up`);
    assert.deepEqual(wentDown.result, down);
    assert.equal(wentDown.at, down.checkedAt);
    assert.deepEqual(wentDown.monitor, {
      id: monitor.id,
      name: monitor.name,
      url: monitor.url,
      notificationChannelIds: [],
    });

    const incidents = (await store.listIncidents({ monitorId: monitor.id, limit: 10 })).items;
    assert.equal(incidents.length, 1);
    const [incident] = incidents;
    assert.ok(incident);
    assert.equal(incident.state, 'resolved');
    assert.equal(incident.startedAt, down.checkedAt);
    assert.equal(incident.resolvedAt, back.checkedAt);
    assert.equal(incident.cause, down.error);
    assert.deepEqual(wentDown.incident, { ...incident, state: 'open', resolvedAt: null });
    assert.deepEqual(cameBack.incident, incident);
    assert.equal(changes[0]?.incident, null);

    assert.deepEqual(recorded, [3]);
    assert.equal(infoLines.length, 3, 'one log line per status change, none per check');

    const entry = await cache.get(monitor.id);
    assert.equal(entry?.status, 'up');
    assert.equal(entry.since, back.checkedAt);
    assert.deepEqual(entry.lastCheck, back);
  });

  void it('announces a recovery in a later batch with the incident read back', async (t) => {
    const { store, monitor, changes, deliver } = await setup(t);
    const down = result(monitor.id, 'down');
    await deliver([down]);
    const back = result(monitor.id, 'degraded');
    await deliver([back]);

    const [incident] = (await store.listIncidents({ monitorId: monitor.id, limit: 10 })).items;
    assert.equal(incident?.state, 'resolved');
    assert.equal(incident.resolvedAt, back.checkedAt);
    assert.deepEqual(
      changes.map((c) => [c.previousStatus, c.status, c.incident]),
      [
        ['pending', 'down', { ...incident, state: 'open', resolvedAt: null }],
        ['down', 'degraded', incident],
      ],
    );
  });

  void it('records a redelivered batch once and announces its transition again', async (t) => {
    const { store, monitor, changes, recorded, deliver } = await setup(t);
    const batch = [result(monitor.id, 'up'), result(monitor.id, 'down')];
    await deliver(batch);
    await deliver(batch);

    assert.deepEqual(recorded, [2, 0]);
    assert.equal((await store.listResults(monitor.id, { limit: 10 })).length, 2);
    assert.equal((await store.listIncidents({ monitorId: monitor.id, limit: 10 })).items.length, 1);
    const keys = changes.map((c) => c.eventKey);
    assert.deepEqual(keys, [`${batch[0]?.id}:up`, `${batch[1]?.id}:down`, `${batch[1]?.id}:down`]);
    assert.deepEqual(changes[2], changes[1], 'the re-announcement is the same event');
  });

  void it('loses no status change when publishing fails after the commit', async (t) => {
    const { monitor, changes, recorded, cache, deliver } = await setup(t, {
      failStatusPublishes: 2,
    });
    const down = result(monitor.id, 'down');
    await deliver([down]);

    assert.deepEqual(recorded, [1, 0, 0], 'recorded once, then seen twice as a duplicate');
    assert.equal(changes.length, 1);
    assert.equal(changes[0]?.eventKey, `${down.id}:down`);
    assert.equal(changes[0].incident?.state, 'open');
    assert.equal((await cache.get(monitor.id))?.status, 'down');
  });

  void it('updates the cache for checks that change nothing, and keeps since', async (t) => {
    const { monitor, cache, changes, deliver } = await setup(t);
    const first = result(monitor.id, 'up');
    await deliver([first]);
    const second = result(monitor.id, 'up');
    await deliver([second]);
    assert.equal(changes.length, 1);
    const entry = await cache.get(monitor.id);
    assert.equal(entry?.since, first.checkedAt);
    assert.deepEqual(entry.lastCheck, second);
  });

  void it('keeps recording while the cache is down and catches the cache up afterwards', async (t) => {
    const cacheDown = { value: true };
    const { store, cache, monitor, changes, deliver } = await setup(t, { cacheDown });
    const [up, down] = [result(monitor.id, 'up'), result(monitor.id, 'down')];
    await deliver([up]);
    await deliver([down]);
    assert.equal((await store.listResults(monitor.id, { limit: 10 })).length, 2);
    assert.deepEqual(
      changes.map((c) => `${c.previousStatus}→${c.status}`),
      ['pending→up', 'up→down'],
    );
    assert.equal((await store.statuses([monitor.id])).get(monitor.id)?.status, 'down');
    cacheDown.value = false;
    const again = result(monitor.id, 'down');
    await deliver([again]);
    const entry = await cache.get(monitor.id);
    assert.equal(entry?.status, 'down');
    assert.deepEqual(entry.lastCheck, again);
  });

  void it('drops results of unknown monitors without announcing anything', async (t) => {
    const { changes, recorded, deliver } = await setup(t);
    await deliver([result(newMonitorId(), 'down')]);
    assert.deepEqual(recorded, [0]);
    assert.deepEqual(changes, []);
  });
});
