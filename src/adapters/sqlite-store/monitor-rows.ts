import type { CheckId, IncidentId, MonitorId } from '../../domain/ids.js';
import type { Monitor, MonitorSettings } from '../../domain/monitor.js';
import { monitorFromDocument, settingsDocument } from '../monitor-document.js';
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

export function monitorFromRow(row: MonitorRow): Monitor {
  return monitorFromDocument(
    row.id,
    JSON.parse(row.settings) as Partial<MonitorSettings>,
    toIso(row.created_at),
    toIso(row.updated_at),
  );
}

export function monitorParams(m: Monitor): [string, number, number, string] {
  return [m.id, toMs(m.createdAt), toMs(m.updatedAt), settingsDocument(m)];
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
