import type { MonitorId } from '../../domain/ids.js';
import type { StatusCache, StatusEntry } from '../../ports/status-cache.js';
import { RedisCacheError, isErrorReply } from './errors.js';
import { resolveOptions, type RedisStatusCacheOptions } from './options.js';
import { createRedisConnection, type SendCommand } from './redis-connection.js';
import {
  NEWEST_WINS_SCRIPT,
  NEWEST_WINS_SHA1,
  decodeEntry,
  encodeEntry,
  entryVersion,
} from './stored-entry.js';

export type { RedisStatusCacheOptions } from './options.js';
export { RedisCacheError, type RedisCacheErrorCode } from './errors.js';

export interface RedisStatusCache extends StatusCache {
  /**
   * Connects now and resolves once Redis answers; rejects with CACHE_UNAVAILABLE when it cannot
   * be reached (the cache keeps reconnecting in the background, so a caller may log and go on
   * degraded). Optional: the first call connects too.
   */
  connect(): Promise<void>;
}

/** Keys one MGET reads at most. */
const MGET_CHUNK = 1_000;

/** One write of `setMany`: the newest entry of the call for one monitor. */
interface Write {
  readonly key: string;
  readonly version: string;
  readonly value: string;
}

/**
 * The StatusCache on Redis (distributed mode). One string key per monitor,
 * `<keyPrefix>status:<monitorId>`, holding the entry behind its version (see stored-entry.ts);
 * no expiry, since there is one small key per monitor and deleted monitors are removed.
 *
 * - `getMany` is one MGET (several, sent together, past 1,000 ids): one round trip.
 * - `setMany` sends one script call per monitor, all written together (one round trip; two the
 *   first time a server has not seen the script). The script compares versions on the server,
 *   so newest-wins holds per key across any number of writers, and a write that arrives late
 *   (redelivered, or retried after a timeout) cannot roll an entry back.
 * - While Redis is away every call rejects at once with a RedisCacheError (see
 *   redis-connection.ts), so callers can fall back to the store; the cache reconnects by itself.
 *   Reads, deletes and pings answer within `commandTimeoutMs` or fail; writes fail once Redis
 *   has been silent that long, however long a large batch takes on a busy server.
 */
export function createRedisStatusCache(options: RedisStatusCacheOptions): RedisStatusCache {
  const settings = resolveOptions(options);
  const log = settings.logger;
  const connection = createRedisConnection(settings);
  const keyOf = (monitorId: MonitorId): string => `${settings.keyPrefix}status:${monitorId}`;

  async function readEntries(
    send: SendCommand,
    monitorIds: readonly MonitorId[],
  ): Promise<Map<MonitorId, StatusEntry>> {
    const chunks: Promise<unknown>[] = [];
    for (let from = 0; from < monitorIds.length; from += MGET_CHUNK) {
      const keys = monitorIds.slice(from, from + MGET_CHUNK).map(keyOf);
      chunks.push(send(['MGET', ...keys]));
    }
    const replies = await Promise.all(chunks);
    const found = new Map<MonitorId, StatusEntry>();
    const unreadableKeys: string[] = [];
    let at = 0;
    for (const reply of replies) {
      if (!Array.isArray(reply)) throw unreadable('MGET', reply);
      for (const value of reply as unknown[]) {
        const monitorId = monitorIds[at++];
        if (monitorId === undefined || value === null) continue;
        const entry = typeof value === 'string' ? decodeEntry(value, monitorId) : undefined;
        if (entry === undefined) unreadableKeys.push(keyOf(monitorId));
        else found.set(monitorId, entry);
      }
    }
    if (unreadableKeys.length > 0) {
      // A miss is always safe: the caller reads the store. The next write repairs the key.
      log.warn(
        { count: unreadableKeys.length, example: unreadableKeys[0] },
        'status cache entries unreadable; treated as missing',
      );
    }
    return found;
  }

  async function writeEntries(
    send: SendCommand,
    writes: readonly Write[],
    force: boolean,
  ): Promise<void> {
    const flag = force ? '1' : '0';
    const sendAll = (batch: readonly Write[]): Promise<unknown>[] =>
      batch.map((w) => send(['EVALSHA', NEWEST_WINS_SHA1, '1', w.key, w.version, w.value, flag]));
    const outcomes = await Promise.allSettled(sendAll(writes));
    const unloaded: Write[] = [];
    for (const [i, outcome] of outcomes.entries()) {
      if (outcome.status === 'fulfilled') continue;
      const write = writes[i];
      if (write !== undefined && isNoScript(outcome.reason)) unloaded.push(write);
      else throw outcome.reason;
    }
    if (unloaded.length === 0) return;
    // A server that restarted, failed over or flushed its scripts: load it and send the rest
    // behind it in the same round trip (one connection runs commands in order).
    await Promise.all([send(['SCRIPT', 'LOAD', NEWEST_WINS_SCRIPT]), ...sendAll(unloaded)]);
  }

  const getMany = (monitorIds: readonly MonitorId[]): Promise<Map<MonitorId, StatusEntry>> =>
    connection.run('getMany', (send) =>
      monitorIds.length === 0
        ? Promise.resolve(new Map<MonitorId, StatusEntry>())
        : readEntries(send, monitorIds),
    );

  return {
    connect: () => connection.connect(),

    async get(monitorId) {
      return (await getMany([monitorId])).get(monitorId);
    },

    getMany,

    async setMany(entries, setOptions) {
      const force = setOptions?.force === true;
      const writes = lastWritePerMonitor(entries, force, keyOf);
      await connection.run(
        'setMany',
        (send) => (writes.length === 0 ? Promise.resolve() : writeEntries(send, writes, force)),
        'silence',
      );
    },

    async delete(monitorId) {
      await connection.run('delete', (send) => send(['DEL', keyOf(monitorId)]));
    },

    async ping() {
      await connection.run('ping', async (send) => {
        const reply = await send(['PING']);
        if (reply !== 'PONG') throw unreadable('PING', reply);
      });
    },

    close: () => connection.close(),
  };
}

/**
 * One write per monitor, the one that writing them all in order would leave: the newest version
 * (the later of equal ones), or with `force` simply the last.
 */
function lastWritePerMonitor(
  entries: readonly StatusEntry[],
  force: boolean,
  keyOf: (monitorId: MonitorId) => string,
): Write[] {
  const newest = new Map<MonitorId, { entry: StatusEntry; version: number }>();
  for (const entry of entries) {
    const version = entryVersion(entry);
    const held = newest.get(entry.monitorId);
    if (force || held === undefined || version >= held.version) {
      newest.set(entry.monitorId, { entry, version });
    }
  }
  return [...newest.values()].map(({ entry, version }) => ({
    key: keyOf(entry.monitorId),
    version: String(version),
    value: encodeEntry(entry, version),
  }));
}

function isNoScript(error: unknown): boolean {
  return isErrorReply(error) && error.message.startsWith('NOSCRIPT');
}

function unreadable(command: string, reply: unknown): RedisCacheError {
  return new RedisCacheError('CACHE_FAILED', `redis ${command}: unexpected reply ${typeof reply}`);
}
