import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { createMemoryEventBus } from '../../src/adapters/memory-bus/memory-event-bus.js';
import type { StatusChanged } from '../../src/domain/events.js';
import { newMonitorId, type MonitorId } from '../../src/domain/ids.js';
import { silentLogger } from '../../src/ports/logger.js';
import {
  STREAM_PREAMBLE,
  createStreamHub,
  type StreamHubOptions,
  type StreamSink,
} from '../../src/roles/api/stream-hub.js';
import { makeResult } from '../support/factories.js';
import { ManualClock } from '../support/manual-clock.js';

/** A sink that keeps what it is given; `backlog` stands for bytes the network has not taken. */
class FakeSink implements StreamSink {
  chunks: string[] = [];
  backlog = 0;
  closed: 'graceful' | 'abrupt' | null = null;
  write(chunk: string): void {
    this.chunks.push(chunk);
  }
  bufferedBytes(): number {
    return this.backlog;
  }
  close(graceful: boolean): void {
    this.closed = graceful ? 'graceful' : 'abrupt';
  }
  events(kind: string): unknown[] {
    return this.chunks
      .filter((c) => c.startsWith(`event: ${kind}\n`))
      .map((c) => JSON.parse(c.split('\n')[1]?.slice('data: '.length) ?? 'null') as unknown);
  }
}

async function setUp(t: TestContext, options: StreamHubOptions = {}) {
  const bus = createMemoryEventBus();
  const clock = new ManualClock();
  const hub = createStreamHub({ bus, clock, logger: silentLogger }, options);
  await hub.start();
  t.after(async () => {
    await hub.stop();
    await bus.close();
  });
  const statusChange = (monitorId: MonitorId, status: 'up' | 'down'): StatusChanged => ({
    eventKey: `k-${Math.random()}`,
    monitor: { id: monitorId, name: 'M', url: 'https://example.com/', notificationChannelIds: [] },
    status,
    previousStatus: status === 'up' ? 'down' : 'up',
    at: new Date(clock.now()).toISOString(),
    incident: null,
    result: null,
  });
  const publishStatus = async (monitorId: MonitorId, status: 'up' | 'down') => {
    await bus.publish('status', [{ key: monitorId, value: statusChange(monitorId, status) }]);
    assert.ok(await bus.drain());
  };
  const publishResult = async (monitorId: MonitorId) => {
    await bus.publish('results', [{ key: monitorId, value: makeResult(monitorId) }]);
    assert.ok(await bus.drain());
  };
  return { bus, clock, hub, publishStatus, publishResult };
}

void test('every client gets status changes; results go only to those who asked', async (t) => {
  const { hub, clock, publishStatus, publishResult } = await setUp(t);
  const [a, b] = [newMonitorId(), newMonitorId()];
  const none = new FakeSink();
  const all = new FakeSink();
  const onlyA = new FakeSink();
  hub.connect(none, { kind: 'none' });
  hub.connect(all, { kind: 'all' });
  hub.connect(onlyA, { kind: 'monitor', monitorId: a });
  for (const sink of [none, all, onlyA]) assert.equal(sink.chunks[0], STREAM_PREAMBLE);

  await publishStatus(a, 'down');
  for (const sink of [none, all, onlyA]) {
    assert.deepEqual(sink.events('status'), [
      {
        monitorId: a,
        status: 'down',
        previousStatus: 'up',
        at: new Date(clock.now()).toISOString(),
      },
    ]);
  }
  await publishResult(a);
  await publishResult(b);
  assert.equal(none.events('result').length, 0);
  assert.deepEqual(
    all.events('result').map((r) => (r as { monitorId: string }).monitorId),
    [a, b],
  );
  assert.deepEqual(
    onlyA.events('result').map((r) => Object.keys(r as object).sort()),
    [['checkedAt', 'error', 'httpStatus', 'latencyMs', 'monitorId', 'status']],
  );
  assert.equal(hub.stats().clients, 3);
});

void test('a backed-up client loses result events (counted), never status changes', async (t) => {
  const { hub, publishStatus, publishResult } = await setUp(t, {
    resultBacklogBytes: 1000,
    maxBacklogBytes: 10_000,
  });
  const id = newMonitorId();
  const slow = new FakeSink();
  const fast = new FakeSink();
  const slowConnection = hub.connect(slow, { kind: 'all' });
  hub.connect(fast, { kind: 'all' });
  slow.backlog = 5_000;
  for (let i = 0; i < 3; i++) await publishResult(id);
  await publishStatus(id, 'down');
  assert.equal(slow.events('result').length, 0);
  assert.equal(slow.events('status').length, 1);
  assert.equal(fast.events('result').length, 3);
  assert.equal(slowConnection.droppedResults(), 3);
  assert.equal(hub.stats().droppedResults, 3);
  assert.equal(slow.closed, null);

  slow.backlog = 0;
  await publishResult(id);
  assert.equal(slow.events('result').length, 1, 'results flow again once it drains');
});

void test('a client too far behind for status changes is disconnected', async (t) => {
  const { hub, publishStatus } = await setUp(t, { maxBacklogBytes: 10_000 });
  const id = newMonitorId();
  const stuck = new FakeSink();
  const fine = new FakeSink();
  hub.connect(stuck, { kind: 'none' });
  hub.connect(fine, { kind: 'none' });
  stuck.backlog = 10_001;
  await publishStatus(id, 'down');
  assert.equal(stuck.closed, 'abrupt');
  assert.equal(stuck.events('status').length, 0);
  assert.equal(fine.events('status').length, 1);
  assert.deepEqual(
    { clients: hub.stats().clients, dropped: hub.stats().dropped },
    { clients: 1, dropped: 1 },
  );
  await publishStatus(id, 'up');
  assert.equal(stuck.events('status').length, 0, 'forgotten once dropped');
});

void test('a ping comment every interval; stop ends every stream', async (t) => {
  const { hub, clock } = await setUp(t, { pingIntervalMs: 15_000 });
  const sink = new FakeSink();
  const gone = new FakeSink();
  hub.connect(sink, { kind: 'none' });
  hub.connect(gone, { kind: 'none' }).close();
  clock.advance(14_999);
  assert.equal(sink.chunks.filter((c) => c === ': ping\n\n').length, 0);
  clock.advance(1);
  clock.advance(15_000);
  assert.equal(sink.chunks.filter((c) => c === ': ping\n\n').length, 2);
  assert.equal(gone.chunks.length, 1, 'a closed connection gets nothing more');
  await hub.stop();
  assert.equal(sink.closed, 'graceful');
  assert.equal(clock.pendingTimers(), 0);
});
