import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, describe, it, type TestContext } from 'node:test';
import {
  RedisCacheError,
  createRedisStatusCache,
  type RedisStatusCache,
  type RedisStatusCacheOptions,
} from '../../src/adapters/redis-cache/redis-status-cache.js';
import { newMonitorId, type MonitorId } from '../../src/domain/ids.js';
import type { MonitorStatus } from '../../src/domain/status.js';
import { silentLogger, type Logger } from '../../src/ports/logger.js';
import type { StatusEntry } from '../../src/ports/status-cache.js';
import { statusCacheContract } from '../contracts/status-cache.contract.js';
import { waitUntil } from '../contracts/wait-until.js';
import { iso, makeResult } from '../support/factories.js';
import { freePort, startPrivateRedis } from '../support/redis-server.js';
import { sharedRedis } from '../support/shared-redis.js';
import { startTcpProxy } from '../support/tcp-proxy.js';

const redis = sharedRedis();
const REDIS_URL = redis.url;
const PREFIX = redis.prefix;
const BASE_MS = Date.UTC(2026, 0, 1);

after(() => redis.cleanUp());

async function openCache(
  t: TestContext,
  options: Partial<RedisStatusCacheOptions> = {},
): Promise<RedisStatusCache> {
  const cache = createRedisStatusCache({ url: REDIS_URL, keyPrefix: PREFIX, ...options });
  t.after(() => cache.close());
  await cache.connect();
  return cache;
}

function entry(
  monitorId: MonitorId,
  checkedAtSeconds: number,
  status: MonitorStatus = 'up',
): StatusEntry {
  const checkedAt = iso(BASE_MS + checkedAtSeconds * 1000);
  return {
    monitorId,
    status,
    since: iso(BASE_MS),
    lastCheck: makeResult(monitorId, { checkedAt, status: status === 'down' ? 'down' : 'up' }),
  };
}

const entriesOf = (count: number, checkedAtSeconds = 1): StatusEntry[] =>
  Array.from({ length: count }, () => entry(newMonitorId(), checkedAtSeconds));

const median = (values: readonly number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

async function elapsedMs(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

const answers = (cache: RedisStatusCache): Promise<boolean> =>
  cache.ping().then(
    () => true,
    () => false,
  );

function assertCacheError(code: string): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof RedisCacheError, `not a RedisCacheError: ${String(error)}`);
    assert.equal(error.code, code, error.message);
    return true;
  };
}

statusCacheContract('redis', async () => {
  const cache = createRedisStatusCache({ url: REDIS_URL, keyPrefix: PREFIX });
  await cache.connect();
  return cache;
});

