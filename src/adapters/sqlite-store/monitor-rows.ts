import type { CheckId, IncidentId, MonitorId } from '../../domain/ids.js';
import { MONITOR_DEFAULTS, type Monitor, type MonitorSettings } from '../../domain/monitor.js';
import type { MonitorStatus } from '../../domain/status.js';
import type { MonitorState, StatusTransition } from '../../domain/status-machine.js';
import { toIso, toIsoOrNull, toMs, toMsOrNull } from './instant.js';

export interface MonitorRow {
  readonly id: string;
  readonly created_at: number;
  readonly updated_at: number;
  readonly settings: string;
}

export interface StateRow {
  readonly monitor_id: string;
  readonly status: string;
  readonly since: number;
  readonly consecutive_failures: number;
  readonly last_check_id: string | null;
  readonly last_checked_at: number | null;
  readonly open_incident_id: string | null;
  readonly last_transition: string | null;
}

export const MONITOR_COLUMNS = 'm.id, m.created_at, m.updated_at, m.settings';
/** The columns of a StateRow, from monitor_state aliased `s` joined to monitors aliased `m`. */
export const STATE_COLUMNS =
  'm.id AS monitor_id, s.status, s.since, s.consecutive_failures, s.last_check_id, s.last_checked_at, s.open_incident_id, s.last_transition';

/** The settings document, built field by field so that nothing but settings is stored. */
export function settingsJson(m: MonitorSettings): string {
  const settings: MonitorSettings = {
    name: m.name,
    type: m.type,
    url: m.url,
    method: m.method,
    headers: m.headers,
    body: m.body,
    intervalSeconds: m.intervalSeconds,
    timeoutSeconds: m.timeoutSeconds,
    expectedStatus: m.expectedStatus,
    keyword: m.keyword,
    invertKeyword: m.invertKeyword,
    maxLatencyMs: m.maxLatencyMs,
    retries: m.retries,
    retryIntervalSeconds: m.retryIntervalSeconds,
    followRedirects: m.followRedirects,
    verifyTls: m.verifyTls,
    paused: m.paused,
    notificationChannelIds: m.notificationChannelIds,
    tags: m.tags,
  };
  return JSON.stringify(settings);
}

/**
 * Settings added by later versions take their defaults in rows written before them. Built as one
 * literal: spreading the defaults under the parsed document is several times slower in V8, and
 * this runs for every monitor of every recorded batch.
 */
export function monitorFromRow(row: MonitorRow): Monitor {
  const s = JSON.parse(row.settings) as Partial<MonitorSettings>;
  const d = MONITOR_DEFAULTS;
  return {
    id: row.id as MonitorId,
    name: s.name ?? '',
    type: s.type ?? d.type,
    url: s.url ?? '',
    method: s.method ?? d.method,
    headers: s.headers ?? d.headers,
    body: s.body ?? d.body,
    intervalSeconds: s.intervalSeconds ?? d.intervalSeconds,
    timeoutSeconds: s.timeoutSeconds ?? d.timeoutSeconds,
    expectedStatus: s.expectedStatus ?? d.expectedStatus,
    keyword: s.keyword ?? d.keyword,
    invertKeyword: s.invertKeyword ?? d.invertKeyword,
    maxLatencyMs: s.maxLatencyMs ?? d.maxLatencyMs,
    retries: s.retries ?? d.retries,
    retryIntervalSeconds: s.retryIntervalSeconds ?? d.retryIntervalSeconds,
    followRedirects: s.followRedirects ?? d.followRedirects,
    verifyTls: s.verifyTls ?? d.verifyTls,
    paused: s.paused ?? d.paused,
    notificationChannelIds: s.notificationChannelIds ?? d.notificationChannelIds,
    tags: s.tags ?? d.tags,
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at),
  };
}

export function monitorParams(m: Monitor): [string, number, number, string] {
  return [m.id, toMs(m.createdAt), toMs(m.updatedAt), settingsJson(m)];
}

export function stateFromRow(row: StateRow): MonitorState {
  return {
    monitorId: row.monitor_id as MonitorId,
    status: row.status as MonitorStatus,
    since: toIso(row.since),
    consecutiveFailures: row.consecutive_failures,
    lastCheckId: row.last_check_id as CheckId | null,
    lastCheckedAt: toIsoOrNull(row.last_checked_at),
    openIncidentId: row.open_incident_id as IncidentId | null,
    lastTransition:
      row.last_transition === null ? null : (JSON.parse(row.last_transition) as StatusTransition),
  };
}

/** Parameters of `INSERT`/`UPDATE` in STATE_COLUMNS order, without the monitor id. */
export function stateParams(
  s: MonitorState,
): [string, number, number, string | null, number | null, string | null, string | null] {
  return [
    s.status,
    toMs(s.since),
    s.consecutiveFailures,
    s.lastCheckId,
    toMsOrNull(s.lastCheckedAt),
    s.openIncidentId,
    s.lastTransition === null ? null : JSON.stringify(s.lastTransition),
  ];
}
