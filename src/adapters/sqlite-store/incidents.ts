import type { IncidentId, MonitorId } from '../../domain/ids.js';
import type { Incident, IncidentState } from '../../domain/incident.js';
import type { IncidentQuery, Page } from '../../ports/store.js';
import { decodeCursor, pageLimit, toPage } from '../store-cursor.js';
import { lazyStatement, type SqliteDatabase, type Statement } from './database.js';
import { toIso, toIsoOrNull, toMs } from './instant.js';

export interface IncidentRepository {
  insert(incidents: readonly Incident[]): void;
  /** Incident id → resolvedAt; an incident already resolved keeps its first resolution. */
  resolve(resolved: ReadonlyMap<string, string>): void;
  list(query: IncidentQuery): Page<Incident>;
}

interface IncidentRow {
  readonly id: string;
  readonly monitor_id: string;
  readonly state: string;
  readonly started_at: number;
  readonly resolved_at: number | null;
  readonly cause: string | null;
}

const COLUMNS = 'id, monitor_id, state, started_at, resolved_at, cause';

function incidentFromRow(row: IncidentRow): Incident {
  return {
    id: row.id as IncidentId,
    monitorId: row.monitor_id as MonitorId,
    state: row.state as IncidentState,
    startedAt: toIso(row.started_at),
    resolvedAt: toIsoOrNull(row.resolved_at),
    cause: row.cause,
  };
}

/** Incidents, written by the recorder inside `recordBatch`; listed newest first (id descending). */
export function createIncidentRepository(db: SqliteDatabase): IncidentRepository {
  const insert = lazyStatement<[string, string, string, number, number | null, string | null]>(
    db,
    `INSERT INTO incidents (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
  );
  const resolve = lazyStatement<[number, string]>(
    db,
    `UPDATE incidents SET state = 'resolved', resolved_at = ? WHERE id = ? AND state = 'open'`,
  );
  // One statement per combination of filters, so that each uses its index.
  const lists = new Map<string, () => Statement<[Record<string, unknown>], IncidentRow>>();
  const listStatement = (
    query: IncidentQuery,
  ): Statement<[Record<string, unknown>], IncidentRow> => {
    const filters = [
      query.monitorId !== undefined ? 'monitor_id = @monitorId' : '',
      query.state !== undefined ? 'state = @state' : '',
      query.cursor !== undefined ? 'id < @before' : '',
    ].filter((f) => f !== '');
    const where = filters.length === 0 ? '' : `WHERE ${filters.join(' AND ')}`;
    let get = lists.get(where);
    if (get === undefined) {
      get = lazyStatement(
        db,
        `SELECT ${COLUMNS} FROM incidents ${where} ORDER BY id DESC LIMIT @limit`,
      );
      lists.set(where, get);
    }
    return get();
  };

  return {
    insert: (incidents) => {
      const statement = insert();
      for (const i of incidents) {
        statement.run(
          i.id,
          i.monitorId,
          i.state,
          toMs(i.startedAt),
          i.resolvedAt === null ? null : toMs(i.resolvedAt),
          i.cause,
        );
      }
    },
    resolve: (resolved) => {
      const statement = resolve();
      for (const [id, at] of resolved) statement.run(toMs(at), id);
    },
    list: (query) => {
      const limit = pageLimit(query.limit);
      const rows = listStatement(query).all({
        limit: limit + 1,
        ...(query.monitorId !== undefined ? { monitorId: query.monitorId } : {}),
        ...(query.state !== undefined ? { state: query.state } : {}),
        ...(query.cursor !== undefined ? { before: decodeCursor('incident', query.cursor) } : {}),
      });
      return toPage('incident', rows.map(incidentFromRow), limit, (i) => i.id);
    },
  };
}
