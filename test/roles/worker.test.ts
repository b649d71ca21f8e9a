import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { createThreadPoolChecker } from '../../src/adapters/http-checker/thread-pool-checker.js';
import { createMemoryEventBus } from '../../src/adapters/memory-bus/memory-event-bus.js';
import type { CheckRequest, CheckResult } from '../../src/domain/check.js';
import { checksTopic } from '../../src/domain/events.js';
import { newCheckId, newMonitorId, type MonitorId } from '../../src/domain/ids.js';
import type { CheckStatus } from '../../src/domain/status.js';
import type { Checker } from '../../src/ports/checker.js';
import { systemClock } from '../../src/ports/clock.js';
import type { EventBus } from '../../src/ports/event-bus.js';
import { silentLogger, type Logger } from '../../src/ports/logger.js';
import type { DropReason, Metrics } from '../../src/ports/metrics.js';
import { noopMetrics } from '../../src/ports/metrics.js';
import { createWorker } from '../../src/roles/worker/worker.js';
import { checkRequest } from '../adapters/http-checker/check-request.js';
import { startFakeSite } from '../support/fake-site.js';
import { ManualClock } from '../support/manual-clock.js';

const REGION = 'eu';

/** Resolves when `count` items are in the list; the list is filled by `push`. */
class Collector<T> {
  readonly items: T[] = [];
  private waiters: { count: number; resolve: () => void }[] = [];

  push(item: T): void {
    this.items.push(item);
    this.waiters = this.waiters.filter((w) => {
      if (this.items.length < w.count) return true;
      w.resolve();
      return false;
    });
  }

  reach(count: number): Promise<void> {
    if (this.items.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }
}

interface RunningCheck {
  readonly request: CheckRequest;
  finish(status?: CheckStatus): void;
  fail(error: Error): void;
}

/** A Checker whose checks end when the test says so. */
class FakeChecker implements Checker {
  readonly started = new Collector<RunningCheck>();
  constructor(readonly capacity: number) {}

