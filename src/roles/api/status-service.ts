import { isId, type MonitorId } from '../../domain/ids.js';
import type { Monitor } from '../../domain/monitor.js';
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
  /**
   * The statuses of monitors already read from the store. A cached entry that disagrees with a
   * monitor's `paused` setting (a pause or resume whose cache write failed) is not believed: the
   * store answers for that monitor.
   */
  statusesFor(monitors: readonly Monitor[]): Promise<Map<MonitorId, StatusEntry>>;
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

  const statusesOf = async (
    ids: readonly MonitorId[],
    believable: (entry: StatusEntry) => boolean = () => true,
  ): Promise<Map<MonitorId, StatusEntry>> => {
    if (ids.length === 0) return new Map();
    const found = await fromCache(ids);
    for (const [id, entry] of found) if (!believable(entry)) found.delete(id);
    const misses = ids.filter((id) => !found.has(id));
    if (misses.length > 0) {
      for (const [id, entry] of await store.statuses(misses)) found.set(id, entry);
    }
    return found;
  };

  const statusesFor = (monitors: readonly Monitor[]): Promise<Map<MonitorId, StatusEntry>> => {
    const paused = new Map(monitors.map((m) => [m.id, m.paused]));
    return statusesOf(
      monitors.map((m) => m.id),
      (entry) => (entry.status === 'paused') === paused.get(entry.monitorId),
    );
  };

  return {
    statusesOf: (ids) => statusesOf(ids),
    statusesFor,
    async statusOf(id) {
      // The store decides whether the monitor exists: the cache may still hold an entry that a
      // late write put back after a delete.
      const monitor = isId(id) ? await store.getMonitor(id as MonitorId) : undefined;
      if (monitor === undefined) throw notFound('monitor');
      const entry = (await statusesFor([monitor])).get(monitor.id);
      if (entry === undefined) throw notFound('monitor');
      return entry;
    },
  };
}
