import { DAILY_UPTIME_MAX_DAYS, type DailyUptime } from '../../domain/daily-uptime.js';
import { isId, type MonitorId } from '../../domain/ids.js';
import type { UptimeSummary, UptimeWindow } from '../../domain/uptime.js';
import type { Clock } from '../../ports/clock.js';
import type { Store } from '../../ports/store.js';
import { notFound, validationFailed } from './api-errors.js';

/** Most monitors one batch read may ask for: a list page of the dashboard. */
export const UPTIME_BATCH_MAX = 1000;

export interface UptimeServiceDeps {
  readonly store: Store;
  readonly clock: Clock;
}

export type MonitorUptime = UptimeSummary & { readonly monitorId: MonitorId };

/** Uptime reads for the dashboard's list and strips, from roll-ups, ending now. */
export interface UptimeService {
  /** One entry per UTC day, oldest first, ending today; not_found for an unknown monitor. */
  daily(monitorId: string, days: number): Promise<DailyUptime[]>;
  /**
   * The uptime of each known monitor among `ids` (at most 1,000), in the order asked; unknown
   * ids, and strings that cannot be ids, are left out.
   */
  many(ids: readonly string[], window: UptimeWindow): Promise<MonitorUptime[]>;
}

export function createUptimeService(deps: UptimeServiceDeps): UptimeService {
  const { store, clock } = deps;
  return {
    async daily(id, days) {
      if (!Number.isInteger(days) || days < 1 || days > DAILY_UPTIME_MAX_DAYS) {
        throw validationFailed([
          { path: '/days', message: `must be an integer from 1 to ${DAILY_UPTIME_MAX_DAYS}` },
        ]);
      }
      if (!isId(id) || (await store.getMonitor(id as MonitorId)) === undefined) {
        throw notFound('monitor');
      }
      return store.dailyUptime(id as MonitorId, days, clock.now());
    },

    async many(ids, window) {
      const asked = [...new Set(ids)];
      if (asked.length > UPTIME_BATCH_MAX) {
        throw validationFailed([
          { path: '/ids', message: `must list at most ${UPTIME_BATCH_MAX} ids` },
        ]);
      }
      const valid = asked.filter(isId) as MonitorId[];
      if (valid.length === 0) return [];
      const found = await store.uptimeMany(valid, window, clock.now());
      const items: MonitorUptime[] = [];
      for (const id of valid) {
        const summary = found.get(id);
        if (summary !== undefined) items.push({ monitorId: id, ...summary });
      }
      return items;
    },
  };
}
