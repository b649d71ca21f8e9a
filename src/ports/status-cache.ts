import type { CheckResult } from '../domain/check.js';
import type { MonitorId } from '../domain/ids.js';
import type { MonitorStatus } from '../domain/status.js';

/** The current status of one monitor, as the API serves it. */
export interface StatusEntry {
  readonly monitorId: MonitorId;
  readonly status: MonitorStatus;
  /** ISO 8601: when the status last changed. */
  readonly since: string;
  readonly lastCheck: CheckResult | null;
}

/**
 * The current status of every monitor, for fast reads (Redis in the distributed mode, a map in
 * the embedded one). The store stays the source of truth: the cache may lose entries (a miss
 * means "ask the store"), but it never serves an entry older than one it has accepted for the
 * same monitor: `setMany` keeps, per monitor, the entry whose `lastCheck.checkedAt` (or `since`
 * when there is no check) is newest, so redelivered or reordered writes cannot roll it back.
 * An entry set after a pause or resume replaces the previous one whatever its age.
 */
export interface StatusCache {
  get(monitorId: MonitorId): Promise<StatusEntry | undefined>;
  /** One round trip for up to 1,000 ids; missing ids are absent from the map. */
  getMany(monitorIds: readonly MonitorId[]): Promise<Map<MonitorId, StatusEntry>>;
  setMany(entries: readonly StatusEntry[], options?: { readonly force?: boolean }): Promise<void>;
  delete(monitorId: MonitorId): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
