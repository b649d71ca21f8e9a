import type { CheckResult } from '../../domain/check.js';
import { isId, type MonitorId } from '../../domain/ids.js';
import type { Incident, IncidentState } from '../../domain/incident.js';
import type { UptimeSummary, UptimeWindow } from '../../domain/uptime.js';
import type { Clock } from '../../ports/clock.js';
import type { Page, Store } from '../../ports/store.js';
import { notFound, validationFailed } from './api-errors.js';
import { pageLimit, withCursor, type PageRequest } from './paging.js';

export interface ResultsQuery {
  /** ISO 8601, inclusive. */
  readonly since?: string | undefined;
  /** ISO 8601, exclusive. */
  readonly until?: string | undefined;
  readonly limit?: number | undefined;
}

export interface IncidentsQuery extends PageRequest {
  readonly monitorId?: string | undefined;
  readonly state?: IncidentState | undefined;
}

export interface HistoryServiceDeps {
  readonly store: Store;
  readonly clock: Clock;
}

/** Reads of what the recorder wrote: results, uptime from roll-ups, incidents. */
export interface HistoryService {
  /** Newest first. */
  results(monitorId: string, query: ResultsQuery): Promise<CheckResult[]>;
  /** The window ends now; 24h when not given. */
  uptime(monitorId: string, window?: UptimeWindow): Promise<UptimeSummary>;
  /** Newest first. */
  incidents(query: IncidentsQuery): Promise<Page<Incident>>;
}

export function createHistoryService(deps: HistoryServiceDeps): HistoryService {
  const { store, clock } = deps;

  const existing = async (id: string): Promise<MonitorId> => {
    if (!isId(id) || (await store.getMonitor(id as MonitorId)) === undefined) {
      throw notFound('monitor');
    }
    return id as MonitorId;
  };

  return {
    async results(id, query) {
      const since = normalise(query.since, '/since');
      const until = normalise(query.until, '/until');
      if (since !== undefined && until !== undefined && since >= until) {
        throw validationFailed([{ path: '/until', message: 'must be after since' }]);
      }
      return store.listResults(await existing(id), { since, until, limit: pageLimit(query.limit) });
    },

    async uptime(id, window) {
      return store.uptime(await existing(id), window ?? '24h', clock.now());
    },

    async incidents(query) {
      // An id that cannot exist matches nothing; it is not an error for a filter.
      if (query.monitorId !== undefined && !isId(query.monitorId)) {
        return { items: [], nextCursor: null };
      }
      return withCursor(() =>
        store.listIncidents({
          limit: pageLimit(query.limit),
          cursor: query.cursor,
          monitorId: query.monitorId as MonitorId | undefined,
          state: query.state,
        }),
      );
    },
  };
}

/** Any ISO 8601 instant becomes the UTC form with milliseconds that the store compares. */
function normalise(value: string | undefined, path: string): string | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms))
    throw validationFailed([{ path, message: 'must be an ISO 8601 date-time' }]);
  return new Date(ms).toISOString();
}
