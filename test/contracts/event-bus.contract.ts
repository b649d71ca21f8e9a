import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import type { CheckRequest } from '../../src/domain/check.js';
import { checksTopic, type ChecksTopic } from '../../src/domain/events.js';
import { uuidv7 } from '../../src/domain/ids.js';
import type { BusMessage, EventBus } from '../../src/ports/event-bus.js';
import { assignmentContract } from './event-bus-assignment.contract.js';
import {
  firstSeenOrder,
  message,
  range,
  seq,
  sequences,
  type EventBusContractOptions,
} from './event-bus-support.js';
import { deferred, waitUntil } from './wait-until.js';

export type { EventBusContractOptions } from './event-bus-support.js';

/**
 * The EventBus contract (src/ports/event-bus.ts), run by every adapter. Each test opens its own
 * bus and uses its own topic and groups, so that the suite also runs against a shared broker.
 */
export function eventBusContract(
  name: string,
  open: () => Promise<EventBus>,
  options: EventBusContractOptions = {},
): void {
  const timeoutMs = options.timeoutMs ?? 5_000;

  async function setUp(t: TestContext): Promise<{ bus: EventBus; topic: ChecksTopic }> {
    const bus = await open();
    t.after(() => bus.close());
    return { bus, topic: checksTopic(`contract-${uuidv7()}`) };
  }

  const group = (label: string): string => `${label}-${uuidv7()}`;
  const seen = (got: readonly unknown[], n: number, what: string) => () =>
    waitUntil(() => got.length >= n, `${what}: ${got.length} of ${n}`, timeoutMs);

  void describe(`EventBus contract: ${name}`, () => {
    void it('delivers every message published after subscribing, with its key and value', async (t) => {
      const { bus, topic } = await setUp(t);
      const got: BusMessage<CheckRequest>[] = [];
      await bus.subscribe(topic, group('g'), (batch) => {
        got.push(...batch);
        return Promise.resolve();
      });
      const sent = [message('a', 0), message('b', 1), message('a', 2)];
      await bus.publish(topic, sent);
      await seen(got, 3, 'delivered')();
      const byKey = (ms: readonly BusMessage<CheckRequest>[], key: string) =>
        ms.filter((m) => m.key === key).map((m) => m.value);
      assert.deepEqual(byKey(got, 'a'), byKey(sent, 'a'));
      assert.deepEqual(byKey(got, 'b'), byKey(sent, 'b'));
    });

    void it('keeps publish order per key, across many publishes', async (t) => {
      const { bus, topic } = await setUp(t);
      const got: BusMessage<CheckRequest>[] = [];
      await bus.subscribe(topic, group('g'), (batch) => {
        got.push(...batch);
        return Promise.resolve();
      });
      const keys = Array.from({ length: 20 }, (_, i) => `key-${i}`);
      const perKey = 50;
      for (let round = 0; round < 10; round++) {
        const batch: BusMessage<CheckRequest>[] = [];
        for (let s = round * 5; s < round * 5 + 5; s++) {
          for (const key of keys) batch.push(message(key, s));
        }
        await bus.publish(topic, batch);
      }
      await seen(got, keys.length * perKey, 'delivered')();
      for (const key of keys) assert.deepEqual(firstSeenOrder(got, key), range(perKey), key);
    });

    void it('gives every group on a topic every message', async (t) => {
      const { bus, topic } = await setUp(t);
      const first: BusMessage<CheckRequest>[] = [];
      const second: BusMessage<CheckRequest>[] = [];
      await bus.subscribe(topic, group('first'), (batch) => {
        first.push(...batch);
        return Promise.resolve();
      });
      await bus.subscribe(topic, group('second'), (batch) => {
        second.push(...batch);
        return Promise.resolve();
      });
      await bus.publish(
        topic,
        range(40).map((s) => message(`k${s % 4}`, s)),
      );
      await seen(first, 40, 'first group')();
      await seen(second, 40, 'second group')();
      assert.deepEqual(sequences(first), range(40));
      assert.deepEqual(sequences(second), range(40));
    });

    void it('shares a group among its subscriptions without overlapping calls for a key', async (t) => {
      const { bus, topic } = await setUp(t);
      const shared = group('shared');
      const got: BusMessage<CheckRequest>[] = [];
      const running = new Set<string>();
      const overlaps: string[] = [];
      const handler = async (batch: readonly BusMessage<CheckRequest>[]): Promise<void> => {
        const keys = new Set(batch.map((m) => m.key));
        for (const key of keys) {
          if (running.has(key)) overlaps.push(key);
          running.add(key);
        }
        await new Promise((resolve) => setImmediate(resolve));
        for (const key of keys) running.delete(key);
        got.push(...batch);
      };
      await bus.subscribe(topic, shared, handler, { maxBatchSize: 5 });
      await bus.subscribe(topic, shared, handler, { maxBatchSize: 5 });
      for (let s = 0; s < 200; s += 20) {
        await bus.publish(
          topic,
          range(20).map((i) => message(`k${(s + i) % 10}`, s + i)),
        );
      }
      await seen(got, 200, 'delivered')();
      assert.deepEqual(sequences(got), range(200), 'each message handled (at least once)');
      assert.deepEqual(overlaps, []);
      for (let k = 0; k < 10; k++) {
        const expected = range(200).filter((s) => s % 10 === k);
        assert.deepEqual(firstSeenOrder(got, `k${k}`), expected);
      }
    });

    void it('hands a handler at most maxBatchSize messages', async (t) => {
      const { bus, topic } = await setUp(t);
      const sizes: number[] = [];
      const got: BusMessage<CheckRequest>[] = [];
      await bus.subscribe(
        topic,
        group('g'),
        (batch) => {
          sizes.push(batch.length);
          got.push(...batch);
          return Promise.resolve();
        },
        { maxBatchSize: 7 },
      );
      await bus.publish(
        topic,
        range(100).map((s) => message('same-key', s)),
      );
      await seen(got, 100, 'delivered')();
      assert.ok(Math.max(...sizes) <= 7, `batch sizes ${sizes.join(',')}`);
      assert.deepEqual(firstSeenOrder(got, 'same-key'), range(100));
    });

    void it('delivers a partial batch once the linger (maxWaitMs) runs out', async (t) => {
      const { bus, topic } = await setUp(t);
      const got: BusMessage<CheckRequest>[] = [];
      await bus.subscribe(
        topic,
        group('g'),
        (batch) => {
          got.push(...batch);
          return Promise.resolve();
        },
        { maxBatchSize: 1_000, maxWaitMs: 50 },
      );
      await bus.publish(topic, [message('a', 0), message('b', 1), message('a', 2)]);
      await seen(got, 3, 'delivered')();
      assert.deepEqual(sequences(got), [0, 1, 2]);
    });

    void it('redelivers a failed batch before anything later with its keys', async (t) => {
      const { bus, topic } = await setUp(t);
      const acked: BusMessage<CheckRequest>[] = [];
      let failures = 0;
      await bus.subscribe(topic, group('g'), (batch) => {
        if (failures < 2 && batch.some((m) => m.key === 'flaky' && seq(m) === 3)) {
          failures++;
          return Promise.reject(new Error('handler failed on purpose'));
        }
        acked.push(...batch);
        return Promise.resolve();
      });
      for (let s = 0; s < 10; s++) {
        await bus.publish(topic, [message('flaky', s), message('steady', s)]);
      }
      await seen(acked, 20, 'acknowledged')();
      assert.equal(failures, 2);
      assert.deepEqual(firstSeenOrder(acked, 'flaky'), range(10));
      assert.deepEqual(firstSeenOrder(acked, 'steady'), range(10));
    });

    void it('lets a closing subscription finish its running handler call', async (t) => {
      const { bus, topic } = await setUp(t);
      const release = deferred();
      let entered = false;
      let finished = false;
      const sub = await bus.subscribe(topic, group('g'), async () => {
        entered = true;
        await release.promise;
        finished = true;
      });
      await bus.publish(topic, [message('k', 0)]);
      await waitUntil(() => entered, 'handler called', timeoutMs);
      let closed = false;
      const closing = sub.close().then(() => {
        closed = true;
      });
      for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
      assert.equal(closed, false, 'close resolved while the handler was running');
      release.resolve();
      await closing;
      assert.equal(finished, true);
    });

    void it('answers ping until closed; then publishing rejects; close is idempotent', async (t) => {
      const { bus, topic } = await setUp(t);
      await bus.ping();
      await bus.publish(topic, []);
      await bus.close();
      await assert.rejects(bus.publish(topic, [message('k', 0)]));
      await assert.rejects(bus.ping());
      await bus.close();
    });

    assignmentContract(open, options);
  });
}