void describe('redis status cache: layout and round trips', () => {
  void it('keeps one key per monitor, `<prefix>status:<id>`, removed by delete', async (t) => {
    const cache = await openCache(t);
    const kept = entry(newMonitorId(), 30);
    await cache.setMany([kept]);
    const key = `${PREFIX}status:${kept.monitorId}`;
    const raw = await redis.command<string | null>(['GET', key]);
    assert.ok(raw?.startsWith(`${BASE_MS + 30_000}|`), `stored as ${raw}`);
    await cache.delete(kept.monitorId);
    assert.equal(await redis.command(['EXISTS', key]), 0);
  });

  void it('reads 1,000 ids with one MGET and writes 1,000 entries in one round trip', async (t) => {
    const proxy = await startTcpProxy(redis.address);
    t.after(() => proxy.close());
    const cache = await openCache(t, { url: redis.through(proxy.port) });
    await cache.setMany(entriesOf(1)); // the script is on the server from here on
    const entries = entriesOf(1_000);
    const ids = [
      ...entries.slice(0, 600).map((e) => e.monitorId),
      ...entriesOf(400).map((e) => e.monitorId),
    ];

    // With every reply held back, a call that needed one before sending more would stall.
    const oneRoundTrip = async <T>(call: () => Promise<T>, expected: string[]): Promise<T> => {
      proxy.commands.length = 0;
      proxy.hold('replies');
      const pending = call();
      await waitUntil(
        () => proxy.commands.length >= expected.length,
        `${expected.length} commands sent before any reply`,
      );
      assert.deepEqual(proxy.commands, expected);
      proxy.release();
      return pending;
    };
    await oneRoundTrip(
      () => cache.setMany(entries),
      entries.map(() => 'EVALSHA'),
    );
    const found = await oneRoundTrip(() => cache.getMany(ids), ['MGET']);
    assert.equal(found.size, 600);
    // Past 1,000 ids the reads are split, and still sent together.
    const again = await oneRoundTrip(
      () => cache.getMany([...ids, ...ids, ...ids]),
      ['MGET', 'MGET', 'MGET'],
    );
    assert.equal(again.size, 600);
  });

  void it('measures setMany and getMany of 1,000 entries', async (t) => {
    // Throughput, not failure: patient enough for a shared, busy server.
    const cache = await openCache(t, { commandTimeoutMs: 10_000 });
    const writes: number[] = [];
    const reads: number[] = [];
    for (let round = 0; round < 20; round++) {
      const entries = entriesOf(1_000);
      writes.push(await elapsedMs(() => cache.setMany(entries)));
      reads.push(await elapsedMs(() => cache.getMany(entries.map((e) => e.monitorId))));
    }
    const batches = Array.from({ length: 20 }, () => entriesOf(1_000));
    const sequentialMs = await elapsedMs(async () => {
      for (const batch of batches) await cache.setMany(batch);
    });
    const concurrent = Array.from({ length: 20 }, () => entriesOf(1_000));
    const concurrentMs = await elapsedMs(() =>
      Promise.all(concurrent.map((b) => cache.setMany(b))),
    );
    const perSecond = (ms: number): number => Math.round(20_000 / (ms / 1000));
    t.diagnostic(
      `setMany(1,000) median ${median(writes).toFixed(1)} ms, getMany(1,000) median ${median(reads).toFixed(1)} ms; ` +
        `${perSecond(sequentialMs)} entries/s one batch at a time, ${perSecond(concurrentMs)} entries/s 20 batches at once`,
    );
    assert.ok(median(writes) < 500 && median(reads) < 500);
  });
});

void describe('redis status cache: deadlines', () => {
  void it('lets a large write run while Redis keeps answering, but not a read', async (t) => {
    const proxy = await startTcpProxy(redis.address);
    t.after(() => proxy.close());
    const commandTimeoutMs = 500;
    const cache = await openCache(t, { url: redis.through(proxy.port), commandTimeoutMs });
    const entries = entriesOf(1_000);
    await cache.setMany(entries.slice(0, 1));

    // 1,000 replies of 4 bytes, 10 every 8 ms: 800 ms or more in all, never long silent.
    proxy.replyPacing = { bytes: 40, everyMs: 8 };
    const writeMs = await elapsedMs(() => cache.setMany(entries));
    assert.ok(writeMs > commandTimeoutMs, `the write took ${writeMs} ms`);
    // One MGET reply of ~600 kB at that pace would take two hours: the read gives up.
    const readMs = await elapsedMs(() =>
      assert.rejects(
        cache.getMany(entries.map((e) => e.monitorId)),
        assertCacheError('CACHE_TIMEOUT'),
      ),
    );
    assert.ok(readMs < commandTimeoutMs + 300, `the read took ${readMs} ms`);
  });
});

