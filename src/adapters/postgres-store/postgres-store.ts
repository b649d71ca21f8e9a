import { dailySeries } from '../../domain/daily-uptime.js';
import type { ChannelId } from '../../domain/ids.js';
import { silentLogger, type Logger } from '../../ports/logger.js';
import { StoreError, type Store } from '../../ports/store.js';
import { LOCK_PURPOSE, advisoryKey } from './advisory-locks.js';
import { createChannelRepository } from './channels.js';
import { createPool, inTransaction, parseConnectionTarget, rowsOf } from './connection.js';
import { createDeliveryRepository } from './deliveries.js';
import { toStoreError } from './errors.js';
import { createIncidentRepository } from './incidents.js';
import { runMigrations } from './migrations.js';
import { createStateRepository } from './monitor-state.js';
import { createMonitorLookup } from './monitor-lookup.js';
import { createMonitorRepository } from './monitors.js';
import { createOutbox } from './outbox.js';
import { createDayPartitions, daysAround } from './partitions.js';
import { EvaluatorFailed, createBatchRecorder } from './record-batch.js';
import { createResultRepository } from './results.js';
import { createRetention } from './retention.js';
import { createRollupRepository } from './rollups.js';
import { createStatusPageRepository } from './status-pages.js';
import { createUptimeReads } from './uptime-reads.js';

export interface PostgresStoreOptions {
  /** `postgres://…`; `?schema=name` (or `options=-c search_path=name`) names the schema. */
  readonly connectionString: string;
  /** Connections in the pool; default 10. */
  readonly poolSize?: number;
  readonly logger?: Logger;
}

const DEFAULT_POOL_SIZE = 10;
const PING_TIMEOUT_MS = 2_000;

/**
 * The Store port on PostgreSQL (`pg`), for the distributed mode: a pool shared by concurrent
 * calls, many processes on one database. Every method is one statement or one transaction on one
 * pooled connection. Nothing connects until the first call; `migrate()` makes the schema, and is
 * safe to run from several processes at once.
 */
