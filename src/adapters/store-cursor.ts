import { isId } from '../domain/ids.js';
import { StoreError } from '../ports/store.js';

/**
 * Cursors of both Store adapters. Every list pages by id (UUIDv7, so id order is creation order):
 * a cursor is the id of the last item handed out, tagged with the list it belongs to, in
 * base64url. Keyset pagination keeps pages stable under concurrent inserts.
 */
export type CursorKind = 'monitor' | 'channel' | 'incident' | 'delivery' | 'status-page';

export function encodeCursor(kind: CursorKind, id: string): string {
  return Buffer.from(`${kind}:${id}`, 'utf8').toString('base64url');
}

/** The id a cursor points after; StoreError STORE_CURSOR_INVALID unless it is one we made. */
export function decodeCursor(kind: CursorKind, cursor: string): string {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const prefix = `${kind}:`;
  const id = text.startsWith(prefix) ? text.slice(prefix.length) : '';
  // Node decodes base64url leniently; re-encoding rejects anything we did not produce.
  if (!isId(id) || encodeCursor(kind, id) !== cursor) {
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

/** Builds a page from up to `limit + 1` rows: the extra row only says that another page exists. */
export function toPage<T>(
  kind: CursorKind,
  rows: T[],
  limit: number,
  idOf: (item: T) => string,
): { items: T[]; nextCursor: string | null } {
  if (rows.length <= limit) return { items: rows, nextCursor: null };
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, nextCursor: last === undefined ? null : encodeCursor(kind, idOf(last)) };
}
