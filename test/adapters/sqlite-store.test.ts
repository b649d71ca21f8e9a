import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { createSqliteStore } from '../../src/adapters/sqlite-store/sqlite-store.js';
import { MIGRATIONS } from '../../src/adapters/sqlite-store/migrations.js';
import { StoreError } from '../../src/ports/store.js';
import { storeContract } from '../contracts/store.contract.js';
import { domainEvaluator } from '../contracts/store-contract-support.js';
import { makeChannel, makeFullMonitor, makeResult } from '../support/factories.js';

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
