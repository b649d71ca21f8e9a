/**
 * The PostgreSQL store against a real server: the shared Store contract, then what only this
 * adapter has (schemas, advisory-locked migrations, day partitions, concurrent claimers, lost
 * connections). One fresh database per run (see test/support/postgres-database.ts), one fresh
 * schema per store opened, all dropped at the end.
 *
 *   node --import tsx --test test/integration/postgres-store.test.ts
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { MIGRATIONS } from '../../src/adapters/postgres-store/migrations.js';
import { createPostgresStore } from '../../src/adapters/postgres-store/postgres-store.js';
import type { CheckResult } from '../../src/domain/check.js';
import type { DeliveryId } from '../../src/domain/ids.js';
import {
  addToHistogram,
  mergeHistograms,
  type SparseHistogram,
} from '../../src/domain/latency-histogram.js';
import { StoreError, type Store } from '../../src/ports/store.js';
import { storeContract } from '../contracts/store.contract.js';
import { DAY, NOW, domainEvaluator } from '../contracts/store-contract-support.js';
import { iso, makeChannel, makeDelivery, makeMonitor, makeResult } from '../support/factories.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres-database.js';
import { histogramLiteral } from '../../src/adapters/postgres-store/histogram.js';

let db: TestDatabase;
let admin: pg.Client;
let schemas = 0;
const freshSchema = (): string => `t_${++schemas}`;

before(async () => {
  db = await createTestDatabase();
  admin = await db.connect();
});
after(async () => {
  await admin.end();
  await db.drop();
});

/** A store on a schema of its own; small pools, since CI runs share the server's connections. */
function openOn(schema: string, extra: Record<string, string> = {}): Store {
  const url = new URL(db.urlWithSchema(schema));
  for (const [k, v] of Object.entries(extra)) url.searchParams.set(k, v);
  return createPostgresStore({ connectionString: url.toString(), poolSize: 3 });
}

storeContract('PostgreSQL', () => Promise.resolve(openOn(freshSchema())));

const isStoreError = (code: StoreError['code']) => (error: unknown) =>
  error instanceof StoreError && error.code === code;

async function migrated(t: { after: (fn: () => Promise<void>) => void }, store: Store) {
  t.after(() => store.close());
  await store.migrate();
  return store;
}

