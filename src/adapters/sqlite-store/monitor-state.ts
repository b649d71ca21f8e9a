import type { MonitorId } from '../../domain/ids.js';
import type { Monitor } from '../../domain/monitor.js';
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
import { RESULT_COLUMNS, resultFromRow, type ResultRow } from './result-rows.js';

export interface LoadedTargets {
  readonly targets: Map<MonitorId, EvaluationTarget>;
  /** Each loaded monitor's integer key in results and roll-ups. */
  readonly seqs: Map<MonitorId, number>;
}

export interface StateRepository {
  /** Monitor and state of each id that exists; the rest are absent. */
  loadTargets(ids: readonly MonitorId[]): LoadedTargets;
  /** `seqs` as returned by `loadTargets`; a state of a monitor not in it is ignored. */
  writeStates(states: readonly MonitorState[], seqs: ReadonlyMap<MonitorId, number>): void;
  statuses(ids: readonly MonitorId[]): Map<MonitorId, StatusEntry>;
}

interface Versioned {
  readonly seq: number;
  readonly revision: number;
}

type TargetRow = Versioned & {
  readonly [K in keyof StateRow]: StateRow[K] | null;
};

type StatusRow = { readonly [K in keyof ResultRow]: ResultRow[K] | null } & {
  readonly state_monitor_id: string;
  readonly state_status: string;
  readonly state_since: number;
};

/** Parsed monitors kept between batches; past this many, the cache starts over. */
const MONITOR_CACHE_MAX = 100_000;

/**
 * The per-monitor state the recorder keeps, read and written in bulk. Id sets travel as one JSON
 * array bound to `json_each`, so any number of ids is one statement and SQLite's variable limit
 * never applies. Monitors are parsed once per revision: a batch reads their settings document
 * only when it changed since the last batch that saw them.
 */
export function createStateRepository(db: SqliteDatabase): StateRepository {
  const selectTargets = lazyStatement<[string], TargetRow>(
    db,
    `SELECT m.seq, m.revision, ${STATE_COLUMNS}
     FROM monitors m LEFT JOIN monitor_state s ON s.monitor_seq = m.seq
     WHERE m.id IN (SELECT value FROM json_each(?))`,
  );
  const selectMonitors = lazyStatement<[string], Versioned & MonitorRow>(
    db,
    `SELECT m.seq, m.revision, ${MONITOR_COLUMNS} FROM monitors m
     WHERE m.seq IN (SELECT value FROM json_each(?))`,
  );
  const updateState = lazyStatement(
    db,
    `UPDATE monitor_state SET status = ?, since = ?, consecutive_failures = ?, last_check_id = ?,
       last_checked_at = ?, open_incident_id = ?, last_transition = ? WHERE monitor_seq = ?`,
  );
  // The latest result by check time, whatever order results were recorded in.
  const selectStatuses = lazyStatement<[string], StatusRow>(
    db,
    `SELECT m.id AS state_monitor_id, s.status AS state_status, s.since AS state_since,
       ${RESULT_COLUMNS}
     FROM monitors m
     JOIN monitor_state s ON s.monitor_seq = m.seq
     LEFT JOIN results r ON r.id = (
       SELECT l.id FROM results l WHERE l.monitor_seq = m.seq
       ORDER BY l.checked_at DESC, l.id DESC LIMIT 1)
     WHERE m.id IN (SELECT value FROM json_each(?))`,
  );

  // Keyed by seq, which is never reused, so a stale entry can never match a new monitor.
  const parsed = new Map<number, { readonly revision: number; readonly monitor: Monitor }>();

  const monitorsOf = (rows: readonly TargetRow[]): Map<number, Monitor> => {
    const found = new Map<number, Monitor>();
    const missing: number[] = [];
    for (const row of rows) {
      const cached = parsed.get(row.seq);
      if (cached?.revision === row.revision) found.set(row.seq, cached.monitor);
      else missing.push(row.seq);
    }
    if (missing.length > 0) {
      if (parsed.size + missing.length > MONITOR_CACHE_MAX) parsed.clear();
      for (const row of selectMonitors().all(JSON.stringify(missing))) {
        const monitor = monitorFromRow(row);
        parsed.set(row.seq, { revision: row.revision, monitor });
        found.set(row.seq, monitor);
      }
    }
    return found;
  };

  return {
    loadTargets: (ids) => {
      const targets = new Map<MonitorId, EvaluationTarget>();
      const seqs = new Map<MonitorId, number>();
      if (ids.length === 0) return { targets, seqs };
      const rows = selectTargets().all(JSON.stringify(ids));
      const monitors = monitorsOf(rows);
      for (const row of rows) {
        const monitor = monitors.get(row.seq);
        if (monitor === undefined) continue;
        const state =
          row.status === null
            ? initialState(monitor.id, monitor.createdAt, monitor.paused)
            : stateFromRow(row as TargetRow & StateRow);
        targets.set(monitor.id, { monitor, state });
        seqs.set(monitor.id, row.seq);
      }
      return { targets, seqs };
    },
    writeStates: (states, seqs) => {
      const statement = updateState();
      for (const state of states) {
        const seq = seqs.get(state.monitorId);
        if (seq !== undefined) statement.run(...stateParams(state), seq);
      }
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
