import { errorText, fetchAllPages, type ApiClient } from '../api/client.js';
import type { Monitor, MonitorWithStatus, StatusEvent } from '../api/types.js';
import type { Observable } from './observable.js';

export interface MonitorListState {
  /** In creation order, as the API lists them. */
  readonly monitors: readonly MonitorWithStatus[];
  /** Every page has arrived. */
  readonly complete: boolean;
  readonly error: string | null;
  /** Changes with every change of `monitors`, for memoising what is derived from it. */
  readonly version: number;
}

export interface MonitorList extends Observable<MonitorListState> {
  /** Loads every page; the first page shows at once, the rest as it arrives. */
  load(): Promise<void>;
  /** Loads again in the background and swaps the whole list in once complete. */
  reload(): Promise<void>;
  applyStatus(event: StatusEvent): void;
  upsert(monitor: Monitor | MonitorWithStatus): void;
  remove(id: string): void;
  find(id: string): MonitorWithStatus | undefined;
  close(): void;
}

/** All monitors with their status, kept current by status events. */
export function createMonitorList(api: ApiClient): MonitorList {
  let byId = new Map<string, MonitorWithStatus>();
  let state: MonitorListState = { monitors: [], complete: false, error: null, version: 0 };
  const listeners = new Set<() => void>();
  const fetching = new Set<string>();
  let controller = new AbortController();
  let frame: number | null = null;

  // Bursts of events (a region going down) become one render per frame.
  const publish = (patch: Partial<MonitorListState> = {}): void => {
    state = { ...state, ...patch, monitors: [...byId.values()], version: state.version + 1 };
    if (frame !== null) return;
    frame = requestAnimationFrame(() => {
      frame = null;
      for (const listener of [...listeners]) listener();
    });
  };

  const loadInto = async (target: Map<string, MonitorWithStatus>, live: boolean): Promise<void> => {
    await fetchAllPages<MonitorWithStatus>(api, '/monitors', controller.signal, (items) => {
      for (const m of items) target.set(m.id, m);
      if (live) publish();
    });
  };

  const fetchOne = (id: string): void => {
    if (fetching.has(id)) return;
    fetching.add(id);
    void Promise.all([
      api.get<Monitor>(`/monitors/${encodeURIComponent(id)}`),
      api.get<{ status: MonitorWithStatus['status'] }>(
        `/monitors/${encodeURIComponent(id)}/status`,
      ),
    ])
      .then(([monitor, status]) => {
        byId.set(id, { ...monitor, status: status.status });
        publish();
      })
      .catch(() => undefined)
      .finally(() => fetching.delete(id));
  };

  return {
    get: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async load() {
      byId = new Map();
      publish({ complete: false, error: null });
      try {
        await loadInto(byId, true);
        publish({ complete: true });
      } catch (error) {
        if (!controller.signal.aborted) publish({ error: errorText(error) });
      }
    },
    async reload() {
      const fresh = new Map<string, MonitorWithStatus>();
      try {
        await loadInto(fresh, false);
        byId = fresh;
        publish({ complete: true, error: null });
      } catch (error) {
        if (!controller.signal.aborted) publish({ error: errorText(error) });
      }
    },
    applyStatus(event) {
      const known = byId.get(event.monitorId);
      if (known === undefined) {
        // created elsewhere (another tab, the API): fetch it
        if (state.complete) fetchOne(event.monitorId);
        return;
      }
      if (known.status === event.status) return;
      byId.set(known.id, { ...known, status: event.status });
      publish();
    },
    upsert(monitor) {
      const known = byId.get(monitor.id);
      const status = 'status' in monitor ? monitor.status : (known?.status ?? 'pending');
      const shown = monitor.paused ? 'paused' : status === 'paused' ? 'pending' : status;
      byId.set(monitor.id, { ...monitor, status: shown });
      publish();
    },
    remove(id) {
      if (byId.delete(id)) publish();
    },
    find: (id) => byId.get(id),
    close() {
      controller.abort();
      controller = new AbortController();
      if (frame !== null) cancelAnimationFrame(frame);
      listeners.clear();
    },
  };
}
