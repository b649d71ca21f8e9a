import type { Channel } from '../domain/channel.js';
import type { MonitorChanged } from '../domain/events.js';
import type { CheckResult } from '../domain/check.js';
import type { DailyUptime } from '../domain/daily-uptime.js';
import type { ChannelId, DeliveryId, MonitorId, StatusPageId } from '../domain/ids.js';
import type { Incident, IncidentState } from '../domain/incident.js';
import type { Monitor } from '../domain/monitor.js';
import type { Delivery } from '../domain/notification.js';
import type { MonitorStatus } from '../domain/status.js';
import type { StatusPage } from '../domain/status-page.js';
import type { MonitorState, StatusTransition } from '../domain/status-machine.js';
import type { UptimeSummary, UptimeWindow } from '../domain/uptime.js';
import type { StatusEntry } from './status-cache.js';

export interface Page<T> {
  readonly items: T[];
  /** Opaque; null on the last page. */
  readonly nextCursor: string | null;
}

export interface PageQuery {
  /** 1–1000. */
  readonly limit: number;
  /** A `nextCursor` from the previous page; an unknown or malformed cursor is StoreError CURSOR_INVALID. */
  readonly cursor?: string | undefined;
}

export interface MonitorQuery extends PageQuery {
  readonly status?: MonitorStatus | undefined;
  readonly tag?: string | undefined;
}

export interface ResultQuery {
  /** ISO 8601, inclusive. */
  readonly since?: string | undefined;
  /** ISO 8601, exclusive. */
  readonly until?: string | undefined;
  readonly limit: number;
}

export interface IncidentQuery extends PageQuery {
  readonly monitorId?: MonitorId | undefined;
  readonly state?: IncidentState | undefined;
}

/** What the recorder decides for a batch, computed inside the store's transaction. */
export interface BatchEffects {
  readonly states: readonly MonitorState[];
  readonly openedIncidents: readonly Incident[];
  /** Incident id → resolvedAt. */
  readonly resolvedIncidents: ReadonlyMap<string, string>;
  /** New transitions, and earlier ones re-announced for redelivered results. */
  readonly transitions: readonly StatusTransition[];
}

/** The monitor facts the status machine needs, loaded with the state. */
export interface EvaluationTarget {
  readonly monitor: Monitor;
  readonly state: MonitorState;
}

/**
 * Pure and synchronous: given the results that were new in this batch (in arrival order), the
 * results that were already recorded (redeliveries), and the targets of their monitors, decide the
 * effects. Results of monitors that no longer exist are dropped before this is called.
 */
export type BatchEvaluator = (
  fresh: readonly CheckResult[],
  duplicates: readonly CheckResult[],
  targets: ReadonlyMap<MonitorId, EvaluationTarget>,
) => BatchEffects;

export interface RecordOutcome {
  readonly inserted: number;
  readonly duplicates: number;
  /** Results dropped because their monitor no longer exists. */
  readonly orphans: number;
  readonly effects: BatchEffects;
}

export interface NewDelivery {
  readonly id: DeliveryId;
  readonly channelId: ChannelId;
  readonly eventKey: string;
  readonly event: Delivery['event'];
  readonly monitorId: MonitorId | null;
  readonly payload: string;
  readonly createdAt: string;
  readonly nextAttemptAt: number;
}

/** A monitor change waiting in the outbox to be published on `monitors`. */
export interface OutboxEntry {
  /** Increasing in commit order. */
  readonly seq: number;
  readonly change: MonitorChanged;
}

export type AttemptOutcome =
  | { readonly kind: 'delivered'; readonly at: string }
  | {
      readonly kind: 'retry';
      readonly at: string;
      readonly error: string;
      readonly nextAttemptAt: number;
    }
  | { readonly kind: 'failed'; readonly at: string; readonly error: string };

/**
 * Where everything durable lives (SQLite in the embedded mode, PostgreSQL in the distributed one).
 *
 * Contract, the same for every adapter:
 * - Every method is atomic; `recordBatch` runs insert, roll-ups, evaluation and state writes in
 *   one transaction, so a crash leaves either all of a batch or none of it.
 * - Results are idempotent on `id`: recording a result twice stores it once and counts it once in
 *   the roll-ups; the second time it is passed to the evaluator as a duplicate.
 * - Deleting a monitor deletes its state, results, roll-ups and incidents, and removes it from
 *   every status page; results that arrive for it later are dropped as orphans.
 * - Lists are newest first where the contract says so, else in creation order; cursors are stable
 *   under concurrent inserts.
 * - Driver errors are wrapped in StoreError with the cause; nothing driver-specific escapes.
 */
export interface Store {
  /** Runs pending numbered migrations; safe to call from several processes at once. */
  migrate(): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;

  // Monitors (written by the api role only).
  /** Inserts the monitor and its initial state (`pending`, or `paused`). */
  createMonitor(monitor: Monitor): Promise<void>;
  getMonitor(id: MonitorId): Promise<Monitor | undefined>;
  /** The known monitors among at most 1,000 ids, in one read; unknown ids are absent. */
  getMonitors(ids: readonly MonitorId[]): Promise<Monitor[]>;
  /** In creation order. */
  listMonitors(query: MonitorQuery): Promise<Page<Monitor>>;
  /** Every monitor, for schedulers' start-up and reconcile. */
  allMonitors(): Promise<Monitor[]>;
  /**
   * Replaces the monitor's settings. With `status`, also sets the state to that status since
   * `updatedAt`, resetting its failure count (pause and resume). Returns false when unknown.
   */
  updateMonitor(
    monitor: Monitor,
    options?: { readonly status?: 'paused' | 'pending' },
  ): Promise<boolean>;
  /** Returns false when unknown. */
  deleteMonitor(id: MonitorId): Promise<boolean>;
  /**
   * The transactional outbox of `monitor.changed`: `createMonitor`, `updateMonitor` and
   * `deleteMonitor` each append their MonitorChanged (reason `created`; `paused` or `resumed`
   * with a status option, else `updated`; a `deleted` tombstone) in the same transaction as the
   * write, so a change that committed is published even if the process dies right after. Oldest
   * first.
   */
  pendingMonitorChanges(limit: number): Promise<OutboxEntry[]>;
  /** Removes published entries; unknown sequence numbers are ignored. */
  acknowledgeMonitorChanges(seqs: readonly number[]): Promise<void>;
  /** Status entries from the store, for cache misses. Unknown ids are absent. */
  statuses(ids: readonly MonitorId[]): Promise<Map<MonitorId, StatusEntry>>;

