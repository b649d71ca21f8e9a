import type { MonitorId } from '../../domain/ids.js';
import type { StatusCache, StatusEntry } from '../../ports/status-cache.js';

export class MemoryCacheClosedError extends Error {
  readonly code = 'CACHE_CLOSED';
  constructor() {
    super('the status cache is closed');
    this.name = 'MemoryCacheClosedError';
  }
}

/** Epoch ms an entry speaks for: its last check's start, or when its status began. */
function entryTimeMs(entry: StatusEntry): number {
  const ms = Date.parse(entry.lastCheck?.checkedAt ?? entry.since);
  return Number.isNaN(ms) ? -Infinity : ms;
}

/**
 * The in-process StatusCache: a map of the current entry per monitor. Entries are kept by
 * reference (they are `readonly`); the cache never evicts, it holds one small entry per monitor.
 * An entry as new as the one held replaces it, so that rewriting the same result is harmless.
 * After `close` every call rejects, as a closed connection would.
 */
export function createMemoryStatusCache(): StatusCache {
  const entries = new Map<MonitorId, StatusEntry>();
  let closed = false;

  const run = <T>(fn: () => T): Promise<T> =>
    closed ? Promise.reject(new MemoryCacheClosedError()) : Promise.resolve(fn());

  return {
    get: (monitorId) => run(() => entries.get(monitorId)),

    getMany: (monitorIds) =>
      run(() => {
        const found = new Map<MonitorId, StatusEntry>();
        for (const id of monitorIds) {
          const entry = entries.get(id);
          if (entry !== undefined) found.set(id, entry);
        }
        return found;
      }),

    setMany: (newEntries, options) =>
      run(() => {
        const force = options?.force === true;
        for (const entry of newEntries) {
          const held = force ? undefined : entries.get(entry.monitorId);
          if (held === undefined || entryTimeMs(entry) >= entryTimeMs(held)) {
            entries.set(entry.monitorId, entry);
          }
        }
      }),

    delete: (monitorId) =>
      run(() => {
        entries.delete(monitorId);
      }),

    ping: () => run(() => undefined),

    close: () => {
      closed = true;
      entries.clear();
      return Promise.resolve();
    },
  };
}
