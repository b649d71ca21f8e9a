import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assignPartitions } from '../../src/adapters/memory-bus/assign-partitions.js';
import {
  createMemoryEventBus,
  type HandlerErrorContext,
} from '../../src/adapters/memory-bus/memory-event-bus.js';
import type { CheckResult } from '../../src/domain/check.js';
import type { CheckId, MonitorId } from '../../src/domain/ids.js';
import type { BusMessage } from '../../src/ports/event-bus.js';
import { eventBusContract } from '../contracts/event-bus.contract.js';
import { deferred, waitUntil } from '../contracts/wait-until.js';

eventBusContract('memory', () => Promise.resolve(createMemoryEventBus()));
eventBusContract('memory, one partition, fast retries', () =>
  Promise.resolve(createMemoryEventBus({ partitions: 1, retryBackoffMs: 1 })),
);

function result(key: string, n: number): BusMessage<CheckResult> {
  return {
    key,
    value: {
      id: `check-${n}` as CheckId,
      monitorId: key as MonitorId,
      checkedAt: new Date(n).toISOString(),
      status: 'up',
      latencyMs: 1,
      httpStatus: 200,
      error: null,
      failureKind: null,
      region: 'test',
      timings: { dnsMs: null, connectMs: null, tlsMs: null, ttfbMs: null, totalMs: 1 },
      tls: null,
    },
  };
}

void describe('memory event bus', () => {
  void it('lingers for a fuller batch, up to maxWaitMs', async (t) => {
    const bus = createMemoryEventBus({ partitions: 1 });
    t.after(() => bus.close());
    const sizes: number[] = [];
    await bus.subscribe(
      'results',
      'recorder',
      (batch) => {
        sizes.push(batch.length);
        return Promise.resolve();
      },
      { maxBatchSize: 100, maxWaitMs: 200 },
    );
    // Published across several turns of the event loop: without linger they would arrive in
    // several small batches.
    for (let i = 0; i < 10; i++) {
      await bus.publish('results', [result('m', i)]);
      await new Promise((resolve) => setImmediate(resolve));
    }
    assert.equal(await bus.drain(2_000), true);
    assert.deepEqual(sizes, [10]);
  });

  void it('ends a linger early once a full batch is waiting', async (t) => {
    const bus = createMemoryEventBus({ partitions: 1 });
    t.after(() => bus.close());
    const sizes: number[] = [];
    await bus.subscribe(
      'results',
      'recorder',
      (batch) => {
        sizes.push(batch.length);
        return Promise.resolve();
      },
      { maxBatchSize: 5, maxWaitMs: 60_000 },
    );
    await bus.publish('results', [result('m', 0)]);
    await new Promise((resolve) => setImmediate(resolve));
    await bus.publish(
      'results',
      [1, 2, 3, 4].map((n) => result('m', n)),
    );
    await waitUntil(() => sizes.length === 1, 'full batch delivered', 2_000);
    assert.deepEqual(sizes, [5]);
  });

  void it('reports handler failures and backs off between redeliveries', async (t) => {
    const failures: { attempt: number; group: string }[] = [];
    const bus = createMemoryEventBus({
      retryBackoffMs: 20,
      onHandlerError: (_error, context) => failures.push(context),
    });
    t.after(() => bus.close());
    const calls: number[] = [];
    await bus.subscribe('results', 'flaky', () => {
      calls.push(Date.now());
      return calls.length < 4 ? Promise.reject(new Error('not yet')) : Promise.resolve();
    });
    await bus.publish('results', [result('m', 0)]);
    assert.equal(await bus.drain(2_000), true);
    assert.deepEqual(
      failures.map((f) => [f.group, f.attempt]),
      [
        ['flaky', 1],
        ['flaky', 2],
        ['flaky', 3],
      ],
    );
    const gaps = calls.slice(1).map((at, i) => at - (calls[i] ?? at));
    // 20, 40 and 80 ms; timers may fire a millisecond early.
    assert.ok((gaps[0] ?? 0) >= 19 && (gaps[2] ?? 0) >= 79, `gaps ${gaps.join(',')}`);
  });

  void it('drops what a group had not handled when its last subscription closes', async (t) => {
    const bus = createMemoryEventBus({ partitions: 1 });
    t.after(() => bus.close());
    const release = deferred();
    let calls = 0;
    const sub = await bus.subscribe(
      'results',
      'leaving',
      async () => {
        calls++;
        await release.promise;
      },
      { maxBatchSize: 1 },
    );
    await bus.publish('results', [result('m', 0), result('m', 1)]);
    await waitUntil(() => calls === 1, 'first call');
    const closing = sub.close();
    release.resolve();
    await closing;
    assert.equal(await bus.drain(1_000), true);
    assert.equal(calls, 1);
  });

  void it('closes a group whose handler keeps failing without waiting out the backoff', async () => {
    const bus = createMemoryEventBus({ retryBackoffMs: 60_000 });
    let calls = 0;
    await bus.subscribe('results', 'failing', () => {
      calls++;
      return Promise.reject(new Error('down'));
    });
    await bus.publish('results', [result('m', 0)]);
    await waitUntil(() => calls === 1, 'first call');
    const started = Date.now();
    await bus.close();
    assert.ok(Date.now() - started < 1_000);
    assert.equal(await bus.drain(10), true);
  });

  void it('refuses invalid options', async () => {
    assert.throws(() => createMemoryEventBus({ partitions: 0 }), /partitions/);
    assert.throws(() => createMemoryEventBus({ retryBackoffMs: -1 }), /retryBackoffMs/);
    const bus = createMemoryEventBus();
    await assert.rejects(
      bus.subscribe('results', 'g', () => Promise.resolve(), { maxBatchSize: 0 }),
      /maxBatchSize/,
    );
    await bus.close();
    await assert.rejects(
      bus.subscribe('results', 'g', () => Promise.resolve()),
      /closed/,
    );
  });

  void it('moves 100k messages from publish to handler quickly', async (t) => {
    const bus = createMemoryEventBus();
    t.after(() => bus.close());
    let handled = 0;
    await bus.subscribe('results', 'throughput', (batch) => {
      handled += batch.length;
      return Promise.resolve();
    });
    const total = 100_000;
    const messages = Array.from({ length: total }, (_, n) => result(`monitor-${n % 5_000}`, n));
    const started = performance.now();
    // One publish per message, as the hottest producer (a worker reporting results) does.
    for (const m of messages) void bus.publish('results', [m]);
    assert.equal(await bus.drain(30_000), true);
    const ms = performance.now() - started;
    assert.equal(handled, total);
    t.diagnostic(`${Math.round(total / (ms / 1000)).toLocaleString('en')} messages/s`);
  });
});

