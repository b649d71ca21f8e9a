import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { mergeEncodedHistograms } from './histogram-codec.js';

export type SqliteDatabase = Database.Database;
export type Statement<P extends unknown[], R> = Database.Statement<P, R>;

/** The SQL function roll-up upserts use to add histograms without a read back into JS. */
export const HISTOGRAM_MERGE_FUNCTION = 'uptime_histogram_merge';

const BUSY_TIMEOUT_MS = 5_000;

/**
 * Opens the database the way every part of the adapter expects it: WAL (readers never block the
 * writer), synchronous=NORMAL (durable at checkpoints, a commit costs no fsync; a power cut can
 * lose the last commits but never corrupts), foreign keys on (deletes cascade), and a busy
 * timeout so that a second process waits instead of failing at once.
 */
export function openDatabase(path: string): SqliteDatabase {
  if (path !== ':memory:' && !path.startsWith('file:')) {
    mkdirSync(dirname(path), { recursive: true });
  }
  // The busy timeout comes first: switching to WAL must wait for another process, not fail.
  const db = new Database(path, { timeout: BUSY_TIMEOUT_MS });
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.function(
      HISTOGRAM_MERGE_FUNCTION,
      { deterministic: true },
      (a: Uint8Array, b: Uint8Array): Buffer => mergeEncodedHistograms(a, b),
    );
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

/**
 * A statement prepared on first use and reused after. Preparing lazily lets the store be created
 * before `migrate()` has made the tables.
 */
export function lazyStatement<P extends unknown[] = unknown[], R = unknown>(
  db: SqliteDatabase,
  sql: string,
): () => Statement<P, R> {
  let statement: Statement<P, R> | undefined;
  return () => (statement ??= db.prepare(sql) as Statement<P, R>);
}
