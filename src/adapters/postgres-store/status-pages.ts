import { DatabaseError, type Pool, type PoolClient } from 'pg';
import { isId, type MonitorId, type StatusPageId } from '../../domain/ids.js';
import type { StatusPage } from '../../domain/status-page.js';
import { StoreError, type Page, type PageQuery } from '../../ports/store.js';
import { countOf, inTransaction, rowsOf, type Queryable } from './connection.js';
import { pageLimit } from '../store-cursor.js';
import { knownShape } from './known-ids.js';

export interface StatusPageRepository {
  create(page: StatusPage): Promise<void>;
  get(id: StatusPageId): Promise<StatusPage | undefined>;
  getBySlug(slug: string): Promise<StatusPage | undefined>;
  list(query: PageQuery): Promise<Page<StatusPage>>;
  update(page: StatusPage): Promise<boolean>;
  remove(id: StatusPageId): Promise<boolean>;
  isMonitorPublic(monitorId: MonitorId): Promise<boolean>;
}

interface PageRow {
  readonly id: string;
  readonly slug: string;
  readonly title: string;
  readonly description: string | null;
  readonly created_at: string;
  readonly updated_at: string;
  readonly monitor_ids: string[];
}

/** The unique constraint on the slug (migrations.ts), told apart from any other violation. */
const SLUG_CONSTRAINT = 'status_pages_slug_key';

const SELECT = `SELECT p.id, p.slug, p.title, p.description, p.created_at, p.updated_at,
    ARRAY(SELECT s.monitor_id::text FROM status_page_monitors s
          WHERE s.page_id = p.id ORDER BY s.position) AS monitor_ids
  FROM status_pages p`;

const SELECT_BY_ID = { name: 'uptime_status_page_get', text: `${SELECT} WHERE p.id = $1` };
const SELECT_BY_SLUG = { name: 'uptime_status_page_slug', text: `${SELECT} WHERE p.slug = $1` };
const SELECT_FIRST_PAGE = {
  name: 'uptime_status_pages_first_page',
  text: `${SELECT} ORDER BY p.id LIMIT $1`,
};
const SELECT_PAGE = {
  name: 'uptime_status_pages_page',
  text: `${SELECT} WHERE p.id > $2 ORDER BY p.id LIMIT $1`,
};

/** Page and monitors in one statement; ids that name no monitor are skipped by the join. */
const INSERT = {
  name: 'uptime_status_page_insert',
  text: `WITH p AS (
           INSERT INTO status_pages (id, slug, title, description, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6) RETURNING id)
         INSERT INTO status_page_monitors (page_id, position, monitor_id)
         SELECT p.id, u.position, u.monitor_id
         FROM p, unnest($7::uuid[]) WITH ORDINALITY AS u (monitor_id, position)
         JOIN monitors m ON m.id = u.monitor_id`,
};
const UPDATE = {
  name: 'uptime_status_page_update',
  text: `UPDATE status_pages SET slug = $2, title = $3, description = $4, updated_at = $5
         WHERE id = $1`,
};
// The monitors are replaced by a delete, then an insert, as two statements: in one statement
// the insert would meet the rows the delete removes (same snapshot) on the primary key.
const DELETE_MONITORS = {
  name: 'uptime_status_page_monitors_delete',
  text: 'DELETE FROM status_page_monitors WHERE page_id = $1',
};
const INSERT_MONITORS = {
  name: 'uptime_status_page_monitors_insert',
  text: `INSERT INTO status_page_monitors (page_id, position, monitor_id)
         SELECT $1, u.position, u.monitor_id
         FROM unnest($2::uuid[]) WITH ORDINALITY AS u (monitor_id, position)
         JOIN monitors m ON m.id = u.monitor_id`,
};
const DELETE = {
  name: 'uptime_status_page_delete',
  text: 'DELETE FROM status_pages WHERE id = $1',
};
const IS_PUBLIC = {
  name: 'uptime_status_page_public',
  text: `SELECT EXISTS (SELECT 1 FROM status_page_monitors WHERE monitor_id = $1) AS public`,
};

