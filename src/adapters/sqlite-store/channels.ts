import type { Channel, ChannelType } from '../../domain/channel.js';
import type { ChannelId } from '../../domain/ids.js';
import type { Page, PageQuery } from '../../ports/store.js';
import { decodeCursor, pageLimit, toPage } from '../store-cursor.js';
import { lazyStatement, type SqliteDatabase } from './database.js';
import { toIso, toMs } from './instant.js';

export interface ChannelRepository {
  create(channel: Channel): void;
  get(id: ChannelId): Channel | undefined;
  getMany(ids: readonly ChannelId[]): Channel[];
  list(query: PageQuery): Page<Channel>;
  update(channel: Channel): boolean;
  /** Deletes the channel; its deliveries go with it (foreign key cascade). */
  remove(id: ChannelId): boolean;
}

interface ChannelRow {
  readonly id: string;
  readonly name: string;
  readonly type: string;
  readonly url: string;
  readonly secret: string | null;
  readonly created_at: number;
  readonly updated_at: number;
}

const COLUMNS = 'id, name, type, url, secret, created_at, updated_at';

function channelFromRow(row: ChannelRow): Channel {
  return {
    id: row.id as ChannelId,
    name: row.name,
    type: row.type as ChannelType,
    url: row.url,
    secret: row.secret,
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at),
  };
}

/** Notification channels, in creation (id) order. */
export function createChannelRepository(db: SqliteDatabase): ChannelRepository {
  const insert = lazyStatement<[string, string, string, string, string | null, number, number]>(
    db,
    `INSERT INTO channels (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  const select = lazyStatement<[string], ChannelRow>(
    db,
    `SELECT ${COLUMNS} FROM channels WHERE id = ?`,
  );
  const selectMany = lazyStatement<[string], ChannelRow>(
    db,
    `SELECT ${COLUMNS} FROM channels WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id`,
  );
  const selectPage = lazyStatement<[string, number], ChannelRow>(
    db,
    `SELECT ${COLUMNS} FROM channels WHERE id > ? ORDER BY id LIMIT ?`,
  );
  const update = lazyStatement<[string, string, string, string | null, number, string]>(
    db,
    'UPDATE channels SET name = ?, type = ?, url = ?, secret = ?, updated_at = ? WHERE id = ?',
  );
  const remove = lazyStatement<[string]>(db, 'DELETE FROM channels WHERE id = ?');

  return {
    create: (c) => {
      insert().run(c.id, c.name, c.type, c.url, c.secret, toMs(c.createdAt), toMs(c.updatedAt));
    },
    get: (id) => {
      const row = select().get(id);
      return row === undefined ? undefined : channelFromRow(row);
    },
    getMany: (ids) =>
      ids.length === 0 ? [] : selectMany().all(JSON.stringify(ids)).map(channelFromRow),
    list: (query) => {
      const limit = pageLimit(query.limit);
      const after = query.cursor === undefined ? '' : decodeCursor('channel', query.cursor);
      const rows = selectPage().all(after, limit + 1);
      return toPage('channel', rows.map(channelFromRow), limit, (c) => c.id);
    },
    update: (c) =>
      update().run(c.name, c.type, c.url, c.secret, toMs(c.updatedAt), c.id).changes > 0,
    remove: (id) => remove().run(id).changes > 0,
  };
}
