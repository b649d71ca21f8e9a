import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { createApiClient, type ApiClient } from '../api/client.js';
import { openStream, type StreamState } from '../api/stream.js';
import type { StatusEvent } from '../api/types.js';
import { createMonitorList, type MonitorList } from './monitor-list.js';
import { createCell, type Observable } from './observable.js';
import { createRowStats, type RowStatsStore } from './row-stats.js';
import { signOut } from './session.js';

/** What a signed-in dashboard shares: the API, the list, row figures and the live stream. */
export interface Services {
  readonly api: ApiClient;
  readonly monitors: MonitorList;
  readonly stats: RowStatsStore;
  readonly live: Observable<StreamState>;
  /** Every status event of the stream, for pages that show one monitor. */
  readonly onStatus: (listener: (event: StatusEvent) => void) => () => void;
  readonly close: () => void;
}

/** While the server offers no stream, the list is loaded again this often. */
const POLL_MS = 15_000;

export function createServices(token: string): Services {
  const api = createApiClient(token, () => {
    signOut('The token was refused: sign in again.');
  });
  const monitors = createMonitorList(api);
  const stats = createRowStats(api);
  const live = createCell<StreamState>('connecting');
  const statusListeners = new Set<(event: StatusEvent) => void>();
  let poll: ReturnType<typeof setInterval> | null = null;

  const closeStream = openStream(api, '', {
    onEvent(event, data) {
      if (event !== 'status') return;
      const status = data as StatusEvent;
      monitors.applyStatus(status);
      stats.invalidate(status.monitorId);
      for (const listener of [...statusListeners]) listener(status);
    },
    onState(state) {
      live.set(state);
      if (state === 'unavailable' && poll === null) {
        poll = setInterval(() => void monitors.reload(), POLL_MS);
      } else if (state === 'live' && poll !== null) {
        clearInterval(poll);
        poll = null;
      }
    },
    onReconnected() {
      // events may have been missed while away
      void monitors.reload();
    },
  });
  void monitors.load();

  return {
    api,
    monitors,
    stats,
    live,
    onStatus(listener) {
      statusListeners.add(listener);
      return () => statusListeners.delete(listener);
    },
    close() {
      closeStream();
      if (poll !== null) clearInterval(poll);
      monitors.close();
      stats.close();
    },
  };
}

export const ServicesContext = createContext<Services | null>(null);

export function useServices(): Services {
  const services = useContext(ServicesContext);
  if (services === null) throw new Error('useServices outside a signed-in session');
  return services;
}
