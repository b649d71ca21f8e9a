import { settingsDocument } from '../monitor-document.js';
import type { Pool, PoolClient } from 'pg';
import type { ChannelId, MonitorId } from '../../domain/ids.js';
import type { Monitor } from '../../domain/monitor.js';
import { initialState, pausedOrResumed } from '../../domain/status-machine.js';
import type { MonitorQuery, Page } from '../../ports/store.js';
import { LOCK_PURPOSE, advisoryKey } from './advisory-locks.js';
import { inTransaction, rowsOf } from './connection.js';
import { changeJson } from './outbox.js';
import { decodeCursor, pageLimit, toPage } from '../store-cursor.js';
import { knownShape } from './known-ids.js';
import {
  MONITOR_COLUMNS,
  STATE_COLUMNS,
  STATE_UPSERT,
  monitorFromRow,
  stateArrays,
  stateFromRow,
  stateValues,
  type MonitorRow,
  type StateRow,
} from './monitor-rows.js';

export interface MonitorRepository {
  create(monitor: Monitor): Promise<void>;
  get(id: MonitorId): Promise<Monitor | undefined>;
  list(query: MonitorQuery): Promise<Page<Monitor>>;
  all(): Promise<Monitor[]>;
  update(monitor: Monitor, status: 'paused' | 'pending' | undefined): Promise<boolean>;
  remove(id: MonitorId): Promise<boolean>;
  /** Drops a channel from every monitor's `notificationChannelIds`, keeping the others' order. */
  forgetChannel(client: PoolClient, id: ChannelId): Promise<void>;
}

/** Monitor, tags and initial state in one statement. */
const INSERT = {
  name: 'uptime_monitor_insert',
  text: `WITH m AS (
           INSERT INTO monitors (id, created_at, updated_at, settings)
           VALUES ($1, $2, $3, $4) RETURNING seq, id),
         t AS (
           INSERT INTO monitor_tags (tag, monitor_id)
           SELECT DISTINCT tag, m.id FROM m, unnest($5::text[]) AS tag),
         s AS (
           INSERT INTO monitor_state (monitor_seq, status, since, consecutive_failures)
           SELECT m.seq, $6, $7, 0 FROM m)
         INSERT INTO monitor_outbox (change) SELECT $8::json FROM m`,
};

const SELECT_ONE = {
  name: 'uptime_monitor_get',
  text: `SELECT ${MONITOR_COLUMNS} FROM monitors m WHERE m.id = $1`,
};

const SELECT_ALL = {
  name: 'uptime_monitor_all',
  text: `SELECT ${MONITOR_COLUMNS} FROM monitors m ORDER BY m.id`,
};

const UPDATE_SETTINGS = {
  name: 'uptime_monitor_update',
  text: `UPDATE monitors SET updated_at = $2, settings = $3, revision = revision + 1
         WHERE id = $1 RETURNING seq`,
};

/**
 * Only the tags no longer wanted are deleted: both parts run on one snapshot, so a kept tag
 * deleted and inserted again here would meet its old row, be skipped, and then be gone.
 */
const REPLACE_TAGS = {
  name: 'uptime_monitor_tags',
  text: `WITH gone AS (
           DELETE FROM monitor_tags WHERE monitor_id = $1 AND tag <> ALL ($2::text[]))
         INSERT INTO monitor_tags (tag, monitor_id)
         SELECT DISTINCT tag, $1::uuid FROM unnest($2::text[]) AS tag
         ON CONFLICT DO NOTHING`,
};

const RECORD_CHANGE = {
  name: 'uptime_monitor_record_change',
  text: 'INSERT INTO monitor_outbox (change) VALUES ($1)',
};

const SELECT_STATE = {
  name: 'uptime_monitor_state_for_update',
  text: `SELECT ${STATE_COLUMNS} FROM monitor_state s WHERE s.monitor_seq = $1 FOR UPDATE`,
};

/**
 * Results and roll-ups have no foreign key to cascade through, so they go explicitly, in the
 * transaction that deletes the monitor (its state, tags and incidents cascade).
 */
const DELETE = {
  name: 'uptime_monitor_delete',
  text: `WITH m AS (DELETE FROM monitors WHERE id = $1 RETURNING seq),
         o AS (INSERT INTO monitor_outbox (change) SELECT $2::json FROM m),
         r AS (DELETE FROM results WHERE monitor_seq IN (SELECT seq FROM m)),
         rm AS (DELETE FROM rollups_minute WHERE monitor_seq IN (SELECT seq FROM m)),
         rh AS (DELETE FROM rollups_hour WHERE monitor_seq IN (SELECT seq FROM m)),
         rd AS (DELETE FROM rollups_day WHERE monitor_seq IN (SELECT seq FROM m))
         SELECT seq FROM m`,
};

/**
 * Monitors whose settings mention the channel, locked for the rewrite. The document is json, not
 * jsonb, so that it keeps its key order; it is edited in JS and written back whole.
 */
