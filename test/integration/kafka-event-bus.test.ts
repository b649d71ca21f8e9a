import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it, type TestContext } from 'node:test';
import {
  createKafkaEventBus,
  type KafkaEventBusOptions,
} from '../../src/adapters/kafka-bus/kafka-event-bus.js';
import type { CheckRequest } from '../../src/domain/check.js';
import { checksTopic, type ChecksTopic } from '../../src/domain/events.js';
import { uuidv7 } from '../../src/domain/ids.js';
import type { BusMessage, EventBus } from '../../src/ports/event-bus.js';
import { eventBusContract } from '../contracts/event-bus.contract.js';
import { firstSeenOrder, message, range, seq, sequences } from '../contracts/event-bus-support.js';
import { waitUntil } from '../contracts/wait-until.js';
import { startMember } from './support/kafka-members.js';

// The runner (tools/run-integration.mjs) starts a broker when KAFKA_BROKERS is unset.
const BROKERS = (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(',');
const RUN_ID = process.env['UPTIME_TEST_RUN_ID'] ?? `local_${randomUUID().slice(0, 8)}`;
/** Every topic and group of this run lives under it, so runs sharing a broker never meet. */
const PREFIX = `${RUN_ID}.kafka`;
const DELIVERY_MS = 20_000;

function openBus(overrides: Partial<KafkaEventBusOptions> = {}): EventBus {
  return createKafkaEventBus({ brokers: BROKERS, topicPrefix: PREFIX, ...overrides });
}

function setUp(t: TestContext): { bus: EventBus; topic: ChecksTopic } {
  const bus = openBus();
  t.after(() => bus.close());
  return { bus, topic: checksTopic(`kafka-${uuidv7()}`) };
}

const group = (label: string): string => `${label}-${uuidv7()}`;

/** The sequence numbers below `count` that no delivered message carries. */
function missing(got: readonly BusMessage<CheckRequest>[], count: number): number[] {
  const seen = new Set(got.map(seq));
  return range(count).filter((s) => !seen.has(s));
}

eventBusContract('kafka', () => Promise.resolve(openBus()), {
  timeoutMs: DELIVERY_MS,
  assignmentTimeoutMs: 30_000,
});

void describe('kafka event bus', () => {
  void it('commits only what a handler acknowledged: a new member resumes at the first unacknowledged message', async (t) => {
    const { bus, topic } = setUp(t);
    const shared = group('resume');
    const acked: number[] = [];
    const attempts = new Map<number, number>();
    const first = await bus.subscribe(
      topic,
      shared,
      (batch) => {
        const s = seq(batch[0] ?? message('none', -1));
        attempts.set(s, (attempts.get(s) ?? 0) + 1);
        // Seq 3 fails twice, then succeeds; from seq 7 on every call fails.
        if ((s === 3 && (attempts.get(s) ?? 0) <= 2) || s >= 7) {
          return Promise.reject(new Error('handler failed on purpose'));
        }
        acked.push(s);
        return Promise.resolve();
      },
      { maxBatchSize: 1 },
    );
    await bus.publish(
      topic,
      range(10).map((s) => message('one-key', s)),
    );
    await waitUntil(
      () => acked.length === 7 && (attempts.get(7) ?? 0) >= 2,
      `first member: acked ${acked.join(',')}`,
      DELIVERY_MS,
    );
    assert.deepEqual(acked, range(7), 'redelivered in order, nothing overtook the failed one');
    assert.equal(attempts.get(3), 3);
    assert.equal(attempts.get(8), undefined, 'nothing after a failing message is handed over');
    await first.close();

    const other = openBus();
    t.after(() => other.close());
    const resumed: BusMessage<CheckRequest>[] = [];
    await other.subscribe(topic, shared, (batch) => {
      resumed.push(...batch);
      return Promise.resolve();
    });
    await waitUntil(() => resumed.length >= 3, 'second member resumed', DELIVERY_MS);
    assert.deepEqual(firstSeenOrder(resumed, 'one-key'), [7, 8, 9]);
  });

  void it('splits the partitions between two processes and gives all to the one left', async (t) => {
    const { bus, topic } = setUp(t);
    const other = openBus();
    t.after(() => other.close());
    const shared = group('split');
    const partitions = 12;
    const all = range(partitions);
    const told = { a: [] as (readonly number[])[], b: [] as (readonly number[])[] };
    const running = new Set<string>();
    const overlaps: string[] = [];
    const strays: string[] = [];
    const got: BusMessage<CheckRequest>[] = [];
    const latest = (who: 'a' | 'b'): readonly number[] => told[who].at(-1) ?? [];
    const handler =
      (who: 'a' | 'b') =>
      async (batch: readonly BusMessage<CheckRequest>[]): Promise<void> => {
        const keys = new Set(batch.map((m) => m.key));
        for (const key of keys) {
          if (running.has(key)) overlaps.push(key);
          running.add(key);
        }
        await new Promise((resolve) => setTimeout(resolve, 2));
        for (const key of keys) running.delete(key);
        for (const m of batch) {
          const p = bus.partitionOf(topic, m.key);
          if (!latest(who).includes(p)) strays.push(`${who} handled partition ${p}`);
        }
        got.push(...batch);
      };

    await bus.subscribe(topic, shared, handler('a'), {
      maxBatchSize: 5,
      onAssignment: (p) => void told.a.push(p),
    });
    assert.deepEqual(latest('a'), all);
    // From here on messages flow the whole time, through the join and the leave.
    const flow = { publishing: true };
    let sent = 0;
    const publisher = (async () => {
      while (flow.publishing) {
        await bus.publish(
          topic,
          range(20).map((i) => message(`monitor-${(sent + i) % 50}`, sent + i)),
        );
        sent += 20;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();

    const joinedAt = Date.now();
    const second = await other.subscribe(topic, shared, handler('b'), {
      maxBatchSize: 5,
      onAssignment: (p) => void told.b.push(p),
    });
    await waitUntil(
      () =>
        latest('a').length + latest('b').length === partitions &&
        [...latest('a'), ...latest('b')].sort((x, y) => x - y).join() === all.join(),
      `disjoint sets covering every partition: ${latest('a').join()} | ${latest('b').join()}`,
      30_000,
    );
    const splitMs = Date.now() - joinedAt;
    assert.ok(latest('a').length > 0 && latest('b').length > 0, 'both members own partitions');
    await waitUntil(() => sequences(got).length >= sent && sent > 200, 'flowing', DELIVERY_MS);

    const leftAt = Date.now();
    await second.close();
    await waitUntil(() => latest('a').length === partitions, 'survivor owns all', 30_000);
    const takeoverMs = Date.now() - leftAt;
    const beforeStop = sent;
    await waitUntil(() => sent >= beforeStop + 200, 'more published', DELIVERY_MS);
    flow.publishing = false;
    await publisher;
    await waitUntil(
      () => sequences(got).length === sent,
      `every message handled: ${sequences(got).length} of ${sent}, missing ${missing(got, sent).join(',')}`,
      DELIVERY_MS,
    );
    assert.deepEqual(sequences(got), range(sent));
    assert.deepEqual(overlaps, [], 'no two handler calls for a key at once');
    for (let k = 0; k < 50; k++) {
      const expected = range(sent).filter((s) => s % 50 === k);
      assert.deepEqual(firstSeenOrder(got, `monitor-${k}`), expected, `order of monitor-${k}`);
    }
    assert.deepEqual(strays, [], 'each member handles only partitions it was told it owns');
    t.diagnostic(`split after ${splitMs} ms, taken over ${takeoverMs} ms after a leave`);
  });

  void it('serves members of one group that read different topics, each all of its topic', async (t) => {
    const { bus, topic } = setUp(t);
    const other = openBus();
    t.after(() => other.close());
    const otherTopic = checksTopic(`kafka-${uuidv7()}`);
    const shared = group('regions');
    const owned = { a: [] as readonly number[], b: [] as readonly number[] };
    const got = { a: [] as BusMessage<CheckRequest>[], b: [] as BusMessage<CheckRequest>[] };
    const member = (who: 'a' | 'b') =>
      [
        (batch: readonly BusMessage<CheckRequest>[]) => {
          got[who].push(...batch);
          return Promise.resolve();
        },
        {
          onAssignment: (p: readonly number[]) => {
            owned[who] = p;
          },
        },
      ] as const;
    await bus.subscribe(topic, shared, ...member('a'));
    await other.subscribe(otherTopic, shared, ...member('b'));
    await waitUntil(
      () => owned.a.length === 12 && owned.b.length === 12,
      `each owns its topic: ${owned.a.join()} | ${owned.b.join()}`,
      30_000,
    );
    const round = range(24).map((s) => message(`monitor-${s}`, s));
    await Promise.all([bus.publish(topic, round), other.publish(otherTopic, round)]);
    await waitUntil(
      () => sequences(got.a).length === 24 && sequences(got.b).length === 24,
      `delivered: ${sequences(got.a).length} and ${sequences(got.b).length} of 24`,
      DELIVERY_MS,
    );
  });

  void it('hands the partitions of a killed process to the survivor within the session timeout', async (t) => {
    const { bus, topic } = setUp(t);
    const shared = group('kill');
    const partitions = 12;
    let owned: readonly number[] = [];
    const handled = new Set<number>();
    await bus.subscribe(
      topic,
      shared,
      (batch) => {
        for (const m of batch) handled.add(seq(m));
        return Promise.resolve();
      },
      {
        onAssignment: (p) => {
          owned = p;
        },
      },
    );
    const member = startMember(topic, shared, { brokers: BROKERS, topicPrefix: PREFIX });
    t.after(() => {
      member.kill();
    });
    await waitUntil(
      () =>
        member.ready &&
        member.owned.length > 0 &&
        owned.length + member.owned.length === partitions,
      `split: ${owned.join()} | ${member.owned.join()}`,
      30_000,
    );

    let sent = 0;
    const publishRound = async (): Promise<void> => {
      await bus.publish(
        topic,
        range(24).map((i) => message(`monitor-${(sent + i) % 48}`, sent + i)),
      );
      sent += 24;
    };
    for (let i = 0; i < 5; i++) await publishRound();
    await waitUntil(() => member.handled.size > 0, 'the other process handling', DELIVERY_MS);

    member.kill();
    const killedAt = Date.now();
    // Publishing goes on while the group notices the loss.
    while (owned.length < partitions && Date.now() - killedAt < 30_000) {
      await publishRound();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const takeoverMs = Date.now() - killedAt;
    assert.equal(owned.length, partitions, 'the survivor owns every partition');
    assert.ok(takeoverMs < 20_000, `taken over after ${takeoverMs} ms`);
    await publishRound();
    await waitUntil(
      () => range(sent).every((s) => handled.has(s) || member.handled.has(s)),
      `every message handled by one of them: ${range(sent)
        .filter((s) => !handled.has(s) && !member.handled.has(s))
        .join(',')}`,
      DELIVERY_MS,
    );
    t.diagnostic(`partitions of the killed process taken over after ${takeoverMs} ms`);
  });

  void it('rejects a message the broker refuses at once, without holding up the others', async (t) => {
    const { bus, topic } = setUp(t);
    const got: BusMessage<CheckRequest>[] = [];
    await bus.subscribe(topic, group('large'), (batch) => {
      got.push(...batch);
      return Promise.resolve();
    });
    const huge = message('huge', 0);
    const tooLarge = { ...huge, value: { ...huge.value, region: 'x'.repeat(2 * 1024 * 1024) } };
    const startedAt = Date.now();
    const [refused, accepted] = await Promise.allSettled([
      bus.publish(topic, [tooLarge]),
      bus.publish(topic, [message('small', 1)]),
    ]);
    assert.equal(refused.status, 'rejected');
    assert.match(String(refused.reason), /refused/);
    assert.equal(accepted.status, 'fulfilled');
    assert.ok(Date.now() - startedAt < 5_000, 'refused without waiting for the publish timeout');
    await waitUntil(() => got.length === 1, 'the small message delivered', DELIVERY_MS);
  });

  void it('moves 100,000 small messages from publish to handler', async (t) => {
    const { bus, topic } = setUp(t);
    const total = 100_000;
    let handled = 0;
    await bus.subscribe(
      topic,
      group('throughput'),
      (batch) => {
        handled += batch.length;
        return Promise.resolve();
      },
      { maxBatchSize: 500 },
    );
    const startedAt = Date.now();
    const publishes: Promise<void>[] = [];
    for (let from = 0; from < total; from += 1_000) {
      publishes.push(
        bus.publish(
          topic,
          range(1_000).map((i) => ({
            key: `monitor-${(from + i) % 1_000}`,
            value: message('x', from + i).value,
          })),
        ),
      );
    }
    await Promise.all(publishes);
    const publishedMs = Date.now() - startedAt;
    await waitUntil(() => handled >= total, `handled ${handled} of ${total}`, 60_000);
    const totalMs = Date.now() - startedAt;
    t.diagnostic(
      `${total} messages: published in ${publishedMs} ms (${Math.round((total / publishedMs) * 1000)}/s), ` +
        `handled after ${totalMs} ms (${Math.round((total / totalMs) * 1000)}/s)`,
    );
  });
});