async function partitionDays(schema: string, table: string): Promise<string[]> {
  const { rows } = await admin.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_inherits i
     JOIN pg_class c ON c.oid = i.inhrelid
     JOIN pg_class p ON p.oid = i.inhparent
     JOIN pg_namespace n ON n.oid = p.relnamespace
     WHERE n.nspname = $1 AND p.relname = $2 ORDER BY 1`,
    [schema, table],
  );
  return rows.map((r) => r.name.slice(-8));
}

const ymd = (ms: number): string => new Date(ms).toISOString().slice(0, 10).replaceAll('-', '');

void describe('PostgreSQL store: schema and migrations', () => {
  void test('several stores migrating a fresh schema at once apply each migration once', async (t) => {
    const schema = freshSchema();
    const stores = Array.from({ length: 5 }, () => openOn(schema));
    t.after(() => Promise.all(stores.map((s) => s.close())));
    await Promise.all(stores.map((s) => s.migrate()));
    const { rows } = await admin.query<{ version: number }>(
      `SELECT version FROM ${schema}.schema_migrations ORDER BY version`,
    );
    assert.deepEqual(
      rows.map((r) => r.version),
      MIGRATIONS.map((m) => m.version),
    );
    const monitor = makeMonitor();
    await stores[0]?.createMonitor(monitor);
    assert.deepEqual(await stores[4]?.getMonitor(monitor.id), monitor);
  });

  void test('the schema named in the URL holds the tables, and is made when missing', async (t) => {
    const schema = freshSchema();
    const store = await migrated(t, openOn(schema));
    const { rows } = await admin.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables
       WHERE table_schema = $1 AND table_name IN ('monitors', 'results', 'deliveries')
       ORDER BY 1`,
      [schema],
    );
    assert.deepEqual(
      rows.map((r) => r.table_name),
      ['deliveries', 'monitors', 'results'],
    );
    await store.createMonitor(makeMonitor());
    const count = await admin.query<{ n: string }>(`SELECT count(*) AS n FROM ${schema}.monitors`);
    assert.equal(count.rows[0]?.n, '1');
  });

  void test('a search_path in the options parameter names the schema too', async (t) => {
    const schema = freshSchema();
    const url = new URL(db.url);
    url.searchParams.set('options', `-c search_path=${schema},public`);
    const store = await migrated(t, createPostgresStore({ connectionString: url.toString() }));
    const monitor = makeMonitor();
    await store.createMonitor(monitor);
    const { rows } = await admin.query<{ id: string }>(`SELECT id FROM ${schema}.monitors`);
    assert.deepEqual(
      rows.map((r) => r.id),
      [monitor.id],
    );
  });

  void test('a schema name that is not a plain identifier is refused', () => {
    assert.throws(
      () => createPostgresStore({ connectionString: db.urlWithSchema('Bad-Name; drop') }),
      isStoreError('STORE_FAILED'),
    );
  });

  void test('histograms merge in SQL like the domain histograms they encode', async (t) => {
    const schema = freshSchema();
    await migrated(t, openOn(schema));
    const make = (latencies: number[]): SparseHistogram => {
      const h: SparseHistogram = {};
      for (const ms of latencies) addToHistogram(h, ms);
      return h;
    };
    const decode = (pairs: number[]): SparseHistogram => {
      const h: SparseHistogram = {};
      for (let i = 0; i < pairs.length; i += 2) h[-(pairs[i] ?? 0) - 1] = pairs[i + 1] ?? 0;
      return h;
    };
    const cases: [number[], number[]][] = [
      [[], []],
      [[5], []],
      [[], [5]],
      [[5], [5]],
      [[5], [500]],
      [[1, 10, 100, 1000], [50]],
      [[50], [1, 10, 100, 1000]],
      [
        [1, 10, 100, 0.2],
        [10, 1000, 0.2, 100_000],
      ],
    ];
    for (const [a, b] of cases) {
      const { rows } = await admin.query<{ h: number[] }>(
        `SELECT ${schema}.uptime_histogram_add($1::int[], $2::int[]) AS h`,
        [histogramLiteral(make(a)), histogramLiteral(make(b))],
      );
      const expected = make(a);
      mergeHistograms(expected, make(b));
      assert.deepEqual(decode(rows[0]?.h ?? []), expected, JSON.stringify([a, b]));
    }
  });
});

void describe('PostgreSQL store: monitors', () => {
  void test('a tag kept through an update is still found by the tag filter', async (t) => {
    const store = await migrated(t, openOn(freshSchema()));
    const monitor = makeMonitor({ tags: ['prod', 'old'] });
    await store.createMonitor(monitor);
    const updated = { ...monitor, tags: ['prod', 'eu'], updatedAt: iso(NOW) };
    assert.equal(await store.updateMonitor(updated), true);
    for (const [tag, found] of [
      ['prod', 1],
      ['eu', 1],
      ['old', 0],
    ] as const) {
      assert.equal((await store.listMonitors({ limit: 10, tag })).items.length, found, tag);
    }
  });
});

