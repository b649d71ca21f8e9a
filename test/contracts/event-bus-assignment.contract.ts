import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import type { CheckRequest } from '../../src/domain/check.js';
import { checksTopic, type ChecksTopic } from '../../src/domain/events.js';
import { uuidv7 } from '../../src/domain/ids.js';
import type { BusMessage, EventBus, SubscribeOptions } from '../../src/ports/event-bus.js';
import { message, range, sequences, type EventBusContractOptions } from './event-bus-support.js';
import { deferred, waitUntil } from './wait-until.js';

/** Enough keys that, with any sensible partition count, most partitions receive some. */
const KEYS = range(64).map((i) => `monitor-${i}`);

/**
 * One subscription, watched: the set it was last told, the messages it handled, and any breach of
 * the assignment contract seen from inside (a message of a partition it was not told it owns, or
 * a partition taken away while a handler call for it was still running).
 */
interface Watched {
  readonly owned: ReadonlySet<number> | undefined;
  /** Handler calls running now. */
  readonly busy: number;
  readonly got: readonly BusMessage<CheckRequest>[];
  readonly breaches: readonly string[];
  readonly options: SubscribeOptions;
  handler(batch: readonly BusMessage<CheckRequest>[]): Promise<void>;
}

/** `gate`: every handler call waits for it, so that a test can hold calls open. */
function watch(
  bus: EventBus,
  topic: ChecksTopic,
  gate: Promise<void> = Promise.resolve(),
): Watched {
  let owned: ReadonlySet<number> | undefined;
  const got: BusMessage<CheckRequest>[] = [];
  const breaches: string[] = [];
  const running = new Set<number>();
  let busy = 0;
  return {
    get owned() {
      return owned;
    },
    get busy() {
      return busy;
    },
    got,
    breaches,
    options: {
      // Small batches, so that a partition's messages span several calls (and can change hands).
      maxBatchSize: 2,
      onAssignment: async (partitions) => {
        const next = new Set(partitions);
        for (const p of running) {
          if (!next.has(p)) breaches.push(`partition ${p} revoked during a handler call`);
        }
        // Takes a turn, as a role loading its share would: the bus must wait for it.
        await new Promise((resolve) => setImmediate(resolve));
        owned = next;
      },
    },
    async handler(batch) {
      const partitions = new Set(batch.map((m) => bus.partitionOf(topic, m.key)));
      for (const p of partitions) {
        if (owned?.has(p) !== true) breaches.push(`message of partition ${p}, not owned`);
        running.add(p);
      }
      busy++;
      // Held open at least across a turn, so that a revocation that did not wait would show.
      await gate;
      await new Promise((resolve) => setImmediate(resolve));
      busy--;
      for (const p of partitions) running.delete(p);
      got.push(...batch);
    },
  };
}

/** Whether every partition in `wanted` is in `owned`. */
const covers = (owned: ReadonlySet<number> | undefined, wanted: Iterable<number>): boolean => {
  if (owned === undefined) return false;
  for (const p of wanted) if (!owned.has(p)) return false;
  return true;
};

const describeSet = (owned: ReadonlySet<number> | undefined): string =>
  owned === undefined ? 'not told' : `[${[...owned].sort((a, b) => a - b).join(',')}]`;

/**
 * The partition-assignment part of the EventBus contract (`partitionOf`, `onAssignment`). It
 * awaits conditions with deadlines and never relies on how fast a rebalance is.
 */
