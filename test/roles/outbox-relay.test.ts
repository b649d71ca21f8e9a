import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { createMemoryEventBus } from '../../src/adapters/memory-bus/memory-event-bus.js';
import { createSqliteStore } from '../../src/adapters/sqlite-store/sqlite-store.js';
import type { MonitorChanged } from '../../src/domain/events.js';
import { silentLogger } from '../../src/ports/logger.js';
import type { EventBus } from '../../src/ports/event-bus.js';
import { createOutboxRelay } from '../../src/roles/api/outbox-relay.js';
import { makeMonitor } from '../support/factories.js';
import { ManualClock } from '../support/manual-clock.js';

async function setUp(t: TestContext) {
  const store = createSqliteStore({ path: ':memory:' });
  await store.migrate();
  const bus = createMemoryEventBus();
  const seen: MonitorChanged[] = [];
  await bus.subscribe('monitors', 'test', (messages) => {
    for (const m of messages) seen.push(m.value);
    return Promise.resolve();
  });
  t.after(async () => {
    await bus.close();
    await store.close();
  });
  return { store, bus, seen, clock: new ManualClock() };
}

const label = (c: MonitorChanged): string => (c.kind === 'deleted' ? 'deleted' : c.reason);

test('a change committed before the relay ran (a process that died) is published at start', async (t) => {
  const { store, bus, seen, clock } = await setUp(t);
  const monitor = makeMonitor();
  await store.createMonitor(monitor);
  await store.deleteMonitor(monitor.id);
  const relay = createOutboxRelay({ store, bus, clock, logger: silentLogger });
  relay.start();
  await relay.flush();
  await bus.drain();
  assert.deepEqual(seen.map(label), ['created', 'deleted']);
  assert.deepEqual(await store.pendingMonitorChanges(10), []);
  await relay.stop();
});

test('a publish the bus refuses stays in the outbox and goes out on the next poll', async (t) => {
  const { store, bus, seen, clock } = await setUp(t);
  let refuse = true;
  const flaky: EventBus = {
    ...bus,
    partitionOf: (topic, key) => bus.partitionOf(topic, key),
    publish: (topic, messages) =>
      refuse ? Promise.reject(new Error('broker away')) : bus.publish(topic, messages),
  };
  const relay = createOutboxRelay({ store, bus: flaky, clock, logger: silentLogger });
  relay.start();
  const monitor = makeMonitor();
  await store.createMonitor(monitor);
  await relay.flush();
  assert.equal((await store.pendingMonitorChanges(10)).length, 1);
  refuse = false;
  clock.advance(1_000);
  await relay.flush();
  await bus.drain();
  assert.deepEqual(seen.map(label), ['created']);
  assert.deepEqual(await store.pendingMonitorChanges(10), []);
  await relay.stop();
  assert.equal(clock.pendingTimers(), 0);
});

test('flushes during a pass are served by a later pass; the changes of a monitor keep their order', async (t) => {
  const { store, bus, seen, clock } = await setUp(t);
  const relay = createOutboxRelay({ store, bus, clock, logger: silentLogger });
  const monitor = makeMonitor({ name: 'v0' });
  await store.createMonitor(monitor);
  const flushes: Promise<void>[] = [relay.flush()];
  const names = ['v0'];
  for (let i = 1; i < 30; i++) {
    names.push(`v${i}`);
    await store.updateMonitor({ ...monitor, name: `v${i}` });
    flushes.push(relay.flush());
  }
  await Promise.all(flushes);
  assert.deepEqual(await store.pendingMonitorChanges(10), []);
  await bus.drain();
  assert.deepEqual(
    seen.map((c) => (c.kind === 'upserted' ? c.monitor.name : '')),
    names,
  );
});