void describe('redis status cache: newest wins on the server', () => {
  void it('keeps the newest entry per monitor under concurrent writers', async (t) => {
    const writers = await Promise.all(
      Array.from({ length: 4 }, () => openCache(t, { commandTimeoutMs: 10_000 })),
    );
    const ids = Array.from({ length: 200 }, () => newMonitorId());
    const versions = Array.from({ length: 40 }, (_, i) => i + 1);
    // Each writer sends every version of every monitor, in its own random order, in batches.
    await Promise.all(
      writers.map(async (cache) => {
        const all = shuffle(ids.flatMap((id) => versions.map((v) => entry(id, v))));
        for (let from = 0; from < all.length; from += 250) {
          await cache.setMany(all.slice(from, from + 250));
        }
      }),
    );
    const found = await (writers[0] as RedisStatusCache).getMany(ids);
    assert.equal(found.size, ids.length);
    for (const id of ids) {
      assert.equal(found.get(id)?.lastCheck?.checkedAt, iso(BASE_MS + 40_000), `monitor ${id}`);
    }
  });

  void it('lets a forced write replace a newer entry, whatever other writers send', async (t) => {
    const cache = await openCache(t);
    const id = newMonitorId();
    await cache.setMany([entry(id, 50)]);
    const paused: StatusEntry = {
      monitorId: id,
      status: 'paused',
      since: iso(BASE_MS),
      lastCheck: null,
    };
    await cache.setMany([paused, entry(id, 60)], { force: true });
    assert.equal((await cache.get(id))?.status, 'up', 'the last forced entry of a call wins');
    await cache.setMany([paused], { force: true });
    assert.deepEqual(await cache.get(id), paused);
    await cache.setMany([entry(id, 40)]);
    assert.equal((await cache.get(id))?.lastCheck?.checkedAt, iso(BASE_MS + 40_000));
  });

  void it('treats a value it cannot read as a miss, and overwrites it', async (t) => {
    const cache = await openCache(t);
    const id = newMonitorId();
    await redis.command(['SET', `${PREFIX}status:${id}`, 'not an entry']);
    assert.equal(await cache.get(id), undefined);
    const written = entry(id, 5);
    await cache.setMany([written]);
    assert.deepEqual(await cache.get(id), written);
  });
});

