import type { Pool } from 'pg';
import type { MonitorId } from '../../domain/ids.js';
import type { Monitor } from '../../domain/monitor.js';
import { rowsOf } from './connection.js';
import { knownShape } from './known-ids.js';
import { MONITOR_COLUMNS, monitorFromRow, type MonitorRow } from './monitor-rows.js';

const SELECT_MANY = {
  name: 'uptime_monitor_get_many',
  text: `SELECT ${MONITOR_COLUMNS} FROM monitors m WHERE m.id = ANY ($1::uuid[])`,
};

/** Many monitors by id in one statement; unknown ids are absent. */
export function createMonitorLookup(pool: Pool): {
  getMany(ids: readonly MonitorId[]): Promise<Monitor[]>;
} {
  return {
    getMany: async (ids) => {
      const asked = knownShape(ids);
      if (asked.length === 0) return [];
      return (await rowsOf<MonitorRow>(pool, SELECT_MANY, [asked])).map(monitorFromRow);
    },
  };
}
