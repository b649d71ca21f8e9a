import { settingsDocument } from '../monitor-document.js';
import type { MonitorChanged } from '../../domain/events.js';
import type { ChannelId, MonitorId } from '../../domain/ids.js';
import type { Monitor } from '../../domain/monitor.js';
import { initialState, pausedOrResumed } from '../../domain/status-machine.js';
import type { MonitorQuery, OutboxEntry, Page } from '../../ports/store.js';
import { decodeCursor, pageLimit, toPage } from '../store-cursor.js';
import { lazyStatement, type SqliteDatabase, type Statement } from './database.js';
import { toMs } from './instant.js';
import {
  MONITOR_COLUMNS,
  STATE_COLUMNS,
  monitorFromRow,
  monitorParams,
  stateFromRow,
  stateParams,
  type MonitorRow,
  type StateRow,
} from './monitor-rows.js';

export interface MonitorRepository {
  create(monitor: Monitor): void;
  get(id: MonitorId): Monitor | undefined;
  getMany(ids: readonly MonitorId[]): Monitor[];
  list(query: MonitorQuery): Page<Monitor>;
  all(): Monitor[];
  update(monitor: Monitor, status: 'paused' | 'pending' | undefined): boolean;
  remove(id: MonitorId): boolean;
  /** Drops a channel from every monitor's `notificationChannelIds`, keeping the others' order. */
  forgetChannel(id: ChannelId): void;
  pendingChanges(limit: number): OutboxEntry[];
  acknowledgeChanges(seqs: readonly number[]): void;
}

