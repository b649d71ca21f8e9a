import { ApiError, type ApiClient } from '../api/client.js';
import type { DailyItem, MonitorUptime, StatusAnswer, Uptime } from '../api/types.js';
import { createTaskQueue } from '../lib/task-queue.js';
import type { Observable } from './observable.js';

/** What a list row shows beyond the monitor itself; `undefined`: not loaded yet. */
export interface RowStats {
  readonly uptime24h?: number | null;
  readonly lastLatencyMs?: number | null;
  readonly daily?: readonly DailyItem[];
}

export interface RowStatsStore extends Observable<number> {
  of(id: string): RowStats;
  /** These rows are on screen: load what they lack. */
  want(ids: readonly string[]): void;
  /** The monitor changed (a status event): its figures are stale. */
  invalidate(id: string): void;
  /** Uptime of every monitor, for sorting by it (in batches). */
  loadAllUptime(ids: readonly string[]): Promise<void>;
  close(): void;
}

// The server takes 1,000 ids; 300 keep the request line near 11 KB, which proxies in front of
// it also pass (many stop at 16 KB).
const UPTIME_BATCH = 300;
const STALE_MS = 60_000;
const DAILY_STALE_MS = 5 * 60_000;

const routeMissing = (error: unknown): boolean =>
  error instanceof ApiError && error.status === 404 && error.message.startsWith('no route');

/**
 * Per-row figures, fetched only for rows on screen: 24 h uptime in batches through
 * `GET /uptime?ids=`, the last check's latency from `/monitors/{id}/status`, and the 90-day
 * strip from `/monitors/{id}/daily`. A route the server lacks is asked once, then left alone
 * (its column stays empty, or uptime falls back to one request per monitor).
 */
export function createRowStats(api: ApiClient): RowStatsStore {
  const stats = new Map<string, RowStats>();
  const fetchedAt = new Map<string, { status?: number; daily?: number; uptime?: number }>();
  const listeners = new Set<() => void>();
  let version = 0;
  let frame: number | null = null;
  // Cleared when the server lacks `GET /uptime?ids=`; read through a function, as awaits change it.
  let batchUptime = true;
  const batching = (): boolean => batchUptime;
  let dailyMissing = false;

  const merge = (id: string, patch: RowStats): void => {
    stats.set(id, { ...stats.get(id), ...patch });
    version += 1;
    if (frame !== null) return;
    frame = requestAnimationFrame(() => {
      frame = null;
      for (const listener of [...listeners]) listener();
    });
  };
  const mark = (id: string, what: 'status' | 'daily' | 'uptime'): void => {
    fetchedAt.set(id, { ...fetchedAt.get(id), [what]: Date.now() });
  };
  const fresh = (id: string, what: 'status' | 'daily' | 'uptime', ms: number): boolean => {
    const at = fetchedAt.get(id)?.[what];
    return at !== undefined && Date.now() - at < ms;
  };
  const path = (id: string): string => `/monitors/${encodeURIComponent(id)}`;

  const fetchUptimeBatch = async (ids: readonly string[]): Promise<void> => {
    for (const id of ids) mark(id, 'uptime');
    try {
      const answer = await api.get<{ items: MonitorUptime[] }>(
        `/uptime?window=24h&ids=${ids.map(encodeURIComponent).join(',')}`,
      );
      for (const item of answer.items) merge(item.monitorId, { uptime24h: item.uptime });
    } catch (error) {
      if (!routeMissing(error)) throw error;
      batchUptime = false;
      for (const id of ids) fetchedAt.set(id, { ...fetchedAt.get(id), uptime: 0 });
    }
  };

  // One task per row: status (last latency), daily strip, and uptime when not batched.
  const rows = createTaskQueue(4, async (id) => {
    const jobs: Promise<void>[] = [];
    if (!fresh(id, 'status', STALE_MS)) {
      mark(id, 'status');
      jobs.push(
        api.get<StatusAnswer>(`${path(id)}/status`).then((s) => {
          merge(id, { lastLatencyMs: s.lastCheck?.latencyMs ?? null });
        }),
      );
    }
    if (!dailyMissing && !fresh(id, 'daily', DAILY_STALE_MS)) {
      mark(id, 'daily');
      jobs.push(
        api.get<{ items: DailyItem[] }>(`${path(id)}/daily?days=90`).then(
          (d) => {
            merge(id, { daily: d.items });
          },
          (error: unknown) => {
            if (routeMissing(error)) dailyMissing = true;
            merge(id, { daily: [] });
          },
        ),
      );
    }
    if (!batchUptime && !fresh(id, 'uptime', STALE_MS)) {
      mark(id, 'uptime');
      jobs.push(
        api.get<Uptime>(`${path(id)}/uptime?window=24h`).then((u) => {
          merge(id, { uptime24h: u.uptime });
        }),
      );
    }
    await Promise.allSettled(jobs);
  });

  let uptimeTimer: ReturnType<typeof setTimeout> | null = null;
  let uptimeWanted: string[] = [];

  return {
    get: () => version,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    of: (id) => stats.get(id) ?? {},
    want(ids) {
      rows.want(ids);
      if (!batchUptime) return;
      uptimeWanted = ids.filter((id) => !fresh(id, 'uptime', STALE_MS));
      if (uptimeTimer !== null) clearTimeout(uptimeTimer);
      // Waits for scrolling to settle, then one request for the whole screen.
      uptimeTimer = setTimeout(() => {
        uptimeTimer = null;
        if (uptimeWanted.length > 0) void fetchUptimeBatch(uptimeWanted).catch(() => undefined);
      }, 80);
    },
    invalidate(id) {
      const at = fetchedAt.get(id);
      if (at !== undefined) fetchedAt.set(id, { daily: at.daily ?? 0 });
    },
    async loadAllUptime(ids) {
      if (!batchUptime) return;
      const missing = ids.filter((id) => !fresh(id, 'uptime', STALE_MS));
      for (let i = 0; i < missing.length && batching(); i += UPTIME_BATCH) {
        await fetchUptimeBatch(missing.slice(i, i + UPTIME_BATCH));
      }
    },
    close() {
      rows.clear();
      if (uptimeTimer !== null) clearTimeout(uptimeTimer);
      if (frame !== null) cancelAnimationFrame(frame);
      listeners.clear();
    },
  };
}
