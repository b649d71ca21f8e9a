import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { createKafkaEventBus } from '../../src/adapters/kafka-bus/kafka-event-bus.js';
import type { CheckRequest } from '../../src/domain/check.js';
import { checksTopic } from '../../src/domain/events.js';
import { uuidv7 } from '../../src/domain/ids.js';
import type { BusMessage } from '../../src/ports/event-bus.js';
import { startBroker } from '../../tools/kafka/broker.mjs';
import { firstSeenOrder, message, range, seq, sequences } from '../contracts/event-bus-support.js';
import { waitUntil } from '../contracts/wait-until.js';

// This file starts a private broker (tools/kafka/broker.mjs) and restarts it: doing that to a
// shared broker would disturb whoever else uses it.
const RUN_ID = process.env['UPTIME_TEST_RUN_ID'] ?? `local_${randomUUID().slice(0, 8)}`;
const PREFIX = `${RUN_ID}.kafka`;
const group = (label: string): string => `${label}-${uuidv7()}`;

void describe('kafka event bus across a broker restart', () => {
  void it('loses no acknowledged message when the broker restarts during publishing', async (t) => {
    let broker = await startBroker();
    const dir = broker.dir;
    t.after(async () => {
      await broker.stop();
      await rm(dir, { recursive: true, force: true });
    });
    const bus = createKafkaEventBus({
      brokers: [broker.brokers],
      topicPrefix: PREFIX,
      publishTimeoutMs: 2_000,
    });
    t.after(() => bus.close());
    const topic = checksTopic(`restart-${uuidv7()}`);
    const got: BusMessage<CheckRequest>[] = [];
    await bus.subscribe(topic, group('restart'), (batch) => {
      got.push(...batch);
      return Promise.resolve();
    });

    // Publishing goes on before, during and after the restart; a publish that times out (the
    // broker is away) is retried, as a role would.
    const acknowledged: number[] = [];
    let failures = 0;
    const restart = { done: false, startedAt: 0, doneAt: 0 };
    let restarting: Promise<void> | undefined;
    let s = 0;
    let until = Number.POSITIVE_INFINITY;
    while (s < until) {
      if (s === 100) {
        restart.startedAt = Date.now();
        restarting = (async () => {
          await broker.stop();
          broker = await startBroker({ dir });
          restart.done = true;
          restart.doneAt = Date.now();
        })();
      }
      if (restart.done && until === Number.POSITIVE_INFINITY) until = s + 100;
      const batch = range(4).map((i) => message(`monitor-${(s + i) % 16}`, s + i));
      for (;;) {
        try {
          await bus.publish(topic, batch);
          acknowledged.push(...batch.map(seq));
          break;
        } catch {
          failures++;
        }
      }
      s += 4;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await restarting;
    const total = s;
    await waitUntil(
      () => acknowledged.every((s) => got.some((m) => seq(m) === s)),
      `acknowledged messages consumed: ${sequences(got).length} of ${acknowledged.length}`,
      60_000,
    );
    const consumedAt = Date.now();
    assert.deepEqual(sequences(got), range(total));
    for (let k = 0; k < 16; k++) {
      const expected = range(total).filter((n) => n % 16 === k);
      assert.deepEqual(firstSeenOrder(got, `monitor-${k}`), expected, `order of monitor-${k}`);
    }
    t.diagnostic(
      `${total} messages, ${failures} publishes rejected during the restart and retried, ` +
        `${got.length} deliveries; broker away ${restart.doneAt - restart.startedAt} ms, ` +
        `all consumed ${consumedAt - restart.doneAt} ms after it was back`,
    );
  });
});