void describe('PostgreSQL store: day partitions', () => {
  void test('migrate makes partitions from yesterday to three days ahead', async (t) => {
    const schema = freshSchema();
    await migrated(t, openOn(schema));
    const today = Date.now();
    const expected = [-1, 0, 1, 2, 3].map((d) => ymd(today + d * DAY));
    assert.deepEqual(await partitionDays(schema, 'results'), expected);
    assert.deepEqual(await partitionDays(schema, 'rollups_minute'), expected);
  });

  void test('a result on a day without a partition is stored, also after one vanished', async (t) => {
    const schema = freshSchema();
    const store = await migrated(t, openOn(schema));
    const monitor = makeMonitor();
    await store.createMonitor(monitor);
    const long = Date.UTC(2020, 1, 29, 23, 59, 59, 999);
    const old = makeResult(monitor.id, { checkedAt: iso(long) });
    assert.equal((await store.recordBatch([old], domainEvaluator)).inserted, 1);
    assert.ok((await partitionDays(schema, 'results')).includes('20200229'));

    // Another process's retention drops the day while this store believes it exists.
    await admin.query(`DROP TABLE ${schema}.results_p20200229`);
    const again = makeResult(monitor.id, { checkedAt: iso(long - 1000) });
    const outcome = await store.recordBatch([again, old], domainEvaluator);
    assert.deepEqual([outcome.inserted, outcome.duplicates], [2, 0]);
    assert.deepEqual(
      (await store.listResults(monitor.id, { limit: 10 })).map((r) => r.id),
      [old.id, again.id],
    );
  });

  void test('retention drops whole days past the boundary and deletes within its day', async (t) => {
    const schema = freshSchema();
    const store = await migrated(t, openOn(schema));
    const monitor = makeMonitor();
    await store.createMonitor(monitor);
    const at = (agoMs: number): CheckResult =>
      makeResult(monitor.id, { checkedAt: iso(NOW - agoMs) });
    const batch = [at(40 * DAY), at(40 * DAY + 1000), at(31 * DAY), at(30 * DAY + 1), at(29 * DAY)];
    await store.recordBatch(batch, domainEvaluator);
    const before = await partitionDays(schema, 'results');
    for (const r of batch) assert.ok(before.includes(ymd(Date.parse(r.checkedAt))));

    const deleted = await store.applyRetention(NOW - 30 * DAY, NOW);
    const days = await partitionDays(schema, 'results');
    assert.ok(!days.includes(ymd(NOW - 40 * DAY)), 'the day 40 days back is dropped');
    assert.ok(!days.includes(ymd(NOW - 31 * DAY)), 'the day 31 days back is dropped');
    assert.ok(days.includes(ymd(NOW - 30 * DAY)), 'the boundary day stays');
    for (const d of [-1, 0, 1, 2, 3]) assert.ok(days.includes(ymd(NOW + d * DAY)), `day ${d}`);
    assert.deepEqual(
      (await store.listResults(monitor.id, { limit: 10 })).map((r) => r.checkedAt),
      [iso(NOW - 29 * DAY)],
    );
    // Four raw results, four minute roll-ups (past two days) and one hour roll-up (past 35).
    assert.equal(deleted, 4 + 4 + 1);
    assert.equal((await store.uptime(monitor.id, '90d', NOW)).checks, 5);
    assert.equal(await store.applyRetention(NOW - 30 * DAY, NOW), 0);
  });
  void test('two processes applying retention at once remove each row once', async (t) => {
    const schema = freshSchema();
    const first = await migrated(t, openOn(schema));
    const second = await migrated(t, openOn(schema));
    const monitor = makeMonitor();
    await first.createMonitor(monitor);
    const old = [45, 44, 43, 42].map((days) =>
      makeResult(monitor.id, { checkedAt: iso(NOW - days * DAY) }),
    );
    await first.recordBatch(old, domainEvaluator);
    const removed = await Promise.all([
      first.applyRetention(NOW - 30 * DAY, NOW),
      second.applyRetention(NOW - 30 * DAY, NOW),
    ]);
    // Four results, four minute roll-ups and four hour roll-ups, past their horizons.
    assert.equal(removed[0] + removed[1], 12);
    assert.deepEqual(await first.listResults(monitor.id, { limit: 10 }), []);
  });
});