export function assignmentContract(
  open: () => Promise<EventBus>,
  options: EventBusContractOptions,
): void {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const assignmentTimeoutMs = options.assignmentTimeoutMs ?? 30_000;

  async function setUp(t: TestContext): Promise<{ bus: EventBus; topic: ChecksTopic }> {
    const bus = await open();
    t.after(() => bus.close());
    return { bus, topic: checksTopic(`contract-${uuidv7()}`) };
  }

  const group = (label: string): string => `${label}-${uuidv7()}`;
  const routed = (bus: EventBus, topic: ChecksTopic): Set<number> =>
    new Set(KEYS.map((key) => bus.partitionOf(topic, key)));
  const publishRound = (bus: EventBus, topic: ChecksTopic, from: number): Promise<void> =>
    bus.publish(
      topic,
      KEYS.map((key, i) => message(key, from + i)),
    );
  const received = (w: Watched, from: number): number =>
    sequences(w.got).filter((s) => s >= from && s < from + KEYS.length).length;

  void describe('partition assignment', () => {
    void it('maps a key to the same partition every time, on every instance of the bus', async (t) => {
      const { bus, topic } = await setUp(t);
      const other = await open();
      t.after(() => other.close());
      for (const key of [...KEYS, '', 'ключ', '0190a6f2-7b3c-7d4e-8f00-000000000000']) {
        const p = bus.partitionOf(topic, key);
        assert.ok(Number.isInteger(p) && p >= 0, `partition of ${JSON.stringify(key)}: ${p}`);
        assert.equal(bus.partitionOf(topic, key), p);
        assert.equal(other.partitionOf(topic, key), p, 'another instance of the bus agrees');
      }
    });

    void it('tells a single subscriber a set that holds every key, before handling any', async (t) => {
      const { bus, topic } = await setUp(t);
      const solo = watch(bus, topic);
      await bus.subscribe(topic, group('solo'), (b) => solo.handler(b), solo.options);
      const all = routed(bus, topic);
      await waitUntil(
        () => covers(solo.owned, all),
        `the only member owns every partition: told ${describeSet(solo.owned)}`,
        assignmentTimeoutMs,
      );
      await publishRound(bus, topic, 0);
      await waitUntil(() => received(solo, 0) === KEYS.length, 'delivered', timeoutMs);
      assert.deepEqual(solo.breaches, []);
    });

    void it('splits a group between its members and gives all to the one left', async (t) => {
      const { bus, topic } = await setUp(t);
      const shared = group('shared');
      const gate = deferred();
      const first = watch(bus, topic, gate.promise);
      const second = watch(bus, topic);
      const all = routed(bus, topic);
      const firstSub = await bus.subscribe(topic, shared, (b) => first.handler(b), first.options);
      await waitUntil(() => covers(first.owned, all), 'first member told', assignmentTimeoutMs);
      // The second member joins while the first holds handler calls open: the partitions that
      // move must wait for them. The join is not awaited before the release, since an adapter may
      // resolve it only once the rebalance is over.
      await publishRound(bus, topic, 0);
      await waitUntil(() => first.busy > 0, 'first member handling', timeoutMs);
      const joining = bus.subscribe(topic, shared, (b) => second.handler(b), second.options);
      for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
      gate.resolve();
      await joining;

      const split = (): boolean => {
        const [a, b] = [first.owned, second.owned];
        if (a === undefined || b === undefined) return false;
        return [...a].every((p) => !b.has(p)) && covers(new Set([...a, ...b]), all);
      };
      await waitUntil(
        split,
        `disjoint sets covering [${[...all].join(',')}]: ` +
          `told ${describeSet(first.owned)} and ${describeSet(second.owned)}`,
        assignmentTimeoutMs,
      );
      const union = new Set([...(first.owned ?? []), ...(second.owned ?? [])]);
      await waitUntil(
        () =>
          sequences([...first.got, ...second.got]).filter((s) => s < KEYS.length).length ===
          KEYS.length,
        'the round published during the rebalance delivered',
        timeoutMs,
      );

      await publishRound(bus, topic, 1_000);
      await waitUntil(
        () => received(first, 1_000) + received(second, 1_000) >= KEYS.length,
        'a round after the rebalance delivered',
        timeoutMs,
      );
      assert.equal(
        received(first, 1_000) + received(second, 1_000),
        KEYS.length,
        'each message to one member',
      );
      assert.deepEqual([...first.breaches, ...second.breaches], []);

      await firstSub.close();
      const closedWith = first.got.length;
      await waitUntil(
        () => covers(second.owned, union),
        `the member left owns every partition: told ${describeSet(second.owned)}`,
        assignmentTimeoutMs,
      );
      await publishRound(bus, topic, 2_000);
      await waitUntil(
        () => received(second, 2_000) === KEYS.length,
        'a round after the close delivered',
        timeoutMs,
      );
      assert.equal(first.got.length, closedWith, 'a closed subscription handles nothing more');
      assert.deepEqual([...first.breaches, ...second.breaches], []);
    });
  });
}
