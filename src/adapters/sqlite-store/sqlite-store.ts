import { dailySeries } from '../../domain/daily-uptime.js';
import { StoreError, type Store } from '../../ports/store.js';
import { createChannelRepository } from './channels.js';
import { lazyStatement, openDatabase, type SqliteDatabase } from './database.js';
import { createDeliveryRepository } from './deliveries.js';
import { toStoreError } from './errors.js';
import { createIncidentRepository } from './incidents.js';
import { runMigrations } from './migrations.js';
import { createStateRepository } from './monitor-state.js';
import { createMonitorRepository } from './monitors.js';
import { EvaluatorFailed, createBatchRecorder } from './record-batch.js';
import { createResultRepository } from './results.js';
import { createRetention } from './retention.js';
import { createRollupRepository } from './rollups.js';
import { createStatusPageRepository } from './status-pages.js';
import { createUptimeReads } from './uptime-reads.js';

export interface SqliteStoreOptions {
  /** A file path (its directory is created when missing), or ':memory:'. */
  readonly path: string;
}

/**
 * The Store port on SQLite (better-sqlite3), for the embedded mode: one connection, used by one
 * process, writes serialized by SQLite. better-sqlite3 is synchronous, so each method runs to
 * completion before the next starts; the methods return promises because the port is shared with
 * PostgreSQL. Only `applyRetention` yields between its chunks.
 */
export function createSqliteStore(options: SqliteStoreOptions): Store {
  let db: SqliteDatabase;
  try {
    db = openDatabase(options.path);
  } catch (error) {
    throw new StoreError('STORE_UNAVAILABLE', `cannot open SQLite database at ${options.path}`, {
      cause: error,
    });
  }
  let open = true;

  const monitors = createMonitorRepository(db);
  const states = createStateRepository(db);
  const results = createResultRepository(db);
  const rollups = createRollupRepository(db);
  const incidents = createIncidentRepository(db);
  const channels = createChannelRepository(db);
  const deliveries = createDeliveryRepository(db);
  const statusPages = createStatusPageRepository(db);
  const uptimeReads = createUptimeReads(db);
  const retention = createRetention(db);
  const recordBatch = createBatchRecorder(db, { results, rollups, states, incidents });
  const ping = lazyStatement(db, 'SELECT 1');
  const forgetChannel = db.transaction((id: Parameters<typeof channels.remove>[0]): boolean => {
    monitors.forgetChannel(id);
    return channels.remove(id);
  });

  /**
   * Runs one operation on the open database. Driver errors leave as StoreError; an error of the
   * batch evaluator leaves as it was thrown.
   */
  const run = <T>(operation: () => T): Promise<T> =>
    new Promise<T>((resolve) => {
      if (!open) throw new StoreError('STORE_UNAVAILABLE', 'the store is closed');
      try {
        resolve(operation());
      } catch (error) {
        if (error instanceof EvaluatorFailed) throw error.error;
        throw toStoreError(error);
      }
    });

  return {
    migrate: () =>
      run(() => {
        runMigrations(db);
      }),
    ping: () =>
      run(() => {
        ping().get();
      }),
    close: () => {
      if (!open) return Promise.resolve();
      open = false;
      try {
        if (!db.memory) db.pragma('wal_checkpoint(TRUNCATE)');
      } catch {
        // A failed checkpoint is repaired from the WAL at the next open; closing matters more.
      }
      try {
        db.close();
        return Promise.resolve();
      } catch (error) {
        return Promise.reject(toStoreError(error));
      }
    },

    createMonitor: (monitor) =>
      run(() => {
        monitors.create(monitor);
      }),
    getMonitor: (id) => run(() => monitors.get(id)),
    getMonitors: (ids) => run(() => monitors.getMany(ids)),
    listMonitors: (query) => run(() => monitors.list(query)),
    allMonitors: () => run(() => monitors.all()),
    updateMonitor: (monitor, opts) => run(() => monitors.update(monitor, opts?.status)),
    deleteMonitor: (id) => run(() => monitors.remove(id)),
    pendingMonitorChanges: (limit) => run(() => monitors.pendingChanges(limit)),
    acknowledgeMonitorChanges: (seqs) =>
      run(() => {
        monitors.acknowledgeChanges(seqs);
      }),
    statuses: (ids) => run(() => states.statuses(ids)),

    recordBatch: (batch, evaluate) => run(() => recordBatch(batch, evaluate)),
    listResults: (monitorId, query) => run(() => results.list(monitorId, query)),
    uptime: (monitorId, window, nowMs) => run(() => rollups.summary(monitorId, window, nowMs)),
    uptimeMany: (ids, window, nowMs) => run(() => uptimeReads.uptimeMany(ids, window, nowMs)),
    dailyUptime: (monitorId, days, nowMs) =>
      run(
        () =>
          uptimeReads.dailyMany([monitorId], days, nowMs).get(monitorId) ??
          dailySeries(days, nowMs, new Map()),
      ),
    dailyUptimeMany: (ids, days, nowMs) => run(() => uptimeReads.dailyMany(ids, days, nowMs)),
    listIncidents: (query) => run(() => incidents.list(query)),
    applyRetention: async (rawBeforeMs, nowMs) => {
      if (!open) throw new StoreError('STORE_UNAVAILABLE', 'the store is closed');
      try {
        return await retention(rawBeforeMs, nowMs, () => open);
      } catch (error) {
        throw toStoreError(error);
      }
    },

    createChannel: (channel) =>
      run(() => {
        channels.create(channel);
      }),
    getChannel: (id) => run(() => channels.get(id)),
    getChannels: (ids) => run(() => channels.getMany(ids)),
    listChannels: (query) => run(() => channels.list(query)),
    updateChannel: (channel) => run(() => channels.update(channel)),
    deleteChannel: (id) => run(() => forgetChannel.immediate(id)),

    enqueueDeliveries: (list) => run(() => deliveries.enqueue(list)),
    claimDueDeliveries: (nowMs, limit, leaseMs) =>
      run(() => deliveries.claimDue(nowMs, limit, leaseMs)),
    completeAttempt: (id, outcome) =>
      run(() => {
        deliveries.complete(id, outcome);
      }),
    nextDeliveryDueAt: () => run(() => deliveries.nextDueAt()),
    listDeliveries: (channelId, query) => run(() => deliveries.list(channelId, query)),

    createStatusPage: (page) =>
      run(() => {
        statusPages.create(page);
      }),
    getStatusPage: (id) => run(() => statusPages.get(id)),
    getStatusPageBySlug: (slug) => run(() => statusPages.getBySlug(slug)),
    listStatusPages: (query) => run(() => statusPages.list(query)),
    updateStatusPage: (page) => run(() => statusPages.update(page)),
    deleteStatusPage: (id) => run(() => statusPages.remove(id)),
    isMonitorPublic: (monitorId) => run(() => statusPages.isMonitorPublic(monitorId)),
  };
}
