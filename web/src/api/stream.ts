import { createSseParser } from '../lib/sse-parser.js';
import type { ApiClient } from './client.js';

export type StreamState =
  /** Connecting, or waiting to reconnect. */
  | 'connecting'
  | 'live'
  /** The server has no stream route: callers poll instead. */
  | 'unavailable';

export interface StreamHandlers {
  onEvent(event: string, data: unknown): void;
  onState(state: StreamState): void;
  /** A connection opened after an earlier one was lost: events may have been missed. */
  onReconnected(): void;
}

export interface StreamOptions {
  readonly initialDelayMs?: number;
  readonly maxDelayMs?: number;
  /** No bytes (not even `: ping`) for this long: the connection is dead. */
  readonly idleTimeoutMs?: number;
  /** How often to look again for a stream route that answered 404. */
  readonly unavailableRetryMs?: number;
}

/**
 * Reads `GET /api/v1/stream<query>` with the bearer header (EventSource cannot send one) and
 * reconnects by itself with exponential backoff and jitter, starting from the server's `retry:`.
 * Returns the function that closes it for good.
 */
export function openStream(
  api: ApiClient,
  query: string,
  handlers: StreamHandlers,
  options: StreamOptions = {},
): () => void {
  const maxDelayMs = options.maxDelayMs ?? 30_000;
  const idleTimeoutMs = options.idleTimeoutMs ?? 45_000;
  let baseDelayMs = options.initialDelayMs ?? 1_000;
  let failures = 0;
  let connectedBefore = false;
  let closed = false;
  let controller: AbortController | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;

  const later = (ms: number): void => {
    if (closed) return;
    timer = setTimeout(() => {
      void connect();
    }, ms);
  };
  const backoff = (): number => {
    failures += 1;
    const ms = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.min(failures - 1, 10));
    return ms / 2 + Math.random() * (ms / 2);
  };

  const connect = async (): Promise<void> => {
    handlers.onState('connecting');
    controller = new AbortController();
    const ac = controller;
    let idle: ReturnType<typeof setTimeout> | undefined;
    const feed = (): void => {
      clearTimeout(idle);
      idle = setTimeout(() => {
        ac.abort();
      }, idleTimeoutMs);
    };
    try {
      const res = await api.open(`/stream${query}`, {
        headers: { accept: 'text/event-stream' },
        signal: ac.signal,
      });
      if (res.status === 401) return; // the session is over; the client has said so
      if (res.status === 404 || res.status === 405) {
        handlers.onState('unavailable');
        later(options.unavailableRetryMs ?? 60_000);
        return;
      }
      if (!res.ok || res.body === null) throw new Error(`stream answered ${res.status}`);
      failures = 0;
      handlers.onState('live');
      if (connectedBefore) handlers.onReconnected();
      connectedBefore = true;
      const parser = createSseParser(
        (e) => {
          let data: unknown = e.data;
          try {
            data = JSON.parse(e.data);
          } catch {
            // not JSON: handed on as text
          }
          handlers.onEvent(e.event, data);
        },
        (ms) => {
          baseDelayMs = ms;
        },
      );
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      feed();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        feed();
        parser.push(value);
      }
    } catch {
      // network error, idle timeout or close(): reconnect below unless closed
    } finally {
      clearTimeout(idle);
    }
    if (!closed) {
      handlers.onState('connecting');
      later(backoff());
    }
  };

  void connect();
  return () => {
    closed = true;
    if (timer !== null) clearTimeout(timer);
    controller?.abort();
  };
}
