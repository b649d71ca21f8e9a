import { StoreError } from '../../ports/store.js';
import { validationFailed } from './api-errors.js';

/** Page sizes of every list of the API. */
export const PAGE_LIMIT = { default: 100, max: 1000 } as const;

/** What a client asks of a paged list; an absent limit is the default. */
export interface PageRequest {
  readonly limit?: number | undefined;
  readonly cursor?: string | undefined;
}

export const pageLimit = (limit: number | undefined): number => limit ?? PAGE_LIMIT.default;

/** Runs a paged store read, turning a bad cursor into a 400 on `/cursor`. */
export async function withCursor<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof StoreError && error.code === 'STORE_CURSOR_INVALID') {
      throw validationFailed([
        { path: '/cursor', message: 'is not a cursor from a previous page' },
      ]);
    }
    throw error;
  }
}