void describe('memory event bus: partition assignment', () => {
  const owners = (assignment: readonly (string | undefined)[]): string =>
    assignment.map((m) => m ?? '-').join('');

  void it('balances partitions and moves as few as it can', () => {
    const none = Array.from({ length: 8 }, (): string | undefined => undefined);
    const alone = assignPartitions(none, ['a']);
    assert.equal(owners(alone), 'aaaaaaaa');
    const pair = assignPartitions(alone, ['a', 'b']);
    assert.equal(owners(pair), 'aaaabbbb', 'b takes half; a keeps the rest');
    const three = assignPartitions(pair, ['a', 'b', 'c']);
    assert.equal(owners(three), 'aaacbbbc', 'c takes one from each; a and b keep theirs');
    const afterA = assignPartitions(
      three.map((m) => (m === 'a' ? undefined : m)),
      ['b', 'c'],
    );
    assert.equal(owners(afterA), 'bcccbbbc', "only a's partitions move");
    assert.equal(owners(assignPartitions(afterA, [])), '--------');
    assert.equal(owners(assignPartitions(['x', 'x'], ['a', 'b', 'c'])), 'ab');
  });

  void it('resolves subscribe once the member has been told its first set', async (t) => {
    const bus = createMemoryEventBus({ partitions: 4 });
    t.after(() => bus.close());
    const told: number[][] = [];
    await bus.subscribe('results', 'g', () => Promise.resolve(), {
      onAssignment: async (partitions) => {
        await new Promise((resolve) => setImmediate(resolve));
        told.push([...partitions]);
      },
    });
    assert.deepEqual(told, [[0, 1, 2, 3]]);
    assert.equal(bus.partitionOf('results', 'm'), bus.partitionOf('monitors', 'm'));
  });

  void it('reports a failing listener and serves the partitions all the same', async (t) => {
    const failures: HandlerErrorContext[] = [];
    const bus = createMemoryEventBus({ onHandlerError: (_e, context) => failures.push(context) });
    t.after(() => bus.close());
    let handled = 0;
    await bus.subscribe(
      'results',
      'g',
      (batch) => {
        handled += batch.length;
        return Promise.resolve();
      },
      {
        onAssignment: () => {
          throw new Error('listener failed');
        },
      },
    );
    await bus.publish('results', [result('m', 0)]);
    assert.equal(await bus.drain(1_000), true);
    assert.equal(handled, 1);
    assert.deepEqual(
      failures.map((f) => [f.stage, f.group]),
      [['assignment', 'g']],
    );
  });

  void it('holds moved partitions until the listener is done, and drain waits for it', async (t) => {
    const bus = createMemoryEventBus({ partitions: 2 });
    t.after(() => bus.close());
    await bus.subscribe('results', 'g', () => Promise.resolve());
    const listening = deferred();
    const handled: string[] = [];
    const joining = bus.subscribe(
      'results',
      'g',
      (batch) => {
        handled.push(...batch.map((m) => m.key));
        return Promise.resolve();
      },
      { onAssignment: () => listening.promise },
    );
    const key = ['a', 'b', 'c', 'd'].find((k) => bus.partitionOf('results', k) === 1) ?? 'a';
    await bus.publish('results', [result(key, 0)]);
    assert.equal(await bus.drain(50), false, 'a rebalance is under way');
    assert.deepEqual(handled, []);
    listening.resolve();
    await joining;
    assert.equal(await bus.drain(1_000), true);
    assert.deepEqual(handled, [key]);
  });
});
