import type { CheckResult } from '../../domain/check.js';
import type { StatusChanged } from '../../domain/events.js';
import { uuidv7, type MonitorId } from '../../domain/ids.js';
import type { Clock } from '../../ports/clock.js';
import type { EventBus, Subscription } from '../../ports/event-bus.js';
import type { Logger } from '../../ports/logger.js';

/** One client's end of the stream: an HTTP response, seen through what the hub needs. */
export interface StreamSink {
  write(chunk: string): void;
  /** Bytes written but not yet taken by the network. */
  bufferedBytes(): number;
  /** `graceful`: send what is buffered, then end; else drop the connection at once. */
  close(graceful: boolean): void;
}

/** Which check results a client receives; status changes go to every client. */
export type ResultFilter =
  | { readonly kind: 'none' }
  | { readonly kind: 'all' }
  | { readonly kind: 'monitor'; readonly monitorId: MonitorId };

export interface StreamConnection {
  /** Result events not sent because the client was not keeping up. */
  droppedResults(): number;
  /** Forgets the client (it went away); does not touch the sink. */
  close(): void;
}

export interface StreamHubDeps {
  readonly bus: EventBus;
  readonly clock: Clock;
  readonly logger: Logger;
}

export interface StreamHubOptions {
  /** A `: ping` comment to every client this often, so proxies keep the connection. */
  readonly pingIntervalMs?: number;
  /** Past this many unsent bytes a client gets no result events (they are counted instead). */
  readonly resultBacklogBytes?: number;
  /**
   * Past this many unsent bytes even status changes cannot be queued: the connection is dropped,
   * and the client, reconnecting, reloads what it shows.
   */
  readonly maxBacklogBytes?: number;
}

const DEFAULTS = {
  pingIntervalMs: 15_000,
  resultBacklogBytes: 64 * 1024,
  maxBacklogBytes: 1024 * 1024,
} as const;

/** The reconnection delay a client is told before anything else. */
export const STREAM_PREAMBLE = 'retry: 3000\n\n';

/**
 * The live updates of the api role: it reads `status` and `results` with consumer groups of its
 * own (unique per process, so that every api process sees every message) and fans each message
 * out to the clients connected to this process. Memory per client is bounded: result events are
 * dropped (and counted) for a client whose connection is backed up, and a client so far behind
 * that status changes would pile up is disconnected.
 */
export interface StreamHub {
  /** Subscribes to the bus; resolves once both subscriptions are in place. */
  start(): Promise<void>;
  connect(sink: StreamSink, filter: ResultFilter): StreamConnection;
  /** Ends every client's stream (gracefully) and forgets them; new clients may still connect. */
  disconnectAll(): void;
  /** Closes the subscriptions and the ping timer, and ends every stream. */
  stop(): Promise<void>;
  stats(): { readonly clients: number; readonly droppedResults: number; readonly dropped: number };
}

interface Client {
  readonly sink: StreamSink;
  readonly filter: ResultFilter;
  droppedResults: number;
}

const frame = (event: string, data: unknown): string =>
  `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

export function createStreamHub(deps: StreamHubDeps, options: StreamHubOptions = {}): StreamHub {
  const { bus, clock } = deps;
  const logger = deps.logger.child({ component: 'stream-hub' });
  const settings = { ...DEFAULTS, ...options };
  const clients = new Set<Client>();
  const subscriptions: Subscription[] = [];
  const group = `api-stream-${uuidv7()}`;
  let cancelPing: (() => void) | null = null;
  let droppedResults = 0;
  let dropped = 0;

  /** Drops a client whose backlog passed the bound; true when it did. */
  const overflowed = (client: Client): boolean => {
    if (client.sink.bufferedBytes() <= settings.maxBacklogBytes) return false;
    clients.delete(client);
    dropped += 1;
    logger.debug(
      { droppedResults: client.droppedResults },
      'a stream client fell too far behind; disconnected',
    );
    client.sink.close(false);
    return true;
  };

  const toEveryone = (chunk: string): void => {
    for (const client of clients) {
      if (!overflowed(client)) client.sink.write(chunk);
    }
  };

  const onStatus = (changes: readonly StatusChanged[]): void => {
    for (const change of changes) {
      toEveryone(
        frame('status', {
          monitorId: change.monitor.id,
          status: change.status,
          previousStatus: change.previousStatus,
          at: change.at,
        }),
      );
    }
  };

  const onResults = (results: readonly CheckResult[]): void => {
    for (const result of results) {
      let chunk: string | undefined;
      for (const client of clients) {
        const { filter } = client;
        if (filter.kind === 'none') continue;
        if (filter.kind === 'monitor' && filter.monitorId !== result.monitorId) continue;
        if (client.sink.bufferedBytes() > settings.resultBacklogBytes) {
          client.droppedResults += 1;
          droppedResults += 1;
          continue;
        }
        chunk ??= frame('result', {
          monitorId: result.monitorId,
          checkedAt: result.checkedAt,
          status: result.status,
          latencyMs: result.latencyMs,
          httpStatus: result.httpStatus,
          error: result.error,
        });
        client.sink.write(chunk);
      }
    }
  };

  const schedulePing = (): void => {
    cancelPing = clock.setTimer(() => {
      toEveryone(': ping\n\n');
      schedulePing();
    }, settings.pingIntervalMs);
  };

  // A handler that throws would have the batch redelivered: a live view has no use for that.
  const guarded =
    <T>(handle: (values: readonly T[]) => void) =>
    (messages: readonly { readonly value: T }[]): Promise<void> => {
      try {
        handle(messages.map((m) => m.value));
      } catch (error) {
        logger.warn({ err: error }, 'live update not sent');
      }
      return Promise.resolve();
    };

  const disconnectAll = (): void => {
    for (const client of clients) client.sink.close(true);
    clients.clear();
  };

  return {
    async start() {
      try {
        subscriptions.push(await bus.subscribe('status', group, guarded(onStatus)));
        subscriptions.push(await bus.subscribe('results', group, guarded(onResults)));
      } catch (error) {
        await Promise.allSettled(subscriptions.splice(0).map((s) => s.close()));
        throw error;
      }
      schedulePing();
    },

    connect(sink, filter) {
      const client: Client = { sink, filter, droppedResults: 0 };
      clients.add(client);
      sink.write(STREAM_PREAMBLE);
      return {
        droppedResults: () => client.droppedResults,
        close: () => {
          clients.delete(client);
        },
      };
    },

    disconnectAll,

    async stop() {
      cancelPing?.();
      cancelPing = null;
      disconnectAll();
      const closing = subscriptions.splice(0);
      await Promise.all(closing.map((s) => s.close()));
    },

    stats: () => ({ clients: clients.size, droppedResults, dropped }),
  };
}
