import { Pool, types, type PoolClient, type PoolConfig, type QueryResultRow } from 'pg';
import type { Logger } from '../../ports/logger.js';
import { StoreError } from '../../ports/store.js';
import { isConnectionError } from './errors.js';

/** Where the store's tables live, as `DATABASE_URL` says. */
export interface ConnectionTarget {
  /** The connection string handed to `pg`, without the `schema` and `options` parameters. */
  readonly connectionString: string;
  /** The schema named by `?schema=` or by the first entry of a `search_path` option, if any. */
  readonly schema: string | null;
  /** Startup options: the caller's, then ours (search path, UTC, ISO dates). */
  readonly startupOptions: string;
}

/** Unquoted PostgreSQL identifiers, as the server folds them: what a schema name may be here. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Reads `?schema=name` (or `options=-c search_path=name,...`) out of the connection string. The
 * schema is put first on every connection's search path through the startup options, so that no
 * pooled connection ever runs a statement before its search path is set. TimeZone is UTC and
 * DateStyle ISO on every connection, so that timestamps come back in one known text form.
 */
export function parseConnectionTarget(connectionString: string): ConnectionTarget {
  let url: URL;
  try {
    url = new URL(connectionString);
  } catch (error) {
    throw new StoreError('STORE_FAILED', 'DATABASE_URL is not a valid postgres:// URL', {
      cause: error,
    });
  }
  const given = url.searchParams.get('options') ?? '';
  const named = url.searchParams.get('schema');
  url.searchParams.delete('schema');
  url.searchParams.delete('options');
  const fromOptions = /(?:^|\s)(?:-c\s*|--)search_path=(\S+)/.exec(given)?.[1];
  const first = fromOptions
    ?.split(',')[0]
    ?.replace(/\\(.)/g, '$1')
    .replace(/^"(.*)"$/, '$1')
    .trim();
  const schema = named ?? (first === undefined || first === '' || first === '$user' ? null : first);
  if (schema !== null && !SCHEMA_NAME.test(schema)) {
    throw new StoreError(
      'STORE_FAILED',
      `schema ${JSON.stringify(schema)} must be a lower-case identifier ([a-z_][a-z0-9_]*, at most 63 characters)`,
    );
  }
  const ours = [
    ...(named !== null ? [`-c search_path=${named}`] : []),
    '-c TimeZone=UTC',
    '-c DateStyle=ISO',
  ];
  return {
    connectionString: url.toString(),
    schema,
    startupOptions: [given.trim(), ...ours].filter((o) => o !== '').join(' '),
  };
}

type TypeId = Parameters<typeof types.getTypeParser>[0];
type Parse = (text: string) => unknown;
const { TIMESTAMPTZ, INT8 } = types.builtins;
const defaultParser = (oid: TypeId, format?: 'text' | 'binary'): Parse =>
  types.getTypeParser(oid, format) as Parse;
const parseTimestamp = defaultParser(TIMESTAMPTZ);
const UTC_TIMESTAMP = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)(?:\.(\d{1,6}))?\+00$/;

/**
 * timestamptz as the domain writes instants: `toISOString()` form with milliseconds. The server
 * prints `2026-01-15 12:00:30.12+00` (UTC, ISO, trailing zeros dropped); anything else (years
 * past 9999, BC) goes through the driver's own parser.
 */
export function isoFromTimestamp(text: string): string {
  const m = UTC_TIMESTAMP.exec(text);
  if (m === null) return (parseTimestamp(text) as Date).toISOString();
  const fraction = (m[3] ?? '').padEnd(3, '0').slice(0, 3);
  return `${m[1] ?? ''}T${m[2] ?? ''}.${fraction}Z`;
}

/** Timestamps as ISO strings; int8 as a number (epoch milliseconds and counts, below 2^53). */
const parsers: PoolConfig['types'] = {
  getTypeParser: (oid: TypeId, format?: 'text' | 'binary'): Parse => {
    if (format !== 'binary' && oid === TIMESTAMPTZ) return isoFromTimestamp;
    if (format !== 'binary' && oid === INT8) return Number;
    return defaultParser(oid, format);
  },
};

export interface PoolOptions {
  readonly target: ConnectionTarget;
  readonly poolSize: number;
  readonly logger: Logger;
}

const CONNECT_TIMEOUT_MS = 10_000;
const IDLE_TIMEOUT_MS = 30_000;

export function createPool(options: PoolOptions): Pool {
  const pool = new Pool({
    connectionString: options.target.connectionString,
    options: options.target.startupOptions,
    max: options.poolSize,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    idleTimeoutMillis: IDLE_TIMEOUT_MS,
    keepAlive: true,
    application_name: 'uptime',
    types: parsers,
  });
  // An idle connection that dies (server restart, network) is dropped by the pool; the next
  // query opens a new one. Without a listener the error would end the process.
  pool.on('error', (error) => {
    options.logger.warn({ err: error }, 'an idle PostgreSQL connection failed; it was dropped');
  });
  return pool;
}

/** One statement: `name` makes it a prepared statement, planned once per connection. */
export interface Statement {
  readonly name?: string;
  readonly text: string;
}

/** Something that runs statements: the pool, or one client inside a transaction. */
export interface Queryable {
  query(config: {
    name?: string;
    text: string;
    values?: unknown[];
  }): Promise<{ rows: QueryResultRow[]; rowCount: number | null }>;
}

export async function rowsOf<R extends QueryResultRow>(
  db: Queryable,
  statement: Statement,
  values: unknown[] = [],
): Promise<R[]> {
  const result = await db.query({ ...statement, values });
  return result.rows as R[];
}

export async function countOf(
  db: Queryable,
  statement: Statement,
  values: unknown[] = [],
): Promise<number> {
  const result = await db.query({ ...statement, values });
  return result.rowCount ?? 0;
}

/**
 * Runs `work` in one transaction on one pooled client. A client whose connection failed, or
 * whose rollback failed, is destroyed rather than returned to the pool.
 */
export async function inTransaction<T>(
  pool: Pool,
  work: (client: PoolClient) => Promise<T>,
  begin = 'BEGIN',
): Promise<T> {
  return withClient(pool, async (client) => {
    await client.query(begin);
    let value: T;
    try {
      value = await work(client);
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    }
    await client.query('COMMIT');
    return value;
  });
}

/** Runs `work` on one pooled client; a client left in doubt is destroyed, not pooled again. */
export async function withClient<T>(
  pool: Pool,
  work: (client: PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    return await work(client);
  } catch (error) {
    if (isConnectionError(error))
      broken = error instanceof Error ? error : new Error(String(error));
    throw error;
  } finally {
    client.release(broken);
  }
}
