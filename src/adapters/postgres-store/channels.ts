import type { Pool, PoolClient } from 'pg';
import type { Channel, ChannelType } from '../../domain/channel.js';
import type { ChannelId } from '../../domain/ids.js';
import type { Page, PageQuery } from '../../ports/store.js';
import { countOf, rowsOf } from './connection.js';
import { decodeCursor, pageLimit, toPage } from '../store-cursor.js';
import { knownShape } from './known-ids.js';

export interface ChannelRepository {
  create(channel: Channel): Promise<void>;
  get(id: ChannelId): Promise<Channel | undefined>;
  getMany(ids: readonly ChannelId[]): Promise<Channel[]>;
  list(query: PageQuery): Promise<Page<Channel>>;
  update(channel: Channel): Promise<boolean>;
  /** Deletes the channel, in the caller's transaction; its deliveries go with it (cascade). */
  remove(client: PoolClient, id: ChannelId): Promise<boolean>;
}

interface ChannelRow {
  readonly id: string;
  readonly name: string;
  readonly type: string;
  readonly url: string;
  readonly secret: string | null;
  readonly created_at: string;
  readonly updated_at: string;
}

const COLUMNS = 'id, name, type, url, secret, created_at, updated_at';

const INSERT = {
  name: 'uptime_channels_insert',
  text: `INSERT INTO channels (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
};
const SELECT_MANY = {
  name: 'uptime_channels_many',
  text: `SELECT ${COLUMNS} FROM channels WHERE id = ANY ($1::uuid[]) ORDER BY id`,
};
const SELECT_FIRST_PAGE = {
  name: 'uptime_channels_first_page',
  text: `SELECT ${COLUMNS} FROM channels ORDER BY id LIMIT $1`,
};
const SELECT_PAGE = {
  name: 'uptime_channels_page',
  text: `SELECT ${COLUMNS} FROM channels WHERE id > $2 ORDER BY id LIMIT $1`,
};
const UPDATE = {
  name: 'uptime_channels_update',
  text: `UPDATE channels SET name = $2, type = $3, url = $4, secret = $5, updated_at = $6
         WHERE id = $1`,
};
const DELETE = {
  name: 'uptime_channels_delete',
  text: 'DELETE FROM channels WHERE id = $1',
};

function channelFromRow(row: ChannelRow): Channel {
  return {
    id: row.id as ChannelId,
    name: row.name,
    type: row.type as ChannelType,
    url: row.url,
    secret: row.secret,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Notification channels, in creation (id) order. */
export function createChannelRepository(pool: Pool): ChannelRepository {
  const getMany = async (ids: readonly ChannelId[]): Promise<Channel[]> => {
    const asked = knownShape(ids);
    if (asked.length === 0) return [];
    return (await rowsOf<ChannelRow>(pool, SELECT_MANY, [asked])).map(channelFromRow);
  };
  return {
    create: async (c) => {
      await pool.query({
        ...INSERT,
        values: [c.id, c.name, c.type, c.url, c.secret, c.createdAt, c.updatedAt],
      });
    },
    get: async (id) => (await getMany([id]))[0],
    getMany,
    list: async (query) => {
      const limit = pageLimit(query.limit);
      const rows =
        query.cursor === undefined
          ? await rowsOf<ChannelRow>(pool, SELECT_FIRST_PAGE, [limit + 1])
          : await rowsOf<ChannelRow>(pool, SELECT_PAGE, [
              limit + 1,
              decodeCursor('channel', query.cursor),
            ]);
      return toPage('channel', rows.map(channelFromRow), limit, (c) => c.id);
    },
    update: async (c) =>
      knownShape([c.id]).length > 0 &&
      (await countOf(pool, UPDATE, [c.id, c.name, c.type, c.url, c.secret, c.updatedAt])) > 0,
    remove: async (client, id) =>
      knownShape([id]).length > 0 && (await countOf(client, DELETE, [id])) > 0,
  };
}
