import type { CheckId, IncidentId, MonitorId } from '../../domain/ids.js';
import type { Monitor, MonitorSettings } from '../../domain/monitor.js';
import { monitorFromDocument } from '../monitor-document.js';
import type { MonitorStatus } from '../../domain/status.js';
import type { MonitorState, StatusTransition } from '../../domain/status-machine.js';
import { arrayLiteral } from './sql-arrays.js';

/** A row of `monitors`; timestamps arrive as ISO strings, `settings` parsed (json). */
export interface MonitorRow {
  readonly id: string;
  readonly created_at: string;
  readonly updated_at: string;
  readonly settings: Partial<MonitorSettings>;
}

export interface StateRow {
  readonly status: string;
  readonly since: string;
  readonly consecutive_failures: number;
  readonly last_check_id: string | null;
  readonly last_checked_at: string | null;
  readonly open_incident_id: string | null;
  readonly last_transition: StatusTransition | null;
}

export const MONITOR_COLUMNS = 'm.id, m.created_at, m.updated_at, m.settings';
export const STATE_COLUMNS =
  's.status, s.since, s.consecutive_failures, s.last_check_id, s.last_checked_at, s.open_incident_id, s.last_transition';

export function monitorFromRow(row: MonitorRow): Monitor {
  return monitorFromDocument(row.id, row.settings, row.created_at, row.updated_at);
}

export function stateFromRow(monitorId: MonitorId, row: StateRow): MonitorState {
  return {
    monitorId,
    status: row.status as MonitorStatus,
    since: row.since,
    consecutiveFailures: row.consecutive_failures,
    lastCheckId: row.last_check_id as CheckId | null,
    lastCheckedAt: row.last_checked_at,
    openIncidentId: row.open_incident_id as IncidentId | null,
    lastTransition: row.last_transition,
  };
}

/** Column arrays for `unnest`, one entry per state, in `STATE_UPSERT` order. */
export interface StateArrays {
  readonly seqs: number[];
  readonly statuses: string[];
  readonly since: string[];
  readonly failures: number[];
  readonly lastCheckIds: (string | null)[];
  readonly lastCheckedAt: (string | null)[];
  readonly openIncidentIds: (string | null)[];
  readonly lastTransitions: (string | null)[];
}

export function stateArrays(
  states: readonly { readonly seq: number; readonly state: MonitorState }[],
): StateArrays {
  const a: StateArrays = {
    seqs: [],
    statuses: [],
    since: [],
    failures: [],
    lastCheckIds: [],
    lastCheckedAt: [],
    openIncidentIds: [],
    lastTransitions: [],
  };
  for (const { seq, state: s } of states) {
    a.seqs.push(seq);
    a.statuses.push(s.status);
    a.since.push(s.since);
    a.failures.push(s.consecutiveFailures);
    a.lastCheckIds.push(s.lastCheckId);
    a.lastCheckedAt.push(s.lastCheckedAt);
    a.openIncidentIds.push(s.openIncidentId);
    a.lastTransitions.push(s.lastTransition === null ? null : JSON.stringify(s.lastTransition));
  }
  return a;
}

const STATE_INPUT = `unnest($1::integer[], $2::text[], $3::timestamptz[], $4::integer[],
  $5::uuid[], $6::timestamptz[], $7::uuid[], $8::json[])
  AS u (monitor_seq, status, since, consecutive_failures, last_check_id, last_checked_at,
    open_incident_id, last_transition)`;

/**
 * Replaces the state of each monitor seq given, from `StateArrays` in order, where the row
 * exists (every monitor gets one when it is created); answers how many it updated. A plain
 * UPDATE costs about half of an `ON CONFLICT DO UPDATE`, and this runs for every monitor of every
 * batch.
 */
export const STATE_UPDATE = {
  name: 'uptime_state_update',
  text: `WITH updated AS (
           UPDATE monitor_state s SET
             status = u.status, since = u.since, consecutive_failures = u.consecutive_failures,
             last_check_id = u.last_check_id, last_checked_at = u.last_checked_at,
             open_incident_id = u.open_incident_id, last_transition = u.last_transition
           FROM ${STATE_INPUT} WHERE s.monitor_seq = u.monitor_seq
           RETURNING 1)
         SELECT count(*)::integer AS n FROM updated`,
};

/** Inserts or replaces states: when some monitor's state row is missing. */
export const STATE_UPSERT = {
  name: 'uptime_state_upsert',
  text: `INSERT INTO monitor_state AS s (monitor_seq, status, since, consecutive_failures,
           last_check_id, last_checked_at, open_incident_id, last_transition)
         SELECT * FROM ${STATE_INPUT}
         ON CONFLICT (monitor_seq) DO UPDATE SET
           status = excluded.status, since = excluded.since,
           consecutive_failures = excluded.consecutive_failures,
           last_check_id = excluded.last_check_id, last_checked_at = excluded.last_checked_at,
           open_incident_id = excluded.open_incident_id, last_transition = excluded.last_transition`,
};

export function stateValues(a: StateArrays): string[] {
  return [
    a.seqs,
    a.statuses,
    a.since,
    a.failures,
    a.lastCheckIds,
    a.lastCheckedAt,
    a.openIncidentIds,
    a.lastTransitions,
  ].map(arrayLiteral);
}
