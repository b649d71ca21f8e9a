import { isId, newMonitorId, type MonitorId } from '../../domain/ids.js';
import {
  MONITOR_DEFAULTS,
  validateMonitorSettings,
  withDefaults,
  type Monitor,
  type MonitorSettings,
} from '../../domain/monitor.js';
import type { MonitorStatus } from '../../domain/status.js';
import type { FieldError } from '../../domain/validation.js';
import type { Clock } from '../../ports/clock.js';
import type { Logger } from '../../ports/logger.js';
import type { OutboxRelay } from './outbox-relay.js';
import type { StatusCache } from '../../ports/status-cache.js';
import type { Page, Store } from '../../ports/store.js';
import { notFound, validationFailed } from './api-errors.js';
import { pageLimit, withCursor, type PageRequest } from './paging.js';
import type { StatusService } from './status-service.js';

/** Settings as a client sends them: channel ids are plain strings until checked. */
export type MonitorPatch = {
  readonly [K in keyof MonitorSettings]?: K extends 'notificationChannelIds'
    ? readonly string[]
    : MonitorSettings[K];
};
export type MonitorDraft = MonitorPatch & { readonly name: string; readonly url: string };

export interface MonitorListQuery extends PageRequest {
  readonly status?: MonitorStatus | undefined;
  readonly tag?: string | undefined;
}

export type MonitorWithStatus = Monitor & { readonly status: MonitorStatus };

export interface MonitorServiceDeps {
  readonly store: Store;
  readonly outbox: OutboxRelay;
  readonly cache: StatusCache;
  readonly statuses: StatusService;
  readonly clock: Clock;
  readonly logger: Logger;
}

/**
 * Use cases on monitor definitions. Every write commits to the store together with its
 * `monitor.changed` (the store's outbox); the relay publishes it before the write answers, and
 * retries later when the bus refuses, so the write stands either way and no change is lost.
 */
export interface MonitorService {
  create(draft: MonitorDraft): Promise<Monitor>;
  get(id: string): Promise<Monitor>;
  list(query: MonitorListQuery): Promise<Page<MonitorWithStatus>>;
  /** Merges the patch onto the stored settings and validates the whole. */
  update(id: string, patch: MonitorPatch): Promise<Monitor>;
  pause(id: string): Promise<Monitor>;
  /** The status is `pending` until a check finishes. */
  resume(id: string): Promise<Monitor>;
  delete(id: string): Promise<void>;
}

const SETTING_KEYS = ['name', 'url', ...Object.keys(MONITOR_DEFAULTS)] as (keyof MonitorSettings)[];

/** Only the settings, whatever else the object carries (server fields of a stored monitor). */
function settingsOf(source: MonitorPatch): MonitorPatch {
  const out: Record<string, unknown> = {};
  for (const key of SETTING_KEYS) {
    if (source[key] !== undefined) out[key] = source[key];
  }
  return out;
}

export function createMonitorService(deps: MonitorServiceDeps): MonitorService {
  const { store, outbox, cache, statuses, clock, logger } = deps;
  const nowIso = (): string => new Date(clock.now()).toISOString();

  const load = async (id: string): Promise<Monitor> => {
    const monitor = isId(id) ? await store.getMonitor(id as MonitorId) : undefined;
    if (monitor === undefined) throw notFound('monitor');
    return monitor;
  };

  /** Domain rules on the merged whole, and every listed channel must exist. */
  const validate = async (settings: MonitorSettings): Promise<void> => {
    const errors: FieldError[] = validateMonitorSettings(settings);
    const ids = settings.notificationChannelIds;
    if (ids.length > 0) {
      const known = new Set<string>((await store.getChannels(ids)).map((c) => c.id));
      ids.forEach((id, i) => {
        if (!known.has(id)) {
          errors.push({
            path: `/notificationChannelIds/${i}`,
            message: `no notification channel has id ${id}`,
          });
        }
      });
    }
    if (errors.length > 0) throw validationFailed(errors);
  };

  /** Pause or resume: the state follows at once, in the store and, forced, in the cache. */
  const setPaused = async (monitor: Monitor, paused: boolean): Promise<Monitor> => {
    const at = nowIso();
    const next: Monitor = { ...monitor, paused, updatedAt: at };
    const status = paused ? 'paused' : 'pending';
    if (!(await store.updateMonitor(next, { status }))) throw notFound('monitor');
    await refreshCache(next.id, status, at);
    await outbox.flush();
    return next;
  };

  const refreshCache = async (
    monitorId: MonitorId,
    status: 'paused' | 'pending',
    since: string,
  ): Promise<void> => {
    try {
      const previous = (await statuses.statusesOf([monitorId])).get(monitorId);
      await cache.setMany([{ monitorId, status, since, lastCheck: previous?.lastCheck ?? null }], {
        force: true,
      });
    } catch (error) {
      logger.warn({ err: error, monitorId }, 'status cache not updated after pause or resume');
    }
  };

  return {
    async create(draft) {
      const at = nowIso();
      const settings = withDefaults(settingsOf(draft) as Parameters<typeof withDefaults>[0]);
      await validate(settings);
      const monitor: Monitor = { ...settings, id: newMonitorId(), createdAt: at, updatedAt: at };
      await store.createMonitor(monitor);
      await outbox.flush();
      return monitor;
    },

    get: load,

    async list(query) {
      const page = await withCursor(() =>
        store.listMonitors({
          limit: pageLimit(query.limit),
          cursor: query.cursor,
          status: query.status,
          tag: query.tag,
        }),
      );
      const current = await statuses.statusesFor(page.items);
      return {
        items: page.items.map((m) => ({
          ...m,
          status: current.get(m.id)?.status ?? (m.paused ? 'paused' : 'pending'),
        })),
        nextCursor: page.nextCursor,
      };
    },

    async update(id, patch) {
      const stored = await load(id);
      const merged = { ...settingsOf(stored), ...settingsOf(patch) } as MonitorSettings;
      await validate(merged);
      if (merged.paused !== stored.paused) {
        return setPaused({ ...stored, ...merged }, merged.paused);
      }
      const next: Monitor = {
        ...merged,
        id: stored.id,
        createdAt: stored.createdAt,
        updatedAt: nowIso(),
      };
      if (!(await store.updateMonitor(next))) throw notFound('monitor');
      await outbox.flush();
      return next;
    },

    async pause(id) {
      const monitor = await load(id);
      return monitor.paused ? monitor : setPaused(monitor, true);
    },

    async resume(id) {
      const monitor = await load(id);
      return monitor.paused ? setPaused(monitor, false) : monitor;
    },

    async delete(id) {
      if (!isId(id) || !(await store.deleteMonitor(id as MonitorId))) throw notFound('monitor');
      const monitorId = id as MonitorId;
      try {
        await cache.delete(monitorId);
      } catch (error) {
        logger.warn({ err: error, monitorId }, 'status cache entry not removed after delete');
      }
      await outbox.flush();
    },
  };
}