const SELECT_REFERENCING = {
  name: 'uptime_monitor_referencing',
  text: `SELECT ${MONITOR_COLUMNS} FROM monitors m
         WHERE strpos(m.settings::text, $1) > 0 FOR UPDATE`,
};

const WRITE_SETTINGS = {
  name: 'uptime_monitor_write_settings',
  text: 'UPDATE monitors SET settings = $2, revision = revision + 1 WHERE id = $1',
};

export function createMonitorRepository(
  pool: Pool,
  schemaName: () => Promise<string>,
): MonitorRepository {
  const list = async (query: MonitorQuery): Promise<Page<Monitor>> => {
    const limit = pageLimit(query.limit);
    const values: unknown[] = [limit + 1];
    const joins: string[] = [];
    const where: string[] = [];
    // With a tag, its index yields the monitors in id order already.
    let order = 'm.id';
    if (query.tag !== undefined) {
      values.push(query.tag);
      joins.push(`JOIN monitor_tags t ON t.monitor_id = m.id AND t.tag = $${values.length}`);
      order = 't.monitor_id';
    }
    if (query.status !== undefined) {
      values.push(query.status);
      joins.push(`JOIN monitor_state s ON s.monitor_seq = m.seq AND s.status = $${values.length}`);
    }
    if (query.cursor !== undefined) {
      values.push(decodeCursor('monitor', query.cursor));
      where.push(`${order} > $${values.length}`);
    }
    const rows = await rowsOf<MonitorRow>(
      pool,
      {
        text: `SELECT ${MONITOR_COLUMNS} FROM monitors m ${joins.join(' ')}
               ${where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`}
               ORDER BY ${order} LIMIT $1`,
      },
      values,
    );
    return toPage('monitor', rows.map(monitorFromRow), limit, (m) => m.id);
  };

  return {
    create: async (monitor) => {
      const state = initialState(monitor.id, monitor.createdAt, monitor.paused);
      await pool.query({
        ...INSERT,
        values: [
          monitor.id,
          monitor.createdAt,
          monitor.updatedAt,
          settingsDocument(monitor),
          monitor.tags,
          state.status,
          state.since,
          changeJson({ kind: 'upserted', reason: 'created', monitor }),
        ],
      });
    },
    get: async (id) => {
      if (knownShape([id]).length === 0) return undefined;
      const [row] = await rowsOf<MonitorRow>(pool, SELECT_ONE, [id]);
      return row === undefined ? undefined : monitorFromRow(row);
    },
    list,
    all: async () => (await rowsOf<MonitorRow>(pool, SELECT_ALL)).map(monitorFromRow),
    update: async (monitor, status) => {
      if (knownShape([monitor.id]).length === 0) return false;
      return inTransaction(pool, async (client) => {
        const [updated] = await rowsOf<{ seq: number }>(client, UPDATE_SETTINGS, [
          monitor.id,
          monitor.updatedAt,
          settingsDocument(monitor),
        ]);
        if (updated === undefined) return false;
        await client.query({ ...REPLACE_TAGS, values: [monitor.id, monitor.tags] });
        if (status !== undefined) {
          const [row] = await rowsOf<StateRow>(client, SELECT_STATE, [updated.seq]);
          const current =
            row === undefined
              ? initialState(monitor.id, monitor.updatedAt, false)
              : stateFromRow(monitor.id, row);
          const next = pausedOrResumed(current, status === 'paused', monitor.updatedAt);
          await client.query({
            ...STATE_UPSERT,
            values: stateValues(stateArrays([{ seq: updated.seq, state: next }])),
          });
        }
        const reason =
          status === 'paused' ? 'paused' : status === 'pending' ? 'resumed' : 'updated';
        await client.query({
          ...RECORD_CHANGE,
          values: [changeJson({ kind: 'upserted', reason, monitor })],
        });
        return true;
      });
    },
    remove: async (id) => {
      if (knownShape([id]).length === 0) return false;
      const [space, key] = advisoryKey(await schemaName(), LOCK_PURPOSE.monitorDeletion);
      return inTransaction(pool, async (client) => {
        await client.query('SELECT pg_advisory_xact_lock($1, $2)', [space, key]);
        const rows = await rowsOf<{ seq: number }>(client, DELETE, [
          id,
          changeJson({ kind: 'deleted', monitorId: id }),
        ]);
        return rows.length > 0;
      });
    },
    forgetChannel: async (client, id) => {
      for (const row of await rowsOf<MonitorRow>(client, SELECT_REFERENCING, [`"${id}"`])) {
        const monitor = monitorFromRow(row);
        if (!monitor.notificationChannelIds.includes(id)) continue;
        const kept = monitor.notificationChannelIds.filter((c) => c !== id);
        await client.query({
          ...WRITE_SETTINGS,
          values: [monitor.id, settingsDocument({ ...monitor, notificationChannelIds: kept })],
        });
      }
    },
  };
}
