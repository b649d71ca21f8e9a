import { isId } from '../../domain/ids.js';
import { StoreError } from '../../ports/store.js';

/**
 * Lists page by id (UUIDv7, so id order is creation order), keyset style: a cursor is the id of
 * the last item handed out and the list it belongs to, in base64url, so that a page never shifts
 * when rows are inserted or deleted meanwhile.
 */
export type CursorList = 'monitor' | 'channel' | 'incident' | 'delivery';

export function encodeCursor(list: CursorList, id: string): string {
  return Buffer.from(`${list}:${id}`, 'utf8').toString('base64url');
}

/** The id a cursor points after; StoreError STORE_CURSOR_INVALID unless this store made it. */
export function decodeCursor(list: CursorList, cursor: string): string {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const id = text.startsWith(`${list}:`) ? text.slice(list.length + 1) : '';
  // base64url decoding is lenient; encoding again refuses anything not made here.
  if (!isId(id) || encodeCursor(list, id) !== cursor) {
    throw new StoreError(
      'STORE_CURSOR_INVALID',
      'the cursor is malformed or belongs to another list',
    );
  }
  return id;
}

/** Page size within the port's bounds (1–1000). */
export function pageLimit(limit: number): number {
  if (!Number.isFinite(limit)) return 1000;
  return Math.min(1000, Math.max(1, Math.floor(limit)));
}

/** A page from up to `limit + 1` rows: the extra row only says that another page exists. */
export function toPage<T>(
  list: CursorList,
  rows: T[],
  limit: number,
  idOf: (item: T) => string,
): { items: T[]; nextCursor: string | null } {
  if (rows.length <= limit) return { items: rows, nextCursor: null };
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, nextCursor: last === undefined ? null : encodeCursor(list, idOf(last)) };
}

/**
 * Ids are uuid columns here: a string that is not an id this service makes can name nothing,
 * so it is answered as unknown without asking the server (which would refuse to parse it).
 */
export const knownShape = (ids: readonly string[]): string[] => ids.filter(isId);
