import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { Worker } from 'node:worker_threads';
import type { CheckRequest } from '../../../src/domain/check.js';
import { spawnCheckerThread } from '../../../src/adapters/http-checker/spawn-checker-thread.js';
import {
  CheckerClosedError,
  createThreadPoolChecker,
} from '../../../src/adapters/http-checker/thread-pool-checker.js';
import { startFakeSite } from '../../support/fake-site.js';
import { checkRequest } from './check-request.js';

const run = promisify(execFile);

void test('capacity is threads times the concurrency per thread', async () => {
  const checker = createThreadPoolChecker({ threads: 2, concurrencyPerThread: 5 });
  assert.equal(checker.capacity, 10);
  await checker.close();
});

void test('many concurrent checks each get their own result', async (t) => {
  const site = await startFakeSite(t);
  const checker = createThreadPoolChecker({ threads: 2, concurrencyPerThread: 8 });
  t.after(() => checker.close());
  const requests = Array.from({ length: 300 }, (_, i) =>
    checkRequest(`${site.url}/status/${i % 2 === 0 ? 200 : 503}`),
  );
  const results = await Promise.all(requests.map((r) => checker.check(r)));
  results.forEach((result, i) => {
    const request = requests[i];
    assert.equal(result.id, request?.checkId);
    assert.equal(result.monitorId, request?.monitorId);
    assert.equal(result.status, i % 2 === 0 ? 'up' : 'down');
  });
  assert.equal(site.hits(), 300);
});

void test('a hanging target does not delay other checks', async (t) => {
  const hanging = await startFakeSite(t);
  hanging.setMode({ kind: 'hang' });
  const healthy = await startFakeSite(t);
  const checker = createThreadPoolChecker({ threads: 1, concurrencyPerThread: 4 });
  t.after(() => checker.close());
  const stuck = checker.check(checkRequest(hanging.url, { timeoutMs: 3_000 }));
  await hanging.waitForHits(1);
  const started = performance.now();
  const results = await Promise.all(
    Array.from({ length: 30 }, () => checker.check(checkRequest(healthy.url))),
  );
  const elapsed = performance.now() - started;
  assert.ok(results.every((r) => r.status === 'up'));
  assert.ok(elapsed < 1_000, `healthy checks took ${elapsed} ms`);
  assert.ok(results.every((r) => r.latencyMs < 500));
  hanging.setMode({ kind: 'up' });
  await hanging.close();
  assert.equal((await stuck).status, 'down');
});

void test('close lets running checks finish, then refuses new ones', async (t) => {
  const site = await startFakeSite(t);
  site.setMode({ kind: 'slow', delayMs: 150 });
  const checker = createThreadPoolChecker({ threads: 1, concurrencyPerThread: 2 });
  const running = checker.check(checkRequest(site.url));
  await site.waitForHits(1);
  await checker.close();
  assert.equal((await running).status, 'up');
  await assert.rejects(checker.check(checkRequest(site.url)), CheckerClosedError);
});

void test('close gives up on checks that outlast the grace', async (t) => {
  const site = await startFakeSite(t);
  site.setMode({ kind: 'hang' });
  const checker = createThreadPoolChecker({ threads: 1, concurrencyPerThread: 2 });
  const stuck = checker.check(checkRequest(site.url, { timeoutMs: 10_000 }));
  const rejected = assert.rejects(stuck, CheckerClosedError);
  await site.waitForHits(1);
  const started = performance.now();
  await checker.close(100);
  assert.ok(performance.now() - started < 1_000);
  await rejected;
});

void test('a thread that dies fails its checks as down and is replaced', async (t) => {
  const site = await startFakeSite(t);
  let spawned = 0;
  const checker = createThreadPoolChecker({
    threads: 1,
    concurrencyPerThread: 4,
    // The first thread dies on its first message, as a bug in the checker would make it.
    spawnThread: () => {
      spawned += 1;
      if (spawned > 1) return spawnCheckerThread();
      const crash =
        "require('node:worker_threads').parentPort.on('message', () => { throw new Error('boom'); });";
      return new Worker(crash, { eval: true });
    },
  });
  t.after(() => checker.close(0));
  const failed = await Promise.all([
    checker.check(checkRequest(site.url)),
    checker.check(checkRequest(site.url)),
  ]);
  for (const result of failed) {
    assert.equal(result.status, 'down');
    assert.equal(result.failureKind, 'unknown');
    assert.equal(result.error, 'checker failed: boom');
  }
  assert.equal((await checker.check(checkRequest(site.url))).status, 'up');
  assert.equal(spawned, 2);
});

void test('a request that cannot be handed to a thread fails alone', async (t) => {
  const site = await startFakeSite(t);
  const checker = createThreadPoolChecker({ threads: 1 });
  t.after(() => checker.close(0));
  const good = checkRequest(site.url);
  const bad = { ...checkRequest(site.url), extra: () => undefined } as CheckRequest;
  const [a, b] = await Promise.all([checker.check(good), checker.check(bad)]);
  assert.equal(a.status, 'up');
  assert.equal(b.status, 'down');
  assert.match(b.error ?? '', /^checker failed: .*could not be cloned/);
});

void test('idle threads do not keep the process alive', async () => {
  const pool = new URL(
    '../../../src/adapters/http-checker/thread-pool-checker.ts',
    import.meta.url,
  );
  const helper = new URL('./check-request.ts', import.meta.url);
  // A process that checks once and never closes its checker must still end by itself.
  const script = [
    `import { createThreadPoolChecker } from ${JSON.stringify(pool.href)};`,
    `import { checkRequest } from ${JSON.stringify(helper.href)};`,
    'const checker = createThreadPoolChecker({ threads: 2 });',
    "const result = await checker.check(checkRequest('http://127.0.0.1:1/'));",
    'console.log(result.failureKind);',
  ].join('\n');
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', script],
    {
      timeout: 15_000,
    },
  );
  assert.equal(stdout.trim(), 'connection_refused');
});