export function createPostgresStore(options: PostgresStoreOptions): Store {
  const target = parseConnectionTarget(options.connectionString);
  const logger = (options.logger ?? silentLogger).child({ component: 'postgres-store' });
  const poolSize = options.poolSize ?? DEFAULT_POOL_SIZE;
  if (!Number.isInteger(poolSize) || poolSize < 1) {
    throw new StoreError('STORE_FAILED', `poolSize must be a positive integer, not ${poolSize}`);
  }
  const pool = createPool({ target, poolSize, logger });
  let open = true;

  // The schema the tables are in, for advisory lock keys: named in the URL, or the server's.
  let schemaName: Promise<string> | undefined;
  const resolveSchema = (): Promise<string> => {
    schemaName ??= (async () => {
      if (target.schema !== null) return target.schema;
      const [row] = await rowsOf<{ schema: string | null }>(pool, {
        text: 'SELECT current_schema() AS schema',
      });
      if (row?.schema == null) throw new StoreError('STORE_FAILED', 'no current schema');
      return row.schema;
    })().catch((error: unknown) => {
      schemaName = undefined;
      throw error;
    });
    return schemaName;
  };

  const partitions = createDayPartitions(logger);
  const monitors = createMonitorRepository(pool, resolveSchema);
  const outbox = createOutbox(pool);
  const states = createStateRepository(pool);
  const results = createResultRepository(pool);
  const rollups = createRollupRepository(pool);
  const incidents = createIncidentRepository(pool);
  const channels = createChannelRepository(pool);
  const deliveries = createDeliveryRepository(pool);
  const monitorLookup = createMonitorLookup(pool);
  const statusPages = createStatusPageRepository(pool);
  const uptimeReads = createUptimeReads(pool);
  const retention = createRetention(pool, partitions, resolveSchema);
  const recordBatch = createBatchRecorder(pool, {
    results,
    rollups,
    states,
    incidents,
    partitions,
    deletionLock: async () => advisoryKey(await resolveSchema(), LOCK_PURPOSE.monitorDeletion),
  });

  /**
   * Runs one operation while the store is open. Driver errors leave as StoreError; an error of
   * the batch evaluator leaves as it was thrown.
   */
  const run = async <T>(operation: () => Promise<T>): Promise<T> => {
    if (!open) throw new StoreError('STORE_UNAVAILABLE', 'the store is closed');
    try {
      return await operation();
    } catch (error) {
      if (error instanceof EvaluatorFailed) throw error.error;
      throw toStoreError(error);
    }
  };

  return {
    migrate: () =>
      run(async () => {
        const applied = await runMigrations(pool, target.schema);
        if (applied.length > 0) logger.info({ applied }, 'migrated the PostgreSQL schema');
        partitions.forget();
        await partitions.ensure(pool, daysAround(Date.now()));
      }),
    ping: () =>
      run(async () => {
        let timer: NodeJS.Timeout | undefined;
        const late = new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            reject(new StoreError('STORE_UNAVAILABLE', `no answer within ${PING_TIMEOUT_MS} ms`));
          }, PING_TIMEOUT_MS);
        });
        try {
          await Promise.race([pool.query('SELECT 1'), late]);
        } finally {
          clearTimeout(timer);
        }
      }),
    close: async () => {
      if (!open) return;
      open = false;
      try {
        await pool.end();
      } catch (error) {
        throw toStoreError(error);
      }
    },

    createMonitor: (monitor) => run(() => monitors.create(monitor)),
    getMonitor: (id) => run(() => monitors.get(id)),
    getMonitors: (ids) => run(() => monitorLookup.getMany(ids)),
    listMonitors: (query) => run(() => monitors.list(query)),
    allMonitors: () => run(() => monitors.all()),
    updateMonitor: (monitor, opts) => run(() => monitors.update(monitor, opts?.status)),
    deleteMonitor: (id) => run(() => monitors.remove(id)),
    pendingMonitorChanges: (limit) => run(() => outbox.pending(limit)),
    acknowledgeMonitorChanges: (seqs) => run(() => outbox.acknowledge(seqs)),
    statuses: (ids) => run(() => states.statuses(ids)),

    recordBatch: (batch, evaluate) => run(() => recordBatch(batch, evaluate)),
    listResults: (monitorId, query) => run(() => results.list(monitorId, query)),
    uptime: (monitorId, window, nowMs) => run(() => rollups.summary(monitorId, window, nowMs)),
    uptimeMany: (ids, window, nowMs) => run(() => uptimeReads.uptimeMany(ids, window, nowMs)),
    dailyUptime: (monitorId, days, nowMs) =>
      run(
        async () =>
          (await uptimeReads.dailyMany([monitorId], days, nowMs)).get(monitorId) ??
          dailySeries(days, nowMs, new Map()),
      ),
    dailyUptimeMany: (ids, days, nowMs) => run(() => uptimeReads.dailyMany(ids, days, nowMs)),
    listIncidents: (query) => run(() => incidents.list(query)),
    applyRetention: (rawBeforeMs, nowMs) => run(() => retention(rawBeforeMs, nowMs)),

    createChannel: (channel) => run(() => channels.create(channel)),
    getChannel: (id) => run(() => channels.get(id)),
    getChannels: (ids) => run(() => channels.getMany(ids)),
    listChannels: (query) => run(() => channels.list(query)),
    updateChannel: (channel) => run(() => channels.update(channel)),
    deleteChannel: (id: ChannelId) =>
      run(() =>
        inTransaction(pool, async (client) => {
          if (!(await channels.remove(client, id))) return false;
          await monitors.forgetChannel(client, id);
          return true;
        }),
      ),

    enqueueDeliveries: (list) => run(() => deliveries.enqueue(list)),
    claimDueDeliveries: (nowMs, limit, leaseMs) =>
      run(() => deliveries.claimDue(nowMs, limit, leaseMs)),
    completeAttempt: (id, outcome) => run(() => deliveries.complete(id, outcome)),
    nextDeliveryDueAt: () => run(() => deliveries.nextDueAt()),
    listDeliveries: (channelId, query) => run(() => deliveries.list(channelId, query)),

    createStatusPage: (page) => run(() => statusPages.create(page)),
    getStatusPage: (id) => run(() => statusPages.get(id)),
    getStatusPageBySlug: (slug) => run(() => statusPages.getBySlug(slug)),
    listStatusPages: (query) => run(() => statusPages.list(query)),
    updateStatusPage: (page) => run(() => statusPages.update(page)),
    deleteStatusPage: (id) => run(() => statusPages.remove(id)),
    isMonitorPublic: (monitorId) => run(() => statusPages.isMonitorPublic(monitorId)),
  };
}
