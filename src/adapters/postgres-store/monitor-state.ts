import type { Pool, PoolClient } from 'pg';
import type { MonitorId } from '../../domain/ids.js';
import type { Monitor } from '../../domain/monitor.js';
import { initialState, type MonitorState } from '../../domain/status-machine.js';
import type { MonitorStatus } from '../../domain/status.js';
import type { StatusEntry } from '../../ports/status-cache.js';
import type { EvaluationTarget } from '../../ports/store.js';
import { rowsOf } from './connection.js';
import { knownShape } from './known-ids.js';
import { arrayLiteral } from './sql-arrays.js';
import {
  STATE_COLUMNS,
  STATE_UPDATE,
  STATE_UPSERT,
  monitorFromRow,
  stateArrays,
  stateFromRow,
  stateValues,
  type MonitorRow,
  type StateRow,
} from './monitor-rows.js';
import { RESULT_SELECT, resultFromRow, type ResultRow } from './result-rows.js';

export interface LoadedTargets {
  readonly targets: Map<MonitorId, EvaluationTarget>;
  /** Each loaded monitor's integer key in results, roll-ups and state. */
  readonly seqs: Map<MonitorId, number>;
}

export interface StateRepository {
  /** Monitor and state of each id that exists; the rest are absent. On the batch's client. */
  loadTargets(client: PoolClient, ids: readonly MonitorId[]): Promise<LoadedTargets>;
  /** `seqs` as from `loadTargets`; a state of a monitor not in it is ignored. */
  writeStates(
    client: PoolClient,
    states: readonly MonitorState[],
    seqs: ReadonlyMap<MonitorId, number>,
  ): Promise<void>;
  statuses(ids: readonly MonitorId[]): Promise<Map<MonitorId, StatusEntry>>;
}

/** The monitor's columns are null where the caller's cached copy is current. */
type TargetRow = { readonly [K in keyof MonitorRow]: MonitorRow[K] | null } & {
  readonly id: string;
  readonly seq: number;
  readonly revision: number;
} & { readonly [K in keyof StateRow]: StateRow[K] | null };

/**
 * One query for a batch's monitors and states. The caller sends the (seq, revision) of the copy
 * it has parsed already; the settings document comes back only where that copy is stale, so a
 * steady batch moves and parses no settings at all.
 */
const SELECT_TARGETS = {
  name: 'uptime_state_targets',
  text: `SELECT m.seq, m.id, m.revision,
           CASE WHEN x.stale THEN m.created_at END AS created_at,
           CASE WHEN x.stale THEN m.updated_at END AS updated_at,
           CASE WHEN x.stale THEN m.settings END AS settings,
           ${STATE_COLUMNS}
         FROM unnest($1::uuid[], $2::integer[], $3::integer[]) AS q (id, seq, revision)
         JOIN monitors m ON m.id = q.id
         CROSS JOIN LATERAL (SELECT q.seq IS DISTINCT FROM m.seq
           OR q.revision IS DISTINCT FROM m.revision AS stale) x
         LEFT JOIN monitor_state s ON s.monitor_seq = m.seq`,
};

type StatusRow = { readonly [K in keyof ResultRow]: ResultRow[K] | null } & {
  readonly state_monitor_id: string;
  readonly state_status: string;
  readonly state_since: string;
};

/** The latest result by check time, whatever order results were recorded in. */
const SELECT_STATUSES = {
  name: 'uptime_state_statuses',
  text: `SELECT m.id AS state_monitor_id, s.status AS state_status, s.since AS state_since, l.*
         FROM monitors m
         JOIN monitor_state s ON s.monitor_seq = m.seq
         LEFT JOIN LATERAL (
           SELECT ${RESULT_SELECT} FROM results r WHERE r.monitor_seq = m.seq
           ORDER BY r.checked_at DESC, r.id DESC LIMIT 1) l ON true
         WHERE m.id = ANY ($1::uuid[])`,
};

/** Parsed monitors kept between batches; past this many, the cache starts over. */
const MONITOR_CACHE_MAX = 100_000;

interface Cached {
  readonly seq: number;
  readonly revision: number;
  readonly monitor: Monitor;
}

export function createStateRepository(pool: Pool): StateRepository {
  const parsed = new Map<MonitorId, Cached>();

  return {
    loadTargets: async (client, ids) => {
      const targets = new Map<MonitorId, EvaluationTarget>();
      const seqs = new Map<MonitorId, number>();
      const asked = knownShape(ids);
      if (asked.length === 0) return { targets, seqs };
      const cached = asked.map((id) => parsed.get(id as MonitorId));
      const rows = await rowsOf<TargetRow>(client, SELECT_TARGETS, [
        arrayLiteral(asked),
        arrayLiteral(cached.map((c) => c?.seq ?? null)),
        arrayLiteral(cached.map((c) => c?.revision ?? null)),
      ]);
      if (parsed.size + rows.length > MONITOR_CACHE_MAX) parsed.clear();
      for (const row of rows) {
        const id = row.id as MonitorId;
        let monitor = parsed.get(id)?.monitor;
        if (row.settings !== null && row.created_at !== null && row.updated_at !== null) {
          monitor = monitorFromRow({
            id: row.id,
            created_at: row.created_at,
            updated_at: row.updated_at,
            settings: row.settings,
          });
          parsed.set(id, { seq: row.seq, revision: row.revision, monitor });
        }
        if (monitor === undefined) continue;
        const state =
          row.status === null
            ? initialState(id, monitor.createdAt, monitor.paused)
            : stateFromRow(id, row as TargetRow & StateRow);
        targets.set(id, { monitor, state });
        seqs.set(id, row.seq);
      }
      return { targets, seqs };
    },

    writeStates: async (client, states, seqs) => {
      const keyed: { seq: number; state: MonitorState }[] = [];
      for (const state of states) {
        const seq = seqs.get(state.monitorId);
        if (seq !== undefined) keyed.push({ seq, state });
      }
      if (keyed.length === 0) return;
      // One row per monitor, in key order: concurrent batches lock states in the same order.
      const last = new Map(keyed.map((k) => [k.seq, k]));
      const ordered = [...last.values()].sort((a, b) => a.seq - b.seq);
      const values = stateValues(stateArrays(ordered));
      const [updated] = await rowsOf<{ n: number }>(client, STATE_UPDATE, values);
      if (updated?.n !== ordered.length) await client.query({ ...STATE_UPSERT, values });
    },

    statuses: async (ids) => {
      const entries = new Map<MonitorId, StatusEntry>();
      const asked = knownShape(ids);
      if (asked.length === 0) return entries;
      for (const row of await rowsOf<StatusRow>(pool, SELECT_STATUSES, [asked])) {
        const monitorId = row.state_monitor_id as MonitorId;
        entries.set(monitorId, {
          monitorId,
          status: row.state_status as MonitorStatus,
          since: row.state_since,
          lastCheck: row.id === null ? null : resultFromRow(row as ResultRow),
        });
      }
      return entries;
    },
  };
}
