import { dailySeries, uptimeOfDays, type DailyUptime } from '../../domain/daily-uptime.js';
import { isId, type IncidentId, type MonitorId } from '../../domain/ids.js';
import type { Incident } from '../../domain/incident.js';
import type { Monitor } from '../../domain/monitor.js';
import type { MonitorStatus } from '../../domain/status.js';
import {
  isSlug,
  overallStatus,
  publicCause,
  type OverallStatus,
} from '../../domain/status-page.js';
import type { UptimeWindow } from '../../domain/uptime.js';
import type { Clock } from '../../ports/clock.js';
import type { Store } from '../../ports/store.js';
import { notFound } from './api-errors.js';
import type { StatusService } from './status-service.js';

/** Days in a status page's strip of day bars. */
export const STATUS_PAGE_DAYS = 90;
/** Pages of 1,000 open incidents read at most for one status page. */
const OPEN_INCIDENT_PAGES = 20;

export interface PublicMonitorView {
  readonly id: MonitorId;
  readonly name: string;
  readonly status: MonitorStatus;
  /** Over the days of `days` together; null without checks. */
  readonly uptime90d: number | null;
  readonly days: readonly DailyUptime[];
}

export interface PublicIncidentView {
  readonly id: IncidentId;
  readonly monitorId: MonitorId;
  readonly startedAt: string;
  readonly cause: string | null;
}

/**
 * Everything a status page shows; nothing about a monitor it does not list, and of those it lists
 * only name, status and history (no address, no settings; causes with addresses hidden).
 */
export interface PublicStatusPageView {
  readonly slug: string;
  readonly title: string;
  readonly description: string | null;
  readonly overall: OverallStatus;
  readonly monitors: readonly PublicMonitorView[];
  /** Newest first. */
  readonly openIncidents: readonly PublicIncidentView[];
}

export interface PublicStatusServiceDeps {
  readonly store: Store;
  readonly statuses: StatusService;
  readonly clock: Clock;
}

/**
 * What may be read without a token: status pages, and badges of the monitors that are on at
 * least one page. Everything else answers not_found, the same whether it exists or not.
 */
export interface PublicStatusService {
  page(slug: string): Promise<PublicStatusPageView>;
  badgeStatus(monitorId: string): Promise<MonitorStatus>;
  badgeUptime(monitorId: string, window: UptimeWindow): Promise<number | null>;
}

export function createPublicStatusService(deps: PublicStatusServiceDeps): PublicStatusService {
  const { store, statuses, clock } = deps;

  const publicMonitor = async (id: string): Promise<MonitorId> => {
    if (!isId(id) || !(await store.isMonitorPublic(id as MonitorId))) throw notFound('badge');
    return id as MonitorId;
  };

  /** The open incidents of the given monitors, from the (short) list of all open ones. */
  const openIncidentsOf = async (ids: ReadonlySet<string>): Promise<Incident[]> => {
    const found: Incident[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < OPEN_INCIDENT_PAGES; i++) {
      const page = await store.listIncidents({ state: 'open', limit: 1000, cursor });
      for (const incident of page.items) if (ids.has(incident.monitorId)) found.push(incident);
      if (page.nextCursor === null) break;
      cursor = page.nextCursor;
    }
    return found;
  };

  return {
    async page(slug) {
      const page = isSlug(slug) ? await store.getStatusPageBySlug(slug) : undefined;
      if (page === undefined) throw notFound('status page');
      const nowMs = clock.now();
      const byId = new Map<string, Monitor>(
        (await store.getMonitors(page.monitorIds)).map((m) => [m.id, m]),
      );
      const monitors = page.monitorIds
        .map((id) => byId.get(id))
        .filter((m): m is Monitor => m !== undefined);
      const ids = monitors.map((m) => m.id);
      const [current, daily, incidents] = await Promise.all([
        statuses.statusesFor(monitors),
        store.dailyUptimeMany(ids, STATUS_PAGE_DAYS, nowMs),
        openIncidentsOf(new Set(ids)),
      ]);
      const views = monitors.map((m): PublicMonitorView => {
        const days = daily.get(m.id) ?? dailySeries(STATUS_PAGE_DAYS, nowMs, new Map());
        return {
          id: m.id,
          name: m.name,
          status: current.get(m.id)?.status ?? (m.paused ? 'paused' : 'pending'),
          uptime90d: uptimeOfDays(days),
          days,
        };
      });
      return {
        slug: page.slug,
        title: page.title,
        description: page.description,
        overall: overallStatus(views.map((v) => v.status)),
        monitors: views,
        openIncidents: incidents.map((i) => ({
          id: i.id,
          monitorId: i.monitorId,
          startedAt: i.startedAt,
          cause: i.cause === null ? null : publicCause(i.cause, byId.get(i.monitorId)?.url ?? ''),
        })),
      };
    },

    async badgeStatus(id) {
      return (await statuses.statusOf(await publicMonitor(id))).status;
    },

    async badgeUptime(id, window) {
      return (await store.uptime(await publicMonitor(id), window, clock.now())).uptime;
    },
  };
}
