import Database from 'better-sqlite3';
import { StoreError } from '../../ports/store.js';

/**
 * The error the port shows for anything the driver threw: SQLITE_BUSY and SQLITE_LOCKED (another
 * process held the database past the busy timeout) are STORE_UNAVAILABLE, worth retrying; the
 * rest are STORE_FAILED. StoreErrors pass through unchanged.
 */
export function toStoreError(error: unknown): StoreError {
  if (error instanceof StoreError) return error;
  if (error instanceof Database.SqliteError) {
    const transient =
      error.code.startsWith('SQLITE_BUSY') || error.code.startsWith('SQLITE_LOCKED');
    return new StoreError(
      transient ? 'STORE_UNAVAILABLE' : 'STORE_FAILED',
      `sqlite: ${error.message} (${error.code})`,
      { cause: error },
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  return new StoreError('STORE_FAILED', `sqlite: ${message}`, { cause: error });
}
