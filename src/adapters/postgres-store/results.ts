import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Pool, PoolClient } from 'pg';
import copyStreams from 'pg-copy-streams';
import type { CheckResult } from '../../domain/check.js';
import type { MonitorId } from '../../domain/ids.js';
import type { ResultQuery } from '../../ports/store.js';
import { rowsOf } from './connection.js';
import { arrayLiteral } from './sql-arrays.js';
import { knownShape, pageLimit } from './cursor.js';
import {
  RESULT_COLUMNS,
  RESULT_SELECT,
  resultFields,
  resultFromRow,
  type ResultField,
  type ResultRow,
} from './result-rows.js';

/** A result to store, with its monitor's integer key. */
export interface KeyedResult {
  readonly result: CheckResult;
  readonly monitorSeq: number;
}

export type WriteMethod = 'unnest' | 'copy';

export interface ResultRepository {
  /**
   * Inserts results (ids distinct within the call), skipping any already stored; returns the ids
   * that were new. Runs on the batch's client, inside its transaction.
   */
  insert(client: PoolClient, results: readonly KeyedResult[]): Promise<Set<string>>;
  list(monitorId: MonitorId, query: ResultQuery): Promise<CheckResult[]>;
}

const NAMES = RESULT_COLUMNS.map(([c]) => c).join(', ');
const CONFLICT = 'ON CONFLICT (monitor_seq, checked_at, id) DO NOTHING RETURNING id';

/** The batch as one array per column, unnested into rows by the server. */
const INSERT_UNNEST = {
  name: 'uptime_results_unnest',
  text: `INSERT INTO results (${NAMES})
         SELECT * FROM unnest(${RESULT_COLUMNS.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ')})
         ${CONFLICT}`,
};

/** A session-local staging table: COPY lands here, then one INSERT … SELECT dedupes. */
const STAGING = 'results_incoming';
const CREATE_STAGING = `CREATE TEMP TABLE IF NOT EXISTS ${STAGING}
  (${RESULT_COLUMNS.map(([c, type]) => `${c} ${type}`).join(', ')}) ON COMMIT DELETE ROWS`;
const INSERT_STAGED = {
  name: 'uptime_results_staged',
  text: `INSERT INTO results (${NAMES}) SELECT ${NAMES} FROM ${STAGING} ${CONFLICT}`,
};

const SELECT = {
  name: 'uptime_results_list',
  text: `SELECT ${RESULT_SELECT.replace('m.id AS monitor_id', '$1::uuid AS monitor_id')}
         FROM results r
         WHERE r.monitor_seq = (SELECT seq FROM monitors WHERE id = $1)
           AND r.checked_at >= $2 AND r.checked_at < $3
         ORDER BY r.checked_at DESC, r.id DESC LIMIT $4`,
};

/** COPY text format: backslash escapes, \N for NULL. */
function copyValue(value: ResultField): string {
  if (value === null) return '\\N';
  if (typeof value === 'number') return String(value);
  return /[\\\n\r\t]/.test(value)
    ? value
        .replaceAll('\\', '\\\\')
        .replaceAll('\n', '\\n')
        .replaceAll('\r', '\\r')
        .replaceAll('\t', '\\t')
    : value;
}

export function createResultRepository(pool: Pool, method: WriteMethod): ResultRepository {
  const staged = new WeakSet<PoolClient>();

  const viaUnnest = async (client: PoolClient, results: readonly KeyedResult[]) => {
    const columns: ResultField[][] = RESULT_COLUMNS.map(() => []);
    for (const { result, monitorSeq } of results) {
      resultFields(result, monitorSeq).forEach((value, i) => columns[i]?.push(value));
    }
    return rowsOf<{ id: string }>(client, INSERT_UNNEST, columns.map(arrayLiteral));
  };

  const viaCopy = async (client: PoolClient, results: readonly KeyedResult[]) => {
    if (!staged.has(client)) {
      await client.query(CREATE_STAGING);
      staged.add(client);
    }
    const lines = results.map(
      ({ result, monitorSeq }) => resultFields(result, monitorSeq).map(copyValue).join('\t') + '\n',
    );
    const copy = client.query(copyStreams.from(`COPY ${STAGING} (${NAMES}) FROM STDIN`));
    await pipeline(Readable.from([lines.join('')]), copy);
    return rowsOf<{ id: string }>(client, INSERT_STAGED);
  };

  return {
    insert: async (client, results) => {
      if (results.length === 0) return new Set();
      const rows = await (method === 'copy' ? viaCopy : viaUnnest)(client, results);
      return new Set(rows.map((r) => r.id));
    },
    list: async (monitorId, query) => {
      if (knownShape([monitorId]).length === 0) return [];
      const rows = await rowsOf<ResultRow>(pool, SELECT, [
        monitorId,
        query.since ?? '-infinity',
        query.until ?? 'infinity',
        pageLimit(query.limit),
      ]);
      return rows.map(resultFromRow);
    },
  };
}
