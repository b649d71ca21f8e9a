import { silentLogger, type Logger } from '../../ports/logger.js';

export interface RedisStatusCacheOptions {
  /** `redis[s]://[[user][:password]@]host[:port][/db]`. */
  readonly url: string;
  /** Prepended to every key, so that several deployments can share one server. */
  readonly keyPrefix?: string;
  readonly logger?: Logger;
  /** Limit for one TCP connect, and for `connect()` to wait for a first connection. */
  readonly connectTimeoutMs?: number;
  /**
   * A read, delete or ping not answered this long after it began, or a write after which Redis
   * has sent no reply this long, rejects with CACHE_TIMEOUT.
   */
  readonly commandTimeoutMs?: number;
  /** Upper bound of the backoff between reconnect attempts. */
  readonly maxReconnectDelayMs?: number;
  /** The connection's name on the server (`CLIENT LIST`), to find it in operations. */
  readonly clientName?: string;
}

export type ResolvedOptions = Required<RedisStatusCacheOptions>;

export const DEFAULTS = {
  keyPrefix: 'uptime:',
  connectTimeoutMs: 2_000,
  commandTimeoutMs: 1_000,
  maxReconnectDelayMs: 3_000,
  clientName: 'uptime-status-cache',
} as const;

/** Options merged over the defaults, validated once; throws a RangeError naming the bad one. */
export function resolveOptions(options: RedisStatusCacheOptions): ResolvedOptions {
  const resolved: ResolvedOptions = {
    url: options.url,
    keyPrefix: options.keyPrefix ?? DEFAULTS.keyPrefix,
    logger: options.logger ?? silentLogger,
    connectTimeoutMs: options.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs,
    commandTimeoutMs: options.commandTimeoutMs ?? DEFAULTS.commandTimeoutMs,
    maxReconnectDelayMs: options.maxReconnectDelayMs ?? DEFAULTS.maxReconnectDelayMs,
    clientName: options.clientName ?? DEFAULTS.clientName,
  };
  if (!/^rediss?:\/\//.test(resolved.url)) {
    throw new RangeError('redis status cache: url must start with redis:// or rediss://');
  }
  for (const name of ['connectTimeoutMs', 'commandTimeoutMs', 'maxReconnectDelayMs'] as const) {
    const value = resolved[name];
    if (!Number.isFinite(value) || value <= 0) {
      throw new RangeError(`redis status cache: ${name} must be a positive number, got ${value}`);
    }
  }
  if (/\s/.test(resolved.clientName) || resolved.clientName === '') {
    throw new RangeError('redis status cache: clientName must be a non-empty word without spaces');
  }
  return resolved;
}