/** Monitor definitions and their tags; creating or pausing one also sets its state. */
export function createMonitorRepository(db: SqliteDatabase): MonitorRepository {
  const insertMonitor = lazyStatement<[string, number, number, string]>(
    db,
    'INSERT INTO monitors (id, created_at, updated_at, settings) VALUES (?, ?, ?, ?)',
  );
  const insertTag = lazyStatement<[string, string]>(
    db,
    'INSERT INTO monitor_tags (tag, monitor_id) VALUES (?, ?) ON CONFLICT DO NOTHING',
  );
  const deleteTags = lazyStatement<[string]>(db, 'DELETE FROM monitor_tags WHERE monitor_id = ?');
  const insertState = lazyStatement(
    db,
    `INSERT INTO monitor_state (monitor_seq, status, since, consecutive_failures, last_check_id,
       last_checked_at, open_incident_id, last_transition)
     SELECT seq, ?, ?, ?, ?, ?, ?, ? FROM monitors WHERE id = ?`,
  );
  const selectMonitor = lazyStatement<[string], MonitorRow>(
    db,
    `SELECT ${MONITOR_COLUMNS} FROM monitors m WHERE m.id = ?`,
  );
  const selectMany = lazyStatement<[string], MonitorRow>(
    db,
    `SELECT ${MONITOR_COLUMNS} FROM monitors m WHERE m.id IN (SELECT value FROM json_each(?))`,
  );
  const selectAll = lazyStatement<[], MonitorRow>(
    db,
    `SELECT ${MONITOR_COLUMNS} FROM monitors m ORDER BY m.id`,
  );
  const updateSettings = lazyStatement<[number, string, string]>(
    db,
    'UPDATE monitors SET updated_at = ?, settings = ?, revision = revision + 1 WHERE id = ?',
  );
  const selectState = lazyStatement<[string], StateRow>(
    db,
    `SELECT ${STATE_COLUMNS} FROM monitors m JOIN monitor_state s ON s.monitor_seq = m.seq
     WHERE m.id = ?`,
  );
  const updateState = lazyStatement(
    db,
    `UPDATE monitor_state SET status = ?, since = ?, consecutive_failures = ?, last_check_id = ?,
       last_checked_at = ?, open_incident_id = ?, last_transition = ?
     WHERE monitor_seq = (SELECT seq FROM monitors WHERE id = ?)`,
  );
  const deleteMonitor = lazyStatement<[string]>(db, 'DELETE FROM monitors WHERE id = ?');
  const insertChange = lazyStatement<[string]>(
    db,
    'INSERT INTO monitor_outbox (change) VALUES (?)',
  );
  const selectChanges = lazyStatement<[number], { seq: number; change: string }>(
    db,
    'SELECT seq, change FROM monitor_outbox ORDER BY seq LIMIT ?',
  );
  const deleteChanges = lazyStatement<[string]>(
    db,
    'DELETE FROM monitor_outbox WHERE seq IN (SELECT value FROM json_each(?))',
  );
  const recordChange = (change: MonitorChanged): void => {
    insertChange().run(JSON.stringify(change));
  };
  // A UUID inside quotes appears in the document only as a value; the JSON check below decides.
  const selectReferencing = lazyStatement<[string], MonitorRow>(
    db,
    `SELECT ${MONITOR_COLUMNS} FROM monitors m WHERE m.settings LIKE ?`,
  );
  const writeSettings = lazyStatement<[string, string]>(
    db,
    'UPDATE monitors SET settings = ?, revision = revision + 1 WHERE id = ?',
  );

  // One statement per combination of filters, each a keyset scan in id order.
  const listStatements = new Map<string, () => Statement<unknown[], MonitorRow>>();
  const listStatement = (byStatus: boolean, byTag: boolean): Statement<unknown[], MonitorRow> => {
    const key = `${byStatus}:${byTag}`;
    let get = listStatements.get(key);
    if (get === undefined) {
      const joins = [
        byStatus ? 'JOIN monitor_state s ON s.monitor_seq = m.seq AND s.status = @status' : '',
        byTag ? 'JOIN monitor_tags t ON t.monitor_id = m.id AND t.tag = @tag' : '',
      ].join(' ');
      get = lazyStatement<unknown[], MonitorRow>(
        db,
        // With a tag, the tag index yields the monitors in id order already.
        `SELECT ${MONITOR_COLUMNS} FROM monitors m ${joins}
         WHERE ${byTag ? 't.monitor_id' : 'm.id'} > @after
         ORDER BY ${byTag ? 't.monitor_id' : 'm.id'} LIMIT @limit`,
      );
      listStatements.set(key, get);
    }
    return get();
  };

  const writeTags = (monitor: Monitor): void => {
    for (const tag of monitor.tags) insertTag().run(tag, monitor.id);
  };

  const create = db.transaction((monitor: Monitor): void => {
    insertMonitor().run(...monitorParams(monitor));
    writeTags(monitor);
    const state = initialState(monitor.id, monitor.createdAt, monitor.paused);
    insertState().run(...stateParams(state), monitor.id);
    recordChange({ kind: 'upserted', reason: 'created', monitor });
  });

  const update = db.transaction(
    (monitor: Monitor, status: 'paused' | 'pending' | undefined): boolean => {
      const changed = updateSettings().run(
        toMs(monitor.updatedAt),
        settingsDocument(monitor),
        monitor.id,
      );
      if (changed.changes === 0) return false;
      deleteTags().run(monitor.id);
      writeTags(monitor);
      if (status !== undefined) {
        const row = selectState().get(monitor.id);
        const current =
          row === undefined
            ? initialState(monitor.id, monitor.updatedAt, false)
            : stateFromRow(row);
        const next = pausedOrResumed(current, status === 'paused', monitor.updatedAt);
        if (row === undefined) insertState().run(...stateParams(next), monitor.id);
        else updateState().run(...stateParams(next), monitor.id);
      }
      const reason = status === 'paused' ? 'paused' : status === 'pending' ? 'resumed' : 'updated';
      recordChange({ kind: 'upserted', reason, monitor });
      return true;
    },
  );

  const remove = db.transaction((id: MonitorId): boolean => {
    if (deleteMonitor().run(id).changes === 0) return false;
    recordChange({ kind: 'deleted', monitorId: id });
    return true;
  });

  const forgetChannel = db.transaction((id: ChannelId): void => {
    for (const row of selectReferencing().all(`%"${id}"%`)) {
      const monitor = monitorFromRow(row);
      if (!monitor.notificationChannelIds.includes(id)) continue;
      const kept = monitor.notificationChannelIds.filter((c) => c !== id);
      writeSettings().run(
        settingsDocument({ ...monitor, notificationChannelIds: kept }),
        monitor.id,
      );
    }
  });

  return {
    create: (monitor) => {
      create.immediate(monitor);
    },
    get: (id) => {
      const row = selectMonitor().get(id);
      return row === undefined ? undefined : monitorFromRow(row);
    },
    getMany: (ids) =>
      ids.length === 0 ? [] : selectMany().all(JSON.stringify(ids)).map(monitorFromRow),
    list: (query) => {
      const limit = pageLimit(query.limit);
      const after = query.cursor === undefined ? '' : decodeCursor('monitor', query.cursor);
      const rows = listStatement(query.status !== undefined, query.tag !== undefined).all({
        after,
        limit: limit + 1,
        ...(query.status !== undefined ? { status: query.status } : {}),
        ...(query.tag !== undefined ? { tag: query.tag } : {}),
      });
      return toPage('monitor', rows.map(monitorFromRow), limit, (m) => m.id);
    },
    all: () => selectAll().all().map(monitorFromRow),
    update: (monitor, status) => update.immediate(monitor, status),
    remove: (id) => remove.immediate(id),
    forgetChannel: (id) => {
      forgetChannel.immediate(id);
    },
    pendingChanges: (limit) =>
      selectChanges()
        .all(limit)
        .map((row) => ({ seq: row.seq, change: JSON.parse(row.change) as MonitorChanged })),
    acknowledgeChanges: (seqs) => {
      if (seqs.length > 0) deleteChanges().run(JSON.stringify(seqs));
    },
  };
}