  // Results, roll-ups, state, incidents (written by the recorder).
  recordBatch(results: readonly CheckResult[], evaluate: BatchEvaluator): Promise<RecordOutcome>;
  /** Newest first. */
  listResults(monitorId: MonitorId, query: ResultQuery): Promise<CheckResult[]>;
  /** Reads roll-ups, never a scan of raw results. `nowMs` ends the window. */
  uptime(monitorId: MonitorId, window: UptimeWindow, nowMs: number): Promise<UptimeSummary>;
  /**
   * `uptime` of up to 1,000 monitors in one read, each summary equal to what `uptime` answers.
   * Unknown ids are absent from the map.
   */
  uptimeMany(
    monitorIds: readonly MonitorId[],
    window: UptimeWindow,
    nowMs: number,
  ): Promise<Map<MonitorId, UptimeSummary>>;
  /**
   * Per UTC day, from the day roll-ups (today's row too, so far as it goes): exactly `days`
   * entries (1–400), oldest first, ending with the day of `nowMs`; a day without checks has
   * `checks` 0 and `uptime` null. An unknown monitor has only such days.
   */
  dailyUptime(monitorId: MonitorId, days: number, nowMs: number): Promise<DailyUptime[]>;
  /** `dailyUptime` of up to 1,000 monitors in one query; unknown ids are absent from the map. */
  dailyUptimeMany(
    monitorIds: readonly MonitorId[],
    days: number,
    nowMs: number,
  ): Promise<Map<MonitorId, DailyUptime[]>>;
  /** Newest first. */
  listIncidents(query: IncidentQuery): Promise<Page<Incident>>;
  /**
   * Deletes raw results older than `rawBeforeMs` and roll-ups past their own horizons
   * (minutes after 2 days, hours after 35 days, days after 400 days). Returns rows deleted.
   */
  applyRetention(rawBeforeMs: number, nowMs: number): Promise<number>;

  // Notification channels (written by the api role only).
  createChannel(channel: Channel): Promise<void>;
  getChannel(id: ChannelId): Promise<Channel | undefined>;
  getChannels(ids: readonly ChannelId[]): Promise<Channel[]>;
  /** In creation order. */
  listChannels(query: PageQuery): Promise<Page<Channel>>;
  updateChannel(channel: Channel): Promise<boolean>;
  /**
   * Also removes it from every monitor's `notificationChannelIds` (their `updatedAt` stays), and
   * deletes its deliveries.
   */
  deleteChannel(id: ChannelId): Promise<boolean>;

  // Deliveries (written by the alerter; the test route enqueues too).
  /**
   * Ignores a delivery whose (channelId, eventKey) exists already, and one to a channel deleted
   * meanwhile. Returns how many were new.
   */
  enqueueDeliveries(deliveries: readonly NewDelivery[]): Promise<number>;
  /**
   * Pending deliveries due at `nowMs`, oldest first, leased for `leaseMs` so that another
   * alerter does not take them meanwhile. The lease is released by `completeAttempt`.
   */
  claimDueDeliveries(nowMs: number, limit: number, leaseMs: number): Promise<Delivery[]>;
  completeAttempt(id: DeliveryId, outcome: AttemptOutcome): Promise<void>;
  /** Epoch ms of the earliest pending attempt (not before its lease ends), or null. */
  nextDeliveryDueAt(): Promise<number | null>;
  /** Newest first. */
  listDeliveries(channelId: ChannelId, query: PageQuery): Promise<Page<Delivery>>;

  // Status pages (written by the api role only).
  /**
   * StoreError STORE_CONFLICT when another page has the slug. Monitor ids that name no monitor
   * (one deleted since the caller checked) are left out of the stored page.
   */
  createStatusPage(page: StatusPage): Promise<void>;
  getStatusPage(id: StatusPageId): Promise<StatusPage | undefined>;
  getStatusPageBySlug(slug: string): Promise<StatusPage | undefined>;
  /** In creation order. */
  listStatusPages(query: PageQuery): Promise<Page<StatusPage>>;
  /**
   * Replaces slug, title, description, monitors and `updatedAt` (as `createStatusPage` treats
   * them). Returns false when unknown; StoreError STORE_CONFLICT when another page has the slug.
   */
  updateStatusPage(page: StatusPage): Promise<boolean>;
  /** Returns false when unknown. */
  deleteStatusPage(id: StatusPageId): Promise<boolean>;
  /** True when the monitor is on at least one status page: what may be shown without a token. */
  isMonitorPublic(monitorId: MonitorId): Promise<boolean>;
}

/** STORE_CONFLICT: a unique value (a status page's slug) is taken by another record. */
export type StoreErrorCode =
  'STORE_CURSOR_INVALID' | 'STORE_CONFLICT' | 'STORE_UNAVAILABLE' | 'STORE_FAILED';

export class StoreError extends Error {
  readonly code: StoreErrorCode;
  constructor(code: StoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreError';
    this.code = code;
  }
}