  check(request: CheckRequest): Promise<CheckResult> {
    return new Promise((resolve, reject) => {
      this.started.push({
        request,
        finish: (status = 'up') => {
          resolve(resultOf(request, status));
        },
        fail: reject,
      });
    });
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  nth(i: number): RunningCheck {
    const check = this.started.items[i];
    assert.ok(check, `check ${i} has not started`);
    return check;
  }
}

function resultOf(request: CheckRequest, status: CheckStatus): CheckResult {
  return {
    id: request.checkId,
    monitorId: request.monitorId,
    checkedAt: new Date(request.scheduledAt).toISOString(),
    status,
    latencyMs: 42,
    httpStatus: status === 'down' ? 503 : 200,
    error: status === 'down' ? 'status 503 not in 200-399' : null,
    failureKind: status === 'down' ? 'status' : null,
    region: request.region,
    timings: { dnsMs: null, connectMs: 1, tlsMs: null, ttfbMs: 40, totalMs: 42 },
    tls: null,
  };
}

function recordingMetrics(): Metrics & {
  drops: Collector<DropReason>;
  dropped: DropReason[];
  completed: CheckStatus[];
  depth: Map<string, number>;
} {
  const drops = new Collector<DropReason>();
  const dropped = drops.items;
  const completed: CheckStatus[] = [];
  const depth = new Map<string, number>();
  return {
    ...noopMetrics,
    drops,
    dropped,
    completed,
    depth,
    checkDropped: (reason) => {
      drops.push(reason);
    },
    checkCompleted: (status) => completed.push(status),
    queueDepth: (queue, n) => depth.set(queue, n),
  };
}

/** Resolves once the code under test has armed a timer on the manual clock. */
async function timerArmed(clock: ManualClock): Promise<void> {
  while (clock.pendingTimers() === 0) await new Promise(setImmediate);
}

async function setup(
  t: TestContext,
  options: { capacity?: number; bus?: (bus: EventBus) => EventBus; logger?: Logger } = {},
) {
  // One partition: requests reach the worker in publish order, whatever their keys.
  const memoryBus = createMemoryEventBus({ partitions: 1, retryBackoffMs: 5 });
  const bus = options.bus?.(memoryBus) ?? memoryBus;
  const clock = new ManualClock();
  const checker = new FakeChecker(options.capacity ?? 10);
  const metrics = recordingMetrics();
  const results = new Collector<CheckResult>();
  await memoryBus.subscribe('results', 'test', (messages) => {
    for (const m of messages) {
      assert.equal(m.key, m.value.monitorId);
      results.push(m.value);
    }
    return Promise.resolve();
  });
  const worker = createWorker(
    { bus, checker, clock, metrics, logger: options.logger ?? silentLogger },
    { region: REGION },
  );
  await worker.start();
  t.after(async () => {
    await memoryBus.close();
  });
  const request = (monitorId: MonitorId = newMonitorId(), ageMs = 0): CheckRequest => ({
    checkId: newCheckId(),
    monitorId,
    scheduledAt: clock.now() - ageMs,
    intervalMs: 60_000,
    region: REGION,
    probe: {
      url: 'https://example.com/',
      method: 'GET',
      headers: {},
      body: null,
      timeoutMs: 10_000,
      expectedStatus: ['200-399'],
      keyword: null,
      invertKeyword: false,
      maxLatencyMs: null,
      followRedirects: true,
      verifyTls: true,
    },
  });
  /** Publishes the requests and resolves once the worker's handler has taken them. */
  const send = async (...requests: CheckRequest[]): Promise<void> => {
    await memoryBus.publish(
      checksTopic(REGION),
      requests.map((r) => ({ key: r.monitorId, value: r })),
    );
    await memoryBus.drain();
  };
  return { bus: memoryBus, clock, checker, metrics, results, worker, request, send };
}

void test('runs each request and publishes its result keyed by monitor', async (t) => {
  const { checker, metrics, results, request, send } = await setup(t);
  const requests = [request(), request(), request()];
  await send(...requests);
  await checker.started.reach(3);
  checker.nth(0).finish('up');
  checker.nth(1).finish('down');
  checker.nth(2).finish('up');
  await results.reach(3);
  assert.deepEqual(results.items.map((r) => r.id).sort(), requests.map((r) => r.checkId).sort());
  assert.deepEqual(metrics.completed.sort(), ['down', 'up', 'up']);
});

void test('the handler queues without waiting for checks to finish', async (t) => {
  const { checker, request, send } = await setup(t);
  // `send` waits until the bus has seen the handler succeed; the checks are still running.
  await send(request(), request());
  assert.equal(checker.started.items.length, 2);
  await send(request());
  assert.equal(checker.started.items.length, 3);
});

void test('a request older than its interval is dropped as stale', async (t) => {
  const { checker, metrics, request, send } = await setup(t);
  await send(request(newMonitorId(), 60_001), request(newMonitorId(), 60_000));
  assert.equal(checker.started.items.length, 1, 'exactly one interval old still runs');
  assert.deepEqual(metrics.dropped, ['stale']);
});

void test('a request for a monitor whose check still runs is dropped as overlap', async (t) => {
  const { checker, metrics, results, request, send } = await setup(t);
  const monitorId = newMonitorId();
  await send(request(monitorId));
  await send(request(monitorId));
  assert.equal(checker.started.items.length, 1);
  assert.deepEqual(metrics.dropped, ['overlap']);
  checker.nth(0).finish();
  await results.reach(1);
  await send(request(monitorId));
  assert.equal(checker.started.items.length, 2, 'once it finished, the next check runs');
});

void test('at most capacity checks run; the rest wait in arrival order', async (t) => {
  const { checker, metrics, results, request, send } = await setup(t, { capacity: 2 });
  const requests = [request(), request(), request(), request(), request()];
  await send(...requests);
  assert.equal(checker.started.items.length, 2);
  assert.equal(metrics.depth.get('checks.in_flight'), 2);
  assert.equal(metrics.depth.get('checks.waiting'), 3);
  checker.nth(1).finish();
  await checker.started.reach(3);
  checker.nth(0).finish();
  await checker.started.reach(4);
  await results.reach(2);
  assert.deepEqual(
    checker.started.items.map((c) => c.request.checkId),
    requests.slice(0, 4).map((r) => r.checkId),
  );
  assert.equal(metrics.depth.get('checks.waiting'), 1);
});

void test('a request that went stale while queued is dropped when its turn comes', async (t) => {
  const { checker, clock, metrics, results, request, send } = await setup(t, { capacity: 1 });
  const waiting = request();
  await send(request(), waiting);
  clock.advance(60_001);
  checker.nth(0).finish();
  await results.reach(1);
  assert.equal(checker.started.items.length, 1);
  assert.deepEqual(metrics.dropped, ['stale']);
  // Its monitor is free again.
  await send(request(waiting.monitorId));
  assert.equal(checker.started.items.length, 2);
});

void test('stop drops what is queued, waits for running checks and publishes them', async (t) => {
  const { checker, metrics, results, request, send, worker } = await setup(t, {
    capacity: 1,
  });
  await send(request(), request(), request());
  let stopped = false;
  const stopping = worker.stop().then(() => {
    stopped = true;
  });
  await metrics.drops.reach(2);
  assert.deepEqual(metrics.dropped, ['shutdown', 'shutdown']);
  assert.equal(stopped, false, 'stop waits for the running check');
  checker.nth(0).finish();
  await stopping;
  await results.reach(1);
  assert.equal(checker.started.items.length, 1);
  await send(request());
  assert.equal(checker.started.items.length, 1, 'a stopped worker takes no requests');
});

void test('stop gives up on checks that outlast the grace', async (t) => {
  const { checker, clock, request, send, worker } = await setup(t);
  await send(request());
  let stopped = false;
  const stopping = worker.stop().then(() => {
    stopped = true;
  });
  await timerArmed(clock);
  clock.advance(9_999);
  await new Promise(setImmediate);
  assert.equal(stopped, false);
  clock.advance(1);
  await stopping;
  assert.equal(checker.started.items.length, 1);
});

void test('a check cut short by the checker closing counts as a shutdown drop', async (t) => {
  const { checker, metrics, request, send, worker } = await setup(t);
  await send(request());
  checker.nth(0).fail(new Error('checker is closed'));
  await worker.stop();
  assert.deepEqual(metrics.dropped, ['shutdown']);
});

void test('results are published again after the bus refused them', async (t) => {
  let refusals = 1;
  const { checker, clock, results, request, send } = await setup(t, {
    bus: (inner) => ({
      ...inner,
      publish: async (topic, messages) => {
        if (topic === 'results' && refusals > 0) {
          refusals -= 1;
          throw new Error('broker unavailable');
        }
        await inner.publish(topic, messages);
      },
    }),
  });
  await send(request());
  checker.nth(0).finish();
  await timerArmed(clock);
  assert.equal(refusals, 0);
  assert.equal(results.items.length, 0);
  clock.advance(1_000);
  await results.reach(1);
});

void test('drops are logged as one summary line per few seconds', async (t) => {
  const lines: { obj: object; msg: string | undefined }[] = [];
  const logger: Logger = {
    ...silentLogger,
    warn: (obj, msg) => {
      lines.push({ obj, msg });
    },
    child: () => logger,
  };
  const { clock, metrics, request, send } = await setup(t, { logger });
  await send(...Array.from({ length: 50 }, () => request(newMonitorId(), 70_000)));
  assert.equal(metrics.dropped.length, 50);
  assert.equal(lines.length, 1, 'the first drop is logged at once');
  await send(...Array.from({ length: 20 }, () => request(newMonitorId(), 70_000)));
  assert.equal(lines.length, 1);
  clock.advance(5_000);
  assert.equal(lines.length, 2);
  assert.deepEqual(lines[0]?.obj, { dropped: 1, stale: 1, overlap: 0, shutdown: 0 });
  assert.deepEqual(lines[1]?.obj, { dropped: 69, stale: 69, overlap: 0, shutdown: 0 });
});

void test('with the thread pool, a hanging target does not delay other monitors', async (t) => {
  const hanging = await startFakeSite(t);
  hanging.setMode({ kind: 'hang' });
  const healthy = await startFakeSite(t);
  const bus = createMemoryEventBus();
  const checker = createThreadPoolChecker({ threads: 1, concurrencyPerThread: 4 });
  t.after(async () => {
    await checker.close(0);
    await bus.close();
  });
  const results = new Collector<CheckResult>();
  await bus.subscribe('results', 'test', (messages) => {
    for (const m of messages) results.push(m.value);
    return Promise.resolve();
  });
  const worker = createWorker(
    { bus, checker, clock: systemClock, metrics: noopMetrics, logger: silentLogger },
    { region: REGION },
  );
  await worker.start();
  const stuck = checkRequest(hanging.url, { timeoutMs: 10_000 });
  const others = Array.from({ length: 12 }, () => checkRequest(healthy.url));
  await bus.publish(
    checksTopic(REGION),
    [stuck, ...others].map((r) => ({ key: r.monitorId, value: { ...r, region: REGION } })),
  );
  await results.reach(others.length);
  assert.ok(results.items.every((r) => r.status === 'up' && r.monitorId !== stuck.monitorId));
  await hanging.close();
  await worker.stop();
  await results.reach(others.length + 1);
  const last = results.items.at(-1);
  assert.equal(last?.monitorId, stuck.monitorId);
  assert.equal(last.status, 'down');
});
