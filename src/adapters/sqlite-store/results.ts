import type { CheckResult } from '../../domain/check.js';
import type { MonitorId } from '../../domain/ids.js';
import type { ResultQuery } from '../../ports/store.js';
import { pageLimit } from '../store-cursor.js';
import { lazyStatement, type SqliteDatabase } from './database.js';
import { toMs } from './instant.js';
import {
  RESULT_INSERT_SQL,
  RESULT_COLUMNS,
  resultFromRow,
  resultParams,
  type ResultParams,
  type ResultRow,
} from './result-rows.js';

export interface ResultRepository {
  /** True when the result was new; false when its id was recorded before. */
  insert(result: CheckResult, monitorSeq: number, checkedAtMs: number): boolean;
  list(monitorId: MonitorId, query: ResultQuery): CheckResult[];
}

/** Raw check results: append-only, idempotent on id. */
export function createResultRepository(db: SqliteDatabase): ResultRepository {
  const insert = lazyStatement<ResultParams>(db, RESULT_INSERT_SQL);
  const select = lazyStatement<[string, number, number, number], ResultRow>(
    db,
    `SELECT ${RESULT_COLUMNS} FROM monitors m JOIN results r ON r.monitor_seq = m.seq
     WHERE m.id = ? AND r.checked_at >= ? AND r.checked_at < ?
     ORDER BY r.checked_at DESC, r.id DESC LIMIT ?`,
  );

  return {
    insert: (result, monitorSeq, checkedAtMs) =>
      insert().run(...resultParams(result, monitorSeq, checkedAtMs)).changes > 0,
    list: (monitorId, query) => {
      const since = query.since === undefined ? Number.MIN_SAFE_INTEGER : toMs(query.since);
      const until = query.until === undefined ? Number.MAX_SAFE_INTEGER : toMs(query.until);
      const limit = pageLimit(query.limit);
      return select().all(monitorId, since, until, limit).map(resultFromRow);
    },
  };
}
