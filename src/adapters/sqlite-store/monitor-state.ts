import type { MonitorId } from '../../domain/ids.js';
import { initialState, type MonitorState } from '../../domain/status-machine.js';
import type { MonitorStatus } from '../../domain/status.js';
import type { StatusEntry } from '../../ports/status-cache.js';
import type { EvaluationTarget } from '../../ports/store.js';
import { lazyStatement, type SqliteDatabase } from './database.js';
import { toIso } from './instant.js';
import {
  MONITOR_COLUMNS,
  STATE_COLUMNS,
  monitorFromRow,
  stateFromRow,
  stateParams,
  type MonitorRow,
  type StateRow,
} from './monitor-rows.js';
import { resultColumns, resultFromRow, type ResultRow } from './result-rows.js';

export interface StateRepository {
  /** Monitor and state of each id that exists; the rest are absent. */
  loadTargets(ids: readonly MonitorId[]): Map<MonitorId, EvaluationTarget>;
  writeStates(states: readonly MonitorState[]): void;
  statuses(ids: readonly MonitorId[]): Map<MonitorId, StatusEntry>;
}

type TargetRow = MonitorRow & { [K in keyof StateRow]: StateRow[K] | null };

type StatusRow = { readonly [K in keyof ResultRow]: ResultRow[K] | null } & {
  readonly state_monitor_id: string;
  readonly state_status: string;
  readonly state_since: number;
};

/**
 * The per-monitor state the recorder keeps, read and written in bulk. Id sets travel as one JSON
 * array bound to `json_each`, so any number of ids is one statement and SQLite's variable limit
 * never applies.
 */
export function createStateRepository(db: SqliteDatabase): StateRepository {
  const selectTargets = lazyStatement<[string], TargetRow>(
    db,
    `SELECT ${MONITOR_COLUMNS}, ${STATE_COLUMNS}
     FROM monitors m LEFT JOIN monitor_state s ON s.monitor_id = m.id
     WHERE m.id IN (SELECT value FROM json_each(?))`,
  );
  const updateState = lazyStatement(
    db,
    `UPDATE monitor_state SET status = ?, since = ?, consecutive_failures = ?, last_check_id = ?,
       last_checked_at = ?, open_incident_id = ?, last_transition = ? WHERE monitor_id = ?`,
  );
  // The latest result by check time, whatever order results were recorded in.
  const selectStatuses = lazyStatement<[string], StatusRow>(
    db,
    `SELECT s.monitor_id AS state_monitor_id, s.status AS state_status, s.since AS state_since,
       ${resultColumns('r')}
     FROM monitor_state s
     LEFT JOIN results r ON r.id = (
       SELECT l.id FROM results l WHERE l.monitor_id = s.monitor_id
       ORDER BY l.checked_at DESC, l.id DESC LIMIT 1)
     WHERE s.monitor_id IN (SELECT value FROM json_each(?))`,
  );

  return {
    loadTargets: (ids) => {
      const targets = new Map<MonitorId, EvaluationTarget>();
      if (ids.length === 0) return targets;
      for (const row of selectTargets().all(JSON.stringify(ids))) {
        const monitor = monitorFromRow(row);
        const state =
          row.monitor_id === null
            ? initialState(monitor.id, monitor.createdAt, monitor.paused)
            : stateFromRow(row as MonitorRow & StateRow);
        targets.set(monitor.id, { monitor, state });
      }
      return targets;
    },
    writeStates: (states) => {
      const statement = updateState();
      for (const state of states) statement.run(...stateParams(state), state.monitorId);
    },
    statuses: (ids) => {
      const entries = new Map<MonitorId, StatusEntry>();
      if (ids.length === 0) return entries;
      for (const row of selectStatuses().all(JSON.stringify(ids))) {
        const monitorId = row.state_monitor_id as MonitorId;
        entries.set(monitorId, {
          monitorId,
          status: row.state_status as MonitorStatus,
          since: toIso(row.state_since),
          lastCheck: row.id === null ? null : resultFromRow(row as ResultRow),
        });
      }
      return entries;
    },
  };
}
