import type { Pool, PoolClient } from 'pg';
import type { IncidentId, MonitorId } from '../../domain/ids.js';
import type { Incident, IncidentState } from '../../domain/incident.js';
import type { IncidentQuery, Page } from '../../ports/store.js';
import { rowsOf } from './connection.js';
import { decodeCursor, pageLimit, toPage } from '../store-cursor.js';
import { knownShape } from './known-ids.js';
import { pgText } from './result-rows.js';

export interface IncidentRepository {
  /** On the batch's client; an incident already stored is left as it is. */
  insert(client: PoolClient, incidents: readonly Incident[]): Promise<void>;
  /** Incident id → resolvedAt; an incident already resolved keeps its first resolution. */
  resolve(client: PoolClient, resolved: ReadonlyMap<string, string>): Promise<void>;
  list(query: IncidentQuery): Promise<Page<Incident>>;
}

interface IncidentRow {
  readonly id: string;
  readonly monitor_id: string;
  readonly state: string;
  readonly started_at: string;
  readonly resolved_at: string | null;
  readonly cause: string | null;
}

const COLUMNS = 'id, monitor_id, state, started_at, resolved_at, cause';

const INSERT = {
  name: 'uptime_incidents_insert',
  text: `INSERT INTO incidents (${COLUMNS})
         SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::timestamptz[],
           $5::timestamptz[], $6::text[])
         ON CONFLICT (id) DO NOTHING`,
};

const RESOLVE = {
  name: 'uptime_incidents_resolve',
  text: `UPDATE incidents i SET state = 'resolved', resolved_at = u.at
         FROM unnest($1::uuid[], $2::timestamptz[]) AS u (id, at)
         WHERE i.id = u.id AND i.state = 'open'`,
};

function incidentFromRow(row: IncidentRow): Incident {
  return {
    id: row.id as IncidentId,
    monitorId: row.monitor_id as MonitorId,
    state: row.state as IncidentState,
    startedAt: row.started_at,
    resolvedAt: row.resolved_at,
    cause: row.cause,
  };
}

/** Incidents, written by the recorder inside `recordBatch`; listed newest first (id descending). */
export function createIncidentRepository(pool: Pool): IncidentRepository {
  return {
    insert: async (client, incidents) => {
      if (incidents.length === 0) return;
      await client.query({
        ...INSERT,
        values: [
          incidents.map((i) => i.id),
          incidents.map((i) => i.monitorId),
          incidents.map((i) => i.state),
          incidents.map((i) => i.startedAt),
          incidents.map((i) => i.resolvedAt),
          incidents.map((i) => (i.cause === null ? null : pgText(i.cause))),
        ],
      });
    },
    resolve: async (client, resolved) => {
      const ids = knownShape([...resolved.keys()]);
      if (ids.length === 0) return;
      await client.query({ ...RESOLVE, values: [ids, ids.map((id) => resolved.get(id))] });
    },
    list: async (query) => {
      const limit = pageLimit(query.limit);
      const values: unknown[] = [limit + 1];
      const where: string[] = [];
      if (query.monitorId !== undefined) {
        if (knownShape([query.monitorId]).length === 0) return { items: [], nextCursor: null };
        values.push(query.monitorId);
        where.push(`monitor_id = $${values.length}`);
      }
      if (query.state !== undefined) {
        values.push(query.state);
        where.push(`state = $${values.length}`);
      }
      if (query.cursor !== undefined) {
        values.push(decodeCursor('incident', query.cursor));
        where.push(`id < $${values.length}`);
      }
      const rows = await rowsOf<IncidentRow>(
        pool,
        {
          text: `SELECT ${COLUMNS} FROM incidents
                 ${where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`}
                 ORDER BY id DESC LIMIT $1`,
        },
        values,
      );
      return toPage('incident', rows.map(incidentFromRow), limit, (i) => i.id);
    },
  };
}
