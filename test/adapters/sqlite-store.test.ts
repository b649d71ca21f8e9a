import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import {
  encodeHistogram,
  mergeEncodedHistograms,
} from '../../src/adapters/sqlite-store/histogram-codec.js';
import { createSqliteStore } from '../../src/adapters/sqlite-store/sqlite-store.js';
import { MIGRATIONS } from '../../src/adapters/sqlite-store/migrations.js';
import { addToHistogram, type SparseHistogram } from '../../src/domain/latency-histogram.js';
import { StoreError } from '../../src/ports/store.js';
import { storeContract } from '../contracts/store.contract.js';
import { DAY, NOW, domainEvaluator } from '../contracts/store-contract-support.js';
import {
  iso,
  makeChannel,
  makeFullMonitor,
  makeMonitor,
  makeResult,
} from '../support/factories.js';

const dir = mkdtempSync(join(tmpdir(), 'uptime-sqlite-store-'));
after(() => {
  rmSync(dir, { recursive: true, force: true });
});
let files = 0;
const newFile = (): string => join(dir, `store-${++files}`, 'uptime.db');

storeContract('SQLite, file', () => Promise.resolve(createSqliteStore({ path: newFile() })));
storeContract('SQLite, :memory:', () => Promise.resolve(createSqliteStore({ path: ':memory:' })));

void describe('SQLite store', () => {
  void test('keeps its file in WAL mode', async (t) => {
    const path = newFile();
    const store = createSqliteStore({ path });
    t.after(() => store.close());
    await store.migrate();
    const db = new Database(path, { readonly: true });
    t.after(() => db.close());
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
  });

  void test('migrations are recorded once and reopening applies nothing again', async () => {
    const path = newFile();
    for (let i = 0; i < 3; i++) {
      const store = createSqliteStore({ path });
      await store.migrate();
      await store.migrate();
      await store.close();
    }
    const db = new Database(path, { readonly: true });
    const versions = db
      .prepare('SELECT version FROM schema_migrations ORDER BY version')
      .pluck()
      .all();
    db.close();
    assert.deepEqual(
      versions,
      MIGRATIONS.map((m) => m.version),
    );
  });

  void test('data survives closing and reopening the file', async () => {
    const path = newFile();
    const monitor = makeFullMonitor();
    const channel = makeChannel({ secret: 'x' });
    const result = makeResult(monitor.id);
    const first = createSqliteStore({ path });
    await first.migrate();
    await first.createMonitor(monitor);
    await first.createChannel(channel);
    await first.recordBatch([result], domainEvaluator);
    await first.close();
    await first.close();

    const second = createSqliteStore({ path });
    await second.migrate();
    assert.deepEqual(await second.getMonitor(monitor.id), monitor);
    assert.deepEqual(await second.getChannel(channel.id), channel);
    assert.deepEqual(await second.listResults(monitor.id, { limit: 10 }), [result]);
    assert.equal((await second.statuses([monitor.id])).get(monitor.id)?.status, 'up');
    await second.close();
  });

  void test('a closed store answers STORE_UNAVAILABLE', async () => {
    const store = createSqliteStore({ path: ':memory:' });
    await store.migrate();
    await store.close();
    await assert.rejects(
      store.ping(),
      (error: unknown) => error instanceof StoreError && error.code === 'STORE_UNAVAILABLE',
    );
  });

  void test('driver errors are StoreError STORE_FAILED with the cause', async () => {
    const store = createSqliteStore({ path: ':memory:' });
    await store.migrate();
    const monitor = makeFullMonitor();
    await store.createMonitor(monitor);
    await assert.rejects(
      store.createMonitor(monitor),
      (error: unknown) =>
        error instanceof StoreError &&
        error.code === 'STORE_FAILED' &&
        error.cause instanceof Database.SqliteError,
    );
    await store.close();
  });

  void test('a database that cannot be opened is STORE_UNAVAILABLE', () => {
    assert.throws(
      () => createSqliteStore({ path: join(dir, 'missing-parent', '\0bad') }),
      (error: unknown) => error instanceof StoreError && error.code === 'STORE_UNAVAILABLE',
    );
  });
});

void describe('SQLite store internals', () => {
  test('migrations run concurrently from several processes apply once', async () => {
    const path = newFile();
    const module = pathToFileURL(
      join(import.meta.dirname, '../../src/adapters/sqlite-store/sqlite-store.ts'),
    );
    const script = `
      const { createSqliteStore } = await import(${JSON.stringify(module.href)});
      const store = createSqliteStore({ path: ${JSON.stringify(path)} });
      await store.migrate();
      await store.close();`;
    const run = promisify(execFile);
    await Promise.all(
      [1, 2, 3].map(() =>
        run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script]),
      ),
    );
    const db = new Database(path, { readonly: true });
    const count = db.prepare('SELECT count(*) FROM schema_migrations').pluck().get();
    db.close();
    assert.equal(count, MIGRATIONS.length);
  });

  test('retention removes a large backlog in chunks while other calls go on', async (t) => {
    const store = createSqliteStore({ path: ':memory:' });
    t.after(() => store.close());
    await store.migrate();
    const monitor = makeMonitor();
    await store.createMonitor(monitor);
    const old = Array.from({ length: 5_000 }, (_, i) =>
      makeResult(monitor.id, { checkedAt: iso(NOW - 40 * DAY + i * 1000) }),
    );
    for (let i = 0; i < old.length; i += 500) {
      await store.recordBatch(old.slice(i, i + 500), domainEvaluator);
    }
    let finished = false;
    const retention = store.applyRetention(NOW - 30 * DAY, NOW).finally(() => {
      finished = true;
    });
    const recent = makeResult(monitor.id, { checkedAt: iso(NOW - 1000) });
    await store.recordBatch([recent], domainEvaluator);
    assert.equal(finished, false, 'a batch was recorded between retention chunks');
    const deleted = await retention;
    assert.ok(deleted >= 5_000, `deleted ${deleted}`);
    assert.deepEqual(await store.listResults(monitor.id, { limit: 10 }), [recent]);
    assert.equal((await store.uptime(monitor.id, '90d', NOW)).checks, 5_001);
  });

  test('encoded histograms merge like the domain histograms they encode', () => {
    const make = (latencies: number[]): SparseHistogram => {
      const h: SparseHistogram = {};
      for (const ms of latencies) addToHistogram(h, ms);
      return h;
    };
    const cases: [number[], number[]][] = [
      [[], []],
      [[5], []],
      [[], [5]],
      [[5], [5]],
      [[5], [500]],
      [[500], [5]],
      [[1, 10, 100, 1000], [50]],
      [[50], [1, 10, 100, 1000]],
      [
        [1, 10, 100],
        [10, 1000, 0.2, 100_000],
      ],
    ];
    for (const [a, b] of cases) {
      const merged = mergeEncodedHistograms(encodeHistogram(make(a)), encodeHistogram(make(b)));
      assert.deepEqual(merged, encodeHistogram(make([...a, ...b])), JSON.stringify([a, b]));
    }
  });
});
