import { createClient } from 'redis';
import type { Logger } from '../../ports/logger.js';
import { RedisCacheError, isErrorReply, toCacheError } from './errors.js';

/**
 * Sends one command. Commands sent in one synchronous run are written to the socket together,
 * so a caller that sends many before awaiting any pays one round trip for all of them.
 */
export type SendCommand = (args: readonly string[]) => Promise<unknown>;

export interface RedisConnectionSettings {
  readonly url: string;
  readonly clientName: string;
  readonly connectTimeoutMs: number;
  readonly commandTimeoutMs: number;
  readonly maxReconnectDelayMs: number;
  readonly logger: Logger;
}

/**
 * One connection to Redis that fails fast while Redis is away and heals by itself.
 *
 * - Calls never queue for a connection that is down: they reject at once with
 *   CACHE_UNAVAILABLE. They wait (within their deadline) only while a first connection, or the
 *   immediate reconnect after a drop, is under way.
 * - Every call has a deadline of `commandTimeoutMs` (see Deadline). The driver's own timeout
 *   stops at the socket, so a server that accepts commands and never answers (a hung server, a
 *   half-open connection) would otherwise hold callers until TCP gives up, minutes later. When
 *   a call expires on a connection that has not answered anything for a good part of that time,
 *   the connection is taken for dead and replaced; the same happens when a new connection gets
 *   no answer to its handshake within `connectTimeoutMs`.
 * - Lost connections are retried with exponential backoff and jitter up to
 *   `maxReconnectDelayMs`, until `close`.
 */
export interface RedisConnection {
  /**
   * Starts connecting if not yet started and resolves once Redis answers. Rejects with
   * CACHE_UNAVAILABLE when the first attempt fails or nothing answers within
   * `connectTimeoutMs`; the connection keeps trying in the background either way.
   */
  connect(): Promise<void>;
  /** Runs `call` on a ready connection within its deadline; errors become RedisCacheErrors. */
  run<T>(
    operation: string,
    call: (send: SendCommand) => Promise<T>,
    deadline?: Deadline,
  ): Promise<T>;
  /** Lets running calls end (each within its deadline), then drops the connection. Idempotent. */
  close(): Promise<void>;
}

/**
 * - `total`: the call fails `commandTimeoutMs` after it began, for reads that a caller would
 *   rather answer from elsewhere than wait for.
 * - `silence`: the call fails once the connection has sent no reply for `commandTimeoutMs`;
 *   while replies keep coming it may take longer, so that a large write on a busy server is not
 *   failed (and redone) for being large.
 */
export type Deadline = 'total' | 'silence';

/** What this module uses of the driver's client. */
interface Client {
  sendCommand(args: readonly string[]): Promise<unknown>;
  connect(): Promise<unknown>;
  destroy(): void;
  on(event: 'error', listener: (error: unknown) => void): unknown;
  on(event: 'connect', listener: () => void): unknown;
}

/**
 * - `connecting`: a first connection, or the immediate reconnect after a drop: calls wait.
 * - `down`: an attempt failed or the connection was taken for dead: calls fail at once.
 */
type State = 'idle' | 'connecting' | 'ready' | 'down' | 'closed';

interface Waiter {
  resolve(client: Client): void;
  reject(error: RedisCacheError): void;
}

/** Commands the driver holds at most (sent or waiting to be), a bound on memory when stuck. */
const MAX_QUEUED_COMMANDS = 100_000;
const FIRST_RECONNECT_DELAY_MS = 100;