function pageFromRow(row: PageRow): StatusPage {
  return {
    id: row.id as StatusPageId,
    slug: row.slug,
    title: row.title,
    description: row.description,
    monitorIds: row.monitor_ids as MonitorId[],
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** A taken slug, whichever transaction took it first, is the port's STORE_CONFLICT. */
function conflictOr(error: unknown, slug: string): unknown {
  if (error instanceof DatabaseError && error.code === '23505') {
    if (error.constraint === SLUG_CONSTRAINT) {
      return new StoreError('STORE_CONFLICT', `another status page has the slug ${slug}`, {
        cause: error,
      });
    }
  }
  return error;
}

/** Cursors of this list: the last id handed out, tagged with the list, in base64url. */
const CURSOR_LIST = 'status-page';
const encodeCursor = (id: string): string =>
  Buffer.from(`${CURSOR_LIST}:${id}`, 'utf8').toString('base64url');
function decodeCursor(cursor: string): string {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const id = text.startsWith(`${CURSOR_LIST}:`) ? text.slice(CURSOR_LIST.length + 1) : '';
  if (!isId(id) || encodeCursor(id) !== cursor) {
    throw new StoreError(
      'STORE_CURSOR_INVALID',
      'the cursor is malformed or belongs to another list',
    );
  }
  return id;
}

/**
 * Status pages and the monitors each lists (rows of `status_page_monitors`, by position). A
 * monitor's deletion takes it off every page by cascade.
 */
export function createStatusPageRepository(pool: Pool): StatusPageRepository {
  const one = async (db: Queryable, statement: typeof SELECT_BY_ID, key: string) => {
    const [row] = await rowsOf<PageRow>(db, statement, [key]);
    return row === undefined ? undefined : pageFromRow(row);
  };
  const replaceMonitors = async (client: PoolClient, page: StatusPage): Promise<void> => {
    await client.query({ ...DELETE_MONITORS, values: [page.id] });
    const ids = knownShape(page.monitorIds);
    if (ids.length > 0) await client.query({ ...INSERT_MONITORS, values: [page.id, ids] });
  };

  return {
    create: async (page) => {
      try {
        await pool.query({
          ...INSERT,
          values: [
            page.id,
            page.slug,
            page.title,
            page.description,
            page.createdAt,
            page.updatedAt,
            knownShape(page.monitorIds),
          ],
        });
      } catch (error) {
        throw conflictOr(error, page.slug);
      }
    },
    get: (id) =>
      knownShape([id]).length === 0 ? Promise.resolve(undefined) : one(pool, SELECT_BY_ID, id),
    getBySlug: (slug) => one(pool, SELECT_BY_SLUG, slug),
    list: async (query) => {
      const limit = pageLimit(query.limit);
      const rows =
        query.cursor === undefined
          ? await rowsOf<PageRow>(pool, SELECT_FIRST_PAGE, [limit + 1])
          : await rowsOf<PageRow>(pool, SELECT_PAGE, [limit + 1, decodeCursor(query.cursor)]);
      const items = rows.map(pageFromRow);
      if (items.length <= limit) return { items, nextCursor: null };
      const kept = items.slice(0, limit);
      const last = kept[kept.length - 1];
      return { items: kept, nextCursor: last === undefined ? null : encodeCursor(last.id) };
    },
    update: async (page) => {
      if (knownShape([page.id]).length === 0) return false;
      try {
        return await inTransaction(pool, async (client) => {
          const changed = await countOf(client, UPDATE, [
            page.id,
            page.slug,
            page.title,
            page.description,
            page.updatedAt,
          ]);
          if (changed === 0) return false;
          await replaceMonitors(client, page);
          return true;
        });
      } catch (error) {
        throw conflictOr(error, page.slug);
      }
    },
    remove: async (id) => knownShape([id]).length > 0 && (await countOf(pool, DELETE, [id])) > 0,
    isMonitorPublic: async (monitorId) => {
      if (knownShape([monitorId]).length === 0) return false;
      const [row] = await rowsOf<{ public: boolean }>(pool, IS_PUBLIC, [monitorId]);
      return row?.public === true;
    },
  };
}