void describe('redis status cache: when Redis is away', () => {
  void it('fails fast when nothing listens, and closes cleanly', async () => {
    const port = await freePort();
    const cache = createRedisStatusCache({ url: `redis://127.0.0.1:${port}`, keyPrefix: PREFIX });
    try {
      const connectMs = await elapsedMs(() =>
        assert.rejects(cache.connect(), assertCacheError('CACHE_UNAVAILABLE')),
      );
      const readMs = await elapsedMs(() =>
        assert.rejects(cache.getMany([newMonitorId()]), assertCacheError('CACHE_UNAVAILABLE')),
      );
      const pingMs = await elapsedMs(() =>
        assert.rejects(cache.ping(), assertCacheError('CACHE_UNAVAILABLE')),
      );
      await assert.rejects(cache.setMany(entriesOf(3)), assertCacheError('CACHE_UNAVAILABLE'));
      await assert.rejects(cache.delete(newMonitorId()), assertCacheError('CACHE_UNAVAILABLE'));
      assert.ok(
        connectMs < 1_000 && readMs < 1_000 && pingMs < 1_000,
        `${connectMs} ${readMs} ${pingMs}`,
      );
    } finally {
      await cache.close();
    }
    await cache.close();
    await assert.rejects(cache.ping(), assertCacheError('CACHE_CLOSED'));
  });

  void it('times out against a server that stops answering, then heals', async (t) => {
    const proxy = await startTcpProxy(redis.address);
    t.after(() => proxy.close());
    const commandTimeoutMs = 300;
    const connectTimeoutMs = 300;
    const cache = await openCache(t, {
      url: redis.through(proxy.port),
      commandTimeoutMs,
      connectTimeoutMs,
    });
    const kept = entry(newMonitorId(), 7);
    await cache.setMany([kept]);

    proxy.hold('all');
    const stuckMs = await elapsedMs(() =>
      assert.rejects(cache.getMany([kept.monitorId]), assertCacheError('CACHE_TIMEOUT')),
    );
    assert.ok(stuckMs < commandTimeoutMs + 200, `waited ${stuckMs} ms`);
    // The silent connection was given up: calls fail at once instead of waiting again.
    const nextMs = await elapsedMs(() =>
      assert.rejects(cache.ping(), assertCacheError('CACHE_UNAVAILABLE')),
    );
    assert.ok(nextMs < 50, `the next call waited ${nextMs} ms`);
    // New connections get no answer either; for as long as that lasts, calls keep failing fast.
    const until = performance.now() + 3 * connectTimeoutMs;
    while (performance.now() < until) {
      const callMs = await elapsedMs(() => assert.rejects(cache.ping(), RedisCacheError));
      assert.ok(callMs < 50, `a call while Redis is silent took ${callMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }

    proxy.release();
    await waitUntil(() => answers(cache), 'the cache reconnects');
    assert.deepEqual(await cache.get(kept.monitorId), kept);

    // Writes give up as soon as Redis has been silent for the timeout, too.
    proxy.hold('all');
    const writeMs = await elapsedMs(() =>
      assert.rejects(cache.setMany(entriesOf(100)), assertCacheError('CACHE_TIMEOUT')),
    );
    assert.ok(writeMs < commandTimeoutMs + 200, `the write waited ${writeMs} ms`);
    proxy.release();
  });

  void it('reconnects by itself after its connection is killed', async (t) => {
    const name = `uptime-test-${randomUUID()}`;
    const cache = await openCache(t, { clientName: name });
    const kept = entry(newMonitorId(), 3);
    await cache.setMany([kept]);
    const killed = await redis.connectionId(name);
    assert.ok(killed !== undefined, 'the connection is named on the server');
    await redis.command(['CLIENT', 'KILL', 'ID', killed]);

    await waitUntil(async () => {
      const id = await redis.connectionId(name);
      return id !== undefined && id !== killed;
    }, 'a new connection appears');
    // A call during the reconnect waits for it rather than failing.
    assert.deepEqual(await cache.get(kept.monitorId), kept);
    const later = entry(kept.monitorId, 4);
    await cache.setMany([later]);
    assert.deepEqual(await cache.get(kept.monitorId), later);
  });

  void it('survives a Redis restart: fails fast while down, reconnects, reloads its script', async (t) => {
    const server = await startPrivateRedis();
    if (server === null) {
      t.skip('no redis-server to start');
      return;
    }
    t.after(() => server.stop());
    const logged: string[] = [];
    const logger: Logger = {
      ...silentLogger,
      warn: (_obj, msg) => logged.push(`warn ${msg ?? ''}`),
      info: (_obj, msg) => logged.push(`info ${msg ?? ''}`),
      child: () => logger,
    };
    const cache = await openCache(t, { url: server.url, logger });
    await cache.setMany(entriesOf(10));

    await server.stop();
    await waitUntil(async () => !(await answers(cache)), 'the cache notices');
    const downMs = await elapsedMs(() =>
      assert.rejects(cache.getMany([newMonitorId()]), assertCacheError('CACHE_UNAVAILABLE')),
    );
    assert.ok(downMs < 50, `a call while down took ${downMs} ms`);

    await server.start();
    await waitUntil(() => answers(cache), 'the cache reconnects', 10_000);
    // The new server holds neither the entries (a miss: callers read the store) nor the script.
    const entries = entriesOf(100);
    await cache.setMany(entries);
    assert.equal((await cache.getMany(entries.map((e) => e.monitorId))).size, 100);
    // One line per outage and one per recovery, however many attempts it took.
    assert.deepEqual(logged, [
      'info status cache connected to Redis',
      'warn status cache cannot reach Redis; reads fall back to the store',
      'info status cache reconnected',
    ]);
  });

  void it('connects on first use without connect()', async (t) => {
    const cache = createRedisStatusCache({ url: REDIS_URL, keyPrefix: PREFIX });
    t.after(() => cache.close());
    assert.equal(await cache.get(newMonitorId()), undefined);
  });

  void it('refuses bad options', () => {
    assert.throws(() => createRedisStatusCache({ url: 'http://x' }), RangeError);
    assert.throws(
      () => createRedisStatusCache({ url: REDIS_URL, commandTimeoutMs: 0 }),
      RangeError,
    );
  });
});

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}
