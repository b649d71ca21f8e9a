import type { MonitorId, StatusPageId } from '../../domain/ids.js';
import type { StatusPage } from '../../domain/status-page.js';
import { StoreError, type Page, type PageQuery } from '../../ports/store.js';
import { decodeCursor, pageLimit, toPage } from '../store-cursor.js';
import { lazyStatement, type SqliteDatabase } from './database.js';
import { toIso, toMs } from './instant.js';

export interface StatusPageRepository {
  create(page: StatusPage): void;
  get(id: StatusPageId): StatusPage | undefined;
  getBySlug(slug: string): StatusPage | undefined;
  list(query: PageQuery): Page<StatusPage>;
  update(page: StatusPage): boolean;
  remove(id: StatusPageId): boolean;
  isMonitorPublic(monitorId: MonitorId): boolean;
}

interface PageRow {
  readonly id: string;
  readonly slug: string;
  readonly title: string;
  readonly description: string | null;
  readonly created_at: number;
  readonly updated_at: number;
}

const COLUMNS = 'id, slug, title, description, created_at, updated_at';

/**
 * Status pages and the monitors each lists (rows of `status_page_monitors`, by position). Writes
 * run in IMMEDIATE transactions, so the slug check and the write cannot interleave with another
 * writer: a taken slug is StoreError STORE_CONFLICT. Monitors that no longer exist are skipped
 * when a page is written, and leave every page by cascade when they are deleted.
 */
export function createStatusPageRepository(db: SqliteDatabase): StatusPageRepository {
  const insert = lazyStatement<[string, string, string, string | null, number, number]>(
    db,
    `INSERT INTO status_pages (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)`,
  );
  const update = lazyStatement<[string, string, string | null, number, string]>(
    db,
    'UPDATE status_pages SET slug = ?, title = ?, description = ?, updated_at = ? WHERE id = ?',
  );
  const remove = lazyStatement<[string]>(db, 'DELETE FROM status_pages WHERE id = ?');
  const slugTaken = lazyStatement<[string, string], number>(
    db,
    'SELECT 1 FROM status_pages WHERE slug = ? AND id <> ?',
  );
  const insertMonitors = lazyStatement<[string, string]>(
    db,
    `INSERT INTO status_page_monitors (page_id, position, monitor_id)
     SELECT ?, j.key, j.value FROM json_each(?) j JOIN monitors m ON m.id = j.value`,
  );
  const deleteMonitors = lazyStatement<[string]>(
    db,
    'DELETE FROM status_page_monitors WHERE page_id = ?',
  );
  const selectById = lazyStatement<[string], PageRow>(
    db,
    `SELECT ${COLUMNS} FROM status_pages WHERE id = ?`,
  );
  const selectBySlug = lazyStatement<[string], PageRow>(
    db,
    `SELECT ${COLUMNS} FROM status_pages WHERE slug = ?`,
  );
  const selectPage = lazyStatement<[string, number], PageRow>(
    db,
    `SELECT ${COLUMNS} FROM status_pages WHERE id > ? ORDER BY id LIMIT ?`,
  );
  const selectMonitorIds = lazyStatement<[string], { page_id: string; monitor_id: string }>(
    db,
    `SELECT page_id, monitor_id FROM status_page_monitors
     WHERE page_id IN (SELECT value FROM json_each(?)) ORDER BY page_id, position`,
  );
  const selectPublic = lazyStatement<[string], number>(
    db,
    'SELECT 1 FROM status_page_monitors WHERE monitor_id = ? LIMIT 1',
  );

  const withMonitors = (rows: readonly PageRow[]): StatusPage[] => {
    if (rows.length === 0) return [];
    const ids = new Map<string, MonitorId[]>(rows.map((r) => [r.id, []]));
    for (const row of selectMonitorIds().all(JSON.stringify([...ids.keys()]))) {
      ids.get(row.page_id)?.push(row.monitor_id as MonitorId);
    }
    return rows.map((row) => ({
      id: row.id as StatusPageId,
      slug: row.slug,
      title: row.title,
      description: row.description,
      monitorIds: ids.get(row.id) ?? [],
      createdAt: toIso(row.created_at),
      updatedAt: toIso(row.updated_at),
    }));
  };

  const assertSlugFree = (page: StatusPage): void => {
    if (slugTaken().pluck().get(page.slug, page.id) !== undefined) {
      throw new StoreError('STORE_CONFLICT', `another status page has the slug ${page.slug}`);
    }
  };

  const create = db.transaction((page: StatusPage): void => {
    assertSlugFree(page);
    insert().run(
      page.id,
      page.slug,
      page.title,
      page.description,
      toMs(page.createdAt),
      toMs(page.updatedAt),
    );
    insertMonitors().run(page.id, JSON.stringify(page.monitorIds));
  });

  const replace = db.transaction((page: StatusPage): boolean => {
    assertSlugFree(page);
    const changed = update().run(
      page.slug,
      page.title,
      page.description,
      toMs(page.updatedAt),
      page.id,
    );
    if (changed.changes === 0) return false;
    deleteMonitors().run(page.id);
    insertMonitors().run(page.id, JSON.stringify(page.monitorIds));
    return true;
  });

  const one = (row: PageRow | undefined): StatusPage | undefined =>
    row === undefined ? undefined : withMonitors([row])[0];

  return {
    create: (page) => {
      create.immediate(page);
    },
    get: (id) => one(selectById().get(id)),
    getBySlug: (slug) => one(selectBySlug().get(slug)),
    list: (query) => {
      const limit = pageLimit(query.limit);
      const after = query.cursor === undefined ? '' : decodeCursor('status-page', query.cursor);
      const rows = selectPage().all(after, limit + 1);
      return toPage('status-page', withMonitors(rows), limit, (p) => p.id);
    },
    update: (page) => replace.immediate(page),
    remove: (id) => remove().run(id).changes > 0,
    isMonitorPublic: (monitorId) => selectPublic().pluck().get(monitorId) !== undefined,
  };
}