export function createRedisConnection(settings: RedisConnectionSettings): RedisConnection {
  const { commandTimeoutMs, connectTimeoutMs, logger: log } = settings;
  let state: State = 'idle';
  /** The client of the current attempt or connection; null between attempts. */
  let client: Client | null = null;
  let lastError: unknown = null;
  /** Attempts since the last ready connection; sets the backoff. */
  let failedAttempts = 0;
  /** When the current client last got a reply (performance.now()). */
  let lastReplyAt = 0;
  /** When the current outage began; null while connected. For logs only. */
  let downSince: number | null = null;
  let handshakeTimer: NodeJS.Timeout | undefined;
  let reconnectTimer: NodeJS.Timeout | undefined;
  const waiters = new Set<Waiter>();
  const running = new Set<Promise<unknown>>();
  let closing: Promise<void> | null = null;

  /** 0 for the first attempt after a connection was lost, then doubling, with jitter. */
  const reconnectDelayMs = (): number => {
    if (failedAttempts === 0) return 0;
    const jitter = 0.75 + Math.random() * 0.5;
    const delay = FIRST_RECONNECT_DELAY_MS * 2 ** (failedAttempts - 1) * jitter;
    return Math.round(Math.min(settings.maxReconnectDelayMs, delay));
  };

  /**
   * One attempt: a client that connects once. The driver's own reconnect loop is off, so that
   * every retry goes through `lost` (backoff, state, logs) and `close` leaves nothing running.
   */
  function open(): void {
    const created: Client = createClient({
      url: settings.url,
      name: settings.clientName,
      disableOfflineQueue: true,
      commandsQueueMaxLength: MAX_QUEUED_COMMANDS,
      socket: { connectTimeout: connectTimeoutMs, reconnectStrategy: false },
    });
    client = created;
    // Listeners stay on a dropped client too, so that its late errors are never unhandled.
    created.on('error', (error) => {
      lost(created, error, false);
    });
    created.on('connect', () => {
      if (created === client) armHandshakeTimer(created);
    });
    created.connect().then(
      () => {
        if (created === client) onReady(created);
      },
      (error: unknown) => {
        lost(created, error, false);
      },
    );
  }

  function onReady(ready: Client): void {
    clearTimeout(handshakeTimer);
    state = 'ready';
    failedAttempts = 0;
    lastReplyAt = performance.now();
    if (downSince === null) {
      log.info({}, 'status cache connected to Redis');
    } else {
      log.info({ downMs: Math.round(performance.now() - downSince) }, 'status cache reconnected');
      downSince = null;
    }
    for (const waiter of waiters) waiter.resolve(ready);
    waiters.clear();
  }

  /**
   * The attempt or connection of `from` is over. A connection that was working and dropped is
   * retried at once, with calls waiting for that attempt; anything else (a failed attempt, a
   * connection that went silent) makes the cache down until a new connection is ready.
   */
  function lost(from: Client, error: unknown, silent: boolean): void {
    if (from !== client) return;
    client = null;
    clearTimeout(handshakeTimer);
    dispose(from);
    lastError = error;
    if (downSince === null) {
      downSince = performance.now();
      log.warn({ err: error }, 'status cache cannot reach Redis; reads fall back to the store');
    } else {
      log.debug({ err: error }, 'status cache still cannot reach Redis');
    }
    if (state === 'ready' && !silent) {
      state = 'connecting';
    } else {
      state = 'down';
      for (const waiter of waiters) waiter.reject(unavailable());
      waiters.clear();
    }
    const delayMs = reconnectDelayMs();
    failedAttempts++;
    reconnectTimer = setTimeout(open, delayMs);
  }

  function armHandshakeTimer(connected: Client): void {
    clearTimeout(handshakeTimer);
    handshakeTimer = setTimeout(() => {
      if (connected === client && state !== 'ready') {
        const reason = `Redis accepted a connection but did not answer within ${connectTimeoutMs} ms`;
        lost(connected, new Error(reason), true);
      }
    }, connectTimeoutMs);
  }

  function unavailable(): RedisCacheError {
    const why = lastError instanceof Error ? `: ${lastError.message}` : '';
    return new RedisCacheError('CACHE_UNAVAILABLE', `redis is not connected${why}`, {
      cause: lastError,
    });
  }

  const closedError = (): RedisCacheError =>
    new RedisCacheError('CACHE_CLOSED', 'the status cache is closed');

  function start(): void {
    if (state !== 'idle') return;
    state = 'connecting';
    open();
  }

  /** The ready client, after waiting for an attempt under way; rejects at once when down. */
  function readyClient(): Promise<Client> {
    if (state === 'ready' && client !== null) return Promise.resolve(client);
    if (state === 'connecting') {
      return new Promise<Client>((resolve, reject) => waiters.add({ resolve, reject }));
    }
    return Promise.reject(state === 'closed' ? closedError() : unavailable());
  }

  function sender(on: Client): SendCommand {
    const noteReply = (): void => {
      if (on === client) lastReplyAt = performance.now();
    };
    return (args) =>
      on.sendCommand(args).then(
        (reply) => {
          noteReply();
          return reply;
        },
        (error: unknown) => {
          if (isErrorReply(error)) noteReply();
          throw error;
        },
      );
  }

  function run<T>(
    operation: string,
    call: (send: SendCommand) => Promise<T>,
    deadline: Deadline = 'total',
  ): Promise<T> {
    if (state === 'closed') return Promise.reject(closedError());
    start();
    const result = new Promise<T>((resolve, reject) => {
      let timedOut = false;
      let finished = false;
      let sent: { on: Client; at: number } | null = null;
      const expire = (): void => {
        if (finished) return;
        const quietMs =
          sent === null ? Infinity : performance.now() - Math.max(sent.at, lastReplyAt);
        if (deadline === 'silence' && quietMs < commandTimeoutMs) {
          timer = setTimeout(afterPendingReads, Math.ceil(commandTimeoutMs - quietMs));
          return;
        }
        timedOut = true;
        // Dead rather than slow: the connection has not answered anything for at least half
        // the timeout while this call waited on it. (Half, not all: the call's timer started a
        // little before it sent, and a live server answers in milliseconds.)
        if (sent !== null && sent.on === client && quietMs >= commandTimeoutMs / 2) {
          lost(sent.on, new Error(`Redis did not answer within ${commandTimeoutMs} ms`), true);
        }
        reject(
          new RedisCacheError(
            'CACHE_TIMEOUT',
            `redis ${operation}: no answer within ${commandTimeoutMs} ms`,
          ),
        );
      };
      // Timers run before pending socket reads in the event loop: after the loop was busy, a
      // reply may be waiting unread. Read first, then judge.
      const afterPendingReads = (): void => {
        setImmediate(expire);
      };
      let timer = setTimeout(afterPendingReads, commandTimeoutMs);
      readyClient()
        .then((ready) => {
          // A call whose caller has given up sends nothing.
          if (timedOut) return undefined as T;
          sent = { on: ready, at: performance.now() };
          return call(sender(ready));
        })
        .then(
          (value) => {
            finished = true;
            clearTimeout(timer);
            resolve(value);
          },
          (error: unknown) => {
            finished = true;
            clearTimeout(timer);
            reject(toCacheError(operation, error));
          },
        );
    });
    const settled = result.then(
      () => undefined,
      () => undefined,
    );
    running.add(settled);
    void settled.then(() => running.delete(settled));
    return result;
  }

  function connect(): Promise<void> {
    if (state === 'closed') return Promise.reject(closedError());
    start();
    if (state === 'ready') return Promise.resolve();
    if (state !== 'connecting') return Promise.reject(unavailable());
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      const timer = setTimeout(() => {
        waiters.delete(waiter);
        reject(
          new RedisCacheError(
            'CACHE_UNAVAILABLE',
            `redis did not answer within ${connectTimeoutMs} ms; still trying`,
            { cause: lastError },
          ),
        );
      }, connectTimeoutMs);
      waiters.add(waiter);
    });
  }

  function close(): Promise<void> {
    closing ??= (async () => {
      const last = client;
      client = null;
      state = 'closed';
      clearTimeout(handshakeTimer);
      clearTimeout(reconnectTimer);
      for (const waiter of waiters) waiter.reject(closedError());
      waiters.clear();
      await Promise.all(running);
      if (last !== null) dispose(last);
    })();
    return closing;
  }

  return { connect, run, close };
}

/** Rejects whatever the client still holds and closes its socket. */
function dispose(client: Client): void {
  try {
    client.destroy();
  } catch {
    // Already closed by the driver: its queue was flushed before the throw.
  }
}
