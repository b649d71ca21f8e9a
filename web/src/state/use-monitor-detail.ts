import { useEffect, useState } from 'preact/hooks';
import { ApiError, errorText } from '../api/client.js';
import { openStream, type StreamState } from '../api/stream.js';
import type {
  CheckResult,
  Incident,
  Monitor,
  ResultEvent,
  StatusAnswer,
  StatusEvent,
  Uptime,
  UptimeWindow,
} from '../api/types.js';
import { useServices } from './services.js';

export const SUMMARY_WINDOWS: readonly UptimeWindow[] = ['24h', '7d', '30d', '90d'];

export interface MonitorDetail {
  readonly monitor: Monitor | null;
  readonly status: StatusAnswer | null;
  readonly uptime: Readonly<Partial<Record<UptimeWindow, Uptime>>>;
  readonly results: readonly CheckResult[];
  readonly incidents: readonly Incident[];
  readonly error: string | null;
  readonly notFound: boolean;
  /** Counts the check results seen live, for panels that redraw on them. */
  readonly tick: number;
}

const EMPTY: MonitorDetail = {
  monitor: null,
  status: null,
  uptime: {},
  results: [],
  incidents: [],
  error: null,
  notFound: false,
  tick: 0,
};

/** While the stream is away, the page asks again this often. */
const POLL_MS = 5_000;

/**
 * One monitor's page data, kept live: its own stream (`?monitorId=`) brings status changes and
 * check results; each result reloads the figures that depend on it, at most once a second.
 */
export function useMonitorDetail(id: string): {
  detail: MonitorDetail;
  replace: (monitor: Monitor) => void;
} {
  const { api, onStatus } = useServices();
  const [detail, setDetail] = useState<MonitorDetail>(EMPTY);

  useEffect(() => {
    setDetail(EMPTY);
    const ac = new AbortController();
    const base = `/monitors/${encodeURIComponent(id)}`;
    const patch = (p: Partial<MonitorDetail>): void => {
      if (!ac.signal.aborted) setDetail((d) => ({ ...d, ...p }));
    };
    const fail = (error: unknown): void => {
      if (ac.signal.aborted) return;
      if (error instanceof ApiError && error.status === 404) patch({ notFound: true });
      else patch({ error: errorText(error) });
    };

    const loadLive = (): void => {
      api.get<StatusAnswer>(`${base}/status`, ac.signal).then((status) => {
        patch({ status });
      }, fail);
      api.get<{ items: CheckResult[] }>(`${base}/results?limit=25`, ac.signal).then((r) => {
        patch({ results: r.items });
      }, fail);
      api
        .get<{ items: Incident[] }>(`/incidents?monitorId=${encodeURIComponent(id)}`, ac.signal)
        .then((r) => {
          patch({ incidents: r.items });
        }, fail);
      for (const w of SUMMARY_WINDOWS) {
        api.get<Uptime>(`${base}/uptime?window=${w}`, ac.signal).then((u) => {
          setDetail((d) => ({ ...d, uptime: { ...d.uptime, [w]: u } }));
        }, fail);
      }
    };
    api.get<Monitor>(base, ac.signal).then((monitor) => {
      patch({ monitor });
    }, fail);
    loadLive();

    let pending: ReturnType<typeof setTimeout> | null = null;
    const soon = (): void => {
      pending ??= setTimeout(() => {
        pending = null;
        loadLive();
        setDetail((d) => ({ ...d, tick: d.tick + 1 }));
      }, 1000);
    };
    const onStatusEvent = (event: StatusEvent): void => {
      if (event.monitorId !== id) return;
      setDetail((d) =>
        d.status === null
          ? d
          : { ...d, status: { ...d.status, status: event.status, since: event.at } },
      );
      soon();
    };
    let poll: ReturnType<typeof setInterval> | null = null;
    const onState = (state: StreamState): void => {
      if (state === 'unavailable' && poll === null) poll = setInterval(soon, POLL_MS);
      if (state === 'live' && poll !== null) {
        clearInterval(poll);
        poll = null;
      }
    };
    const stopList = onStatus(onStatusEvent);
    const closeStream = openStream(api, `?monitorId=${encodeURIComponent(id)}`, {
      onEvent(event, data) {
        if (event === 'status') onStatusEvent(data as StatusEvent);
        if (event === 'result' && (data as ResultEvent).monitorId === id) soon();
      },
      onState,
      onReconnected: soon,
    });
    return () => {
      ac.abort();
      stopList();
      closeStream();
      if (pending !== null) clearTimeout(pending);
      if (poll !== null) clearInterval(poll);
    };
  }, [api, id, onStatus]);

  return {
    detail,
    replace: (monitor) => {
      setDetail((d) => ({ ...d, monitor }));
    },
  };
}
