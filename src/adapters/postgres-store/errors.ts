import { DatabaseError } from 'pg';
import { StoreError } from '../../ports/store.js';

/**
 * SQLSTATE classes and codes that say "the server or the connection is not there right now":
 * worth retrying later, and what `/readyz` should report. 08 connection exception, 57P01–57P05
 * shutdown, crash, cannot connect now, idle timeouts; 53 insufficient resources (too many
 * connections, out of memory or disk).
 */
const UNAVAILABLE_CLASSES = ['08', '53', '57P'];

/** Node's socket errors, and pg's own words for a connection that ended or timed out. */
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
const CONNECTION_MESSAGES =
  /connection terminated|connection timeout|timeout exceeded when trying to connect|query read timeout|client has encountered a connection error|client was closed|cannot use a pool after calling end|not queryable/i;

/** True when the error means the connection is gone or unusable, not that a statement failed. */
export function isConnectionError(error: unknown): boolean {
  if (error instanceof DatabaseError) {
    const code = error.code ?? '';
    return UNAVAILABLE_CLASSES.some((c) => code.startsWith(c));
  }
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && SOCKET_CODES.has(code)) return true;
  if (error instanceof AggregateError) return error.errors.some(isConnectionError);
  return CONNECTION_MESSAGES.test(error.message);
}

/**
 * Deadlocks, serialization failures, and a key another transaction inserted between this one's
 * update and insert (see rollups.ts): the transaction may simply run again.
 */
export function isRetryable(error: unknown): boolean {
  return (
    error instanceof DatabaseError &&
    (error.code === '40P01' || error.code === '40001' || error.code === '23505')
  );
}

/** The partitioned table has no partition for a row's day (another process dropped it). */
export function isMissingPartition(error: unknown): boolean {
  return (
    error instanceof DatabaseError &&
    error.code === '23514' &&
    /no partition of relation/i.test(error.message)
  );
}

/** The port's error for anything the driver or the server threw; StoreErrors pass unchanged. */
export function toStoreError(error: unknown): StoreError {
  if (error instanceof StoreError) return error;
  if (isConnectionError(error)) {
    const message = error instanceof Error ? error.message : String(error);
    return new StoreError('STORE_UNAVAILABLE', `postgres: ${message}`, { cause: error });
  }
  if (error instanceof DatabaseError) {
    return new StoreError(
      'STORE_FAILED',
      `postgres: ${error.message} (${error.code ?? 'no code'})`,
      { cause: error },
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  return new StoreError('STORE_FAILED', `postgres: ${message}`, { cause: error });
}
