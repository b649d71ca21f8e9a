import { request as httpRequest } from 'node:http';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { HttpMethod } from '../../domain/monitor.js';
import type { CheckTrace } from './check-trace.js';
import { ProbeFailure, describeNetworkError } from './network-failure.js';
import { hostOf } from './open-connection.js';

/** One request of a check: the first, or one that follows a redirect. */
export interface HopRequest {
  readonly url: URL;
  readonly method: HttpMethod;
  /** As the user wrote them; names in any case. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | null;
}

const DEFAULT_HEADERS: Readonly<Record<string, string>> = {
  'user-agent': 'Uptime/0.1 (website monitor)',
  accept: '*/*',
};

const ignore = (): void => undefined;

/**
 * Sends the request over a connection made for it and resolves with the response head; the body
 * is left unread for the caller. Node sets `Connection: close`, as no agent is involved.
 */
export function sendRequest(
  socket: Socket,
  hop: HopRequest,
  trace: CheckTrace,
): Promise<IncomingMessage> {
  const host = hostOf(hop.url);
  return new Promise<IncomingMessage>((resolve, reject) => {
    let req;
    try {
      req = httpRequest({
        createConnection: () => socket,
        method: hop.method,
        path: `${hop.url.pathname}${hop.url.search}`,
        // Later entries win, whatever their case: the user's headers override the defaults.
        headers: { ...DEFAULT_HEADERS, host: hop.url.host, ...hop.headers },
        setHost: false,
      });
    } catch (error) {
      // Node validates header names and values synchronously.
      const message = error instanceof Error ? error.message : String(error);
      reject(new ProbeFailure({ kind: 'unknown', message: `invalid request: ${message}` }));
      return;
    }
    req.on('error', ignore);
    req.once('error', (error) => {
      reject(new ProbeFailure(describeNetworkError(error, host), { cause: error }));
    });
    req.once('socket', (s) => {
      s.once('data', () => {
        trace.markFirstByte();
      });
    });
    req.once('response', (res) => {
      res.on('error', ignore);
      trace.markFirstByte();
      trace.httpStatus = res.statusCode ?? null;
      resolve(res);
    });
    if (hop.body === null) req.end();
    else req.end(hop.body);
  });
}
