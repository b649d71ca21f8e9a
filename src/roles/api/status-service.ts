import { isId, type MonitorId } from '../../domain/ids.js';
import type { Logger } from '../../ports/logger.js';
import type { StatusCache, StatusEntry } from '../../ports/status-cache.js';
import type { Store } from '../../ports/store.js';
import { notFound } from './api-errors.js';

export interface StatusServiceDeps {
  readonly store: Store;
  readonly cache: StatusCache;
  readonly logger: Logger;
}

/** Current status reads: the cache first, the store (the source of truth) for its misses. */
export interface StatusService {
  /** Rejects with not_found when the monitor is unknown. */
  statusOf(id: string): Promise<StatusEntry>;
  /** Unknown ids are absent from the map. */
  statusesOf(ids: readonly MonitorId[]): Promise<Map<MonitorId, StatusEntry>>;
}

export function createStatusService(deps: StatusServiceDeps): StatusService {
  const { store, cache, logger } = deps;

  const fromCache = async (ids: readonly MonitorId[]): Promise<Map<MonitorId, StatusEntry>> => {
    try {
      return await cache.getMany(ids);
    } catch (error) {
      // A cache outage degrades reads to the store; it must not fail them.
      logger.debug({ err: error }, 'status cache read failed; reading statuses from the store');
      return new Map();
    }
  };

  const statusesOf = async (ids: readonly MonitorId[]): Promise<Map<MonitorId, StatusEntry>> => {
    if (ids.length === 0) return new Map();
    const found = await fromCache(ids);
    const misses = ids.filter((id) => !found.has(id));
    if (misses.length > 0) {
      for (const [id, entry] of await store.statuses(misses)) found.set(id, entry);
    }
    return found;
  };

  return {
    statusesOf,
    async statusOf(id) {
      // The store decides whether the monitor exists: the cache may still hold an entry that a
      // late write put back after a delete.
      if (!isId(id) || (await store.getMonitor(id as MonitorId)) === undefined) {
        throw notFound('monitor');
      }
      const entry = (await statusesOf([id as MonitorId])).get(id as MonitorId);
      if (entry === undefined) throw notFound('monitor');
      return entry;
    },
  };
}