void describe('PostgreSQL store: concurrency', () => {
  void test('two alerters claiming at once never take the same delivery', async (t) => {
    const schema = freshSchema();
    const first = await migrated(t, openOn(schema));
    const second = await migrated(t, openOn(schema));
    const channel = makeChannel();
    await first.createChannel(channel);
    const all = Array.from({ length: 300 }, (_, i) =>
      makeDelivery(channel.id, { nextAttemptAt: NOW + i }),
    );
    await first.enqueueDeliveries(all);
    // Rounds in which both claim at the same moment, until both find nothing due.
    const claimed: DeliveryId[][] = [[], []];
    for (let round = 0; round < 100; round++) {
      const got = await Promise.all(
        [first, second].map((store) => store.claimDueDeliveries(NOW + 1000, 7, 60_000)),
      );
      got.forEach((list, k) => claimed[k]?.push(...list.map((d) => d.id)));
      if (got.every((list) => list.length === 0)) break;
    }
    const ids = [...(claimed[0] ?? []), ...(claimed[1] ?? [])];
    assert.equal(new Set(ids).size, ids.length, 'no delivery is claimed twice');
    assert.deepEqual(ids.sort(), all.map((d) => d.id).sort());
    assert.ok((claimed[0]?.length ?? 0) > 0 && (claimed[1]?.length ?? 0) > 0, 'both claimed');
  });

  void test('a monitor deleted while its results are recorded leaves no result behind', async (t) => {
    const schema = freshSchema();
    const recorder = await migrated(t, openOn(schema));
    const api = await migrated(t, openOn(schema));
    const monitor = makeMonitor();
    await api.createMonitor(monitor);
    const batches = Array.from({ length: 20 }, (_, b) =>
      Array.from({ length: 50 }, (_, i) =>
        makeResult(monitor.id, { checkedAt: iso(NOW - (b * 50 + i) * 1000) }),
      ),
    );
    const recording = (async () => {
      for (const batch of batches) await recorder.recordBatch(batch, domainEvaluator);
    })();
    await sleep(20);
    assert.equal(await api.deleteMonitor(monitor.id), true);
    await recording;
    const left = await admin.query<{ n: string }>(
      `SELECT (SELECT count(*) FROM ${schema}.results) + (SELECT count(*) FROM ${schema}.rollups_minute)
         + (SELECT count(*) FROM ${schema}.rollups_hour) + (SELECT count(*) FROM ${schema}.rollups_day) AS n`,
    );
    assert.equal(left.rows[0]?.n, '0');
  });
});

void describe('PostgreSQL store: errors', () => {
  void test('a server that cannot be reached is STORE_UNAVAILABLE', async () => {
    const store = createPostgresStore({
      connectionString: 'postgres://postgres@127.0.0.1:1/postgres',
    });
    await assert.rejects(store.ping(), isStoreError('STORE_UNAVAILABLE'));
    await assert.rejects(store.getMonitor(makeMonitor().id), isStoreError('STORE_UNAVAILABLE'));
    await store.close();
    await assert.rejects(store.ping(), isStoreError('STORE_UNAVAILABLE'));
  });

  void test('a connection lost mid-statement is STORE_UNAVAILABLE, and the next call reconnects', async (t) => {
    const schema = freshSchema();
    const appName = `uptime_loss_${schema}`;
    const store = await migrated(t, openOn(schema, { application_name: appName }));
    const channel = makeChannel();
    await store.createChannel(channel);

    const locker = await db.connect();
    t.after(() => locker.end());
    await locker.query('BEGIN');
    await locker.query(`LOCK TABLE ${schema}.channels IN ACCESS EXCLUSIVE MODE`);
    // Expected at once, so the rejection is handled whenever it comes.
    const blocked = assert.rejects(store.getChannel(channel.id), isStoreError('STORE_UNAVAILABLE'));
    let killed = 0;
    for (let i = 0; i < 200 && killed === 0; i++) {
      const { rows } = await admin.query<{ ok: boolean }>(
        `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity
         WHERE application_name = $1 AND wait_event_type = 'Lock'`,
        [appName],
      );
      killed = rows.length;
      if (killed === 0) await sleep(10);
    }
    assert.equal(killed, 1);
    await blocked;
    await locker.query('ROLLBACK');
    await store.ping();
    assert.deepEqual(await store.getChannel(channel.id), channel);
  });

  void test('a statement the server refuses is STORE_FAILED with the driver error as cause', async (t) => {
    const store = await migrated(t, openOn(freshSchema()));
    const monitor = makeMonitor();
    await store.createMonitor(monitor);
    await assert.rejects(
      store.createMonitor(monitor),
      (error: unknown) =>
        error instanceof StoreError &&
        error.code === 'STORE_FAILED' &&
        error.cause instanceof pg.DatabaseError,
    );
  });

  void test('strings PostgreSQL cannot hold do not make a batch fail', async (t) => {
    const store = await migrated(t, openOn(freshSchema()));
    const monitor = makeMonitor();
    await store.createMonitor(monitor);
    const result = makeResult(monitor.id, {
      status: 'down',
      error: 'bad\u0000byte\ttab\nline \\ backslash',
      failureKind: 'protocol',
    });
    await store.recordBatch([result], domainEvaluator);
    assert.deepEqual(await store.listResults(monitor.id, { limit: 1 }), [
      { ...result, error: 'badbyte\ttab\nline \\ backslash' },
    ]);
  });
});
