import { ErrorReply } from 'redis';

/**
 * - `CACHE_UNAVAILABLE`: Redis is not connected, or the connection dropped under the call; the
 *   call may succeed once the cache has reconnected (it does so by itself).
 * - `CACHE_TIMEOUT`: no answer within the command timeout; the effect of a write is unknown
 *   (it may still land, which newest-wins makes harmless).
 * - `CACHE_FAILED`: Redis answered with an error, or with a reply this adapter cannot read.
 * - `CACHE_CLOSED`: the cache was closed.
 */
export type RedisCacheErrorCode =
  'CACHE_UNAVAILABLE' | 'CACHE_TIMEOUT' | 'CACHE_FAILED' | 'CACHE_CLOSED';

/** Every failure of the Redis status cache; the driver's error, if any, is the `cause`. */
export class RedisCacheError extends Error {
  readonly code: RedisCacheErrorCode;
  constructor(code: RedisCacheErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RedisCacheError';
    this.code = code;
  }
}

/** An error reply from the server, as opposed to a failure of the connection. */
export function isErrorReply(error: unknown): error is Error {
  return error instanceof ErrorReply;
}

/** The port's view of anything a call threw: server replies fail, the rest is unavailability. */
export function toCacheError(operation: string, error: unknown): RedisCacheError {
  if (error instanceof RedisCacheError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return isErrorReply(error)
    ? new RedisCacheError('CACHE_FAILED', `redis ${operation}: ${message}`, { cause: error })
    : new RedisCacheError('CACHE_UNAVAILABLE', `redis ${operation}: ${message}`, {
        cause: error,
      });
}
