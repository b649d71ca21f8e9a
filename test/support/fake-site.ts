/**
 * A local website whose behaviour tests control, for checking checks.
 *
 *   const site = await startFakeSite(t);          // http://127.0.0.1:<port>, closed after the test
 *   site.setMode({ kind: 'down' });               // every path answers 500 from now on
 *   await site.waitForHits(1, '/');               // resolves once a request for "/" arrived
 *
 * The mode applies to every path. In the `up` and `slow` modes, fixed paths answer specially:
 *
 * | path                          | answer                                                        |
 * | ----------------------------- | ------------------------------------------------------------- |
 * | `/redirect/N`                 | 302 to `/redirect/N-1` (relative); `/redirect/0` is 200       |
 * | `/absolute-redirect/N`        | the same with absolute `Location` URLs                        |
 * | `/loop`                       | 302 to itself                                                 |
 * | `/keyword`                    | 200 with {@link KEYWORD_PAGE} (it contains "operational")     |
 * | `/big?bytes=N&tail=WORD`      | 200 with N filler bytes, then WORD                            |
 * | `/chunks?text=T&size=N`       | 200 with T sent in separate chunks of N bytes, 5 ms apart     |
 * | `/gzip?text=T`                | 200 with T gzip-encoded                                       |
 * | `/status/NNN`                 | that status                                                   |
 * | `/stall-body`                 | 200 with a first chunk of body, then never the rest           |
 *
 * Every request is logged (method, path with query, headers, body, arrival time) once its body
 * has arrived, before the site answers.
 */
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';
import { gzipSync } from 'node:zlib';

export type FakeSiteMode =
  /** Answers `status` (200) with `body` ("OK") after `delayMs` (0). */
  | {
      readonly kind: 'up';
      readonly status?: number;
      readonly body?: string;
      readonly delayMs?: number;
    }
  /** Answers `status` (500) at once. */
  | { readonly kind: 'down'; readonly status?: number }
  /** Answers like `up`, after `delayMs`. */
  | { readonly kind: 'slow'; readonly delayMs: number }
  /** Accepts the connection and the request, and never answers. */
  | { readonly kind: 'hang' }
  /** Resets the connection (TCP RST) once the request has arrived. */
  | { readonly kind: 'reset' };

export interface FakeSiteRequest {
  readonly method: string;
  /** Path and query, as sent. */
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** Epoch ms when the request arrived. */
  readonly at: number;
}

export interface FakeSite {
  /** `http://127.0.0.1:<port>` (or `https://` for a TLS site), without a trailing slash. */
  readonly url: string;
  readonly port: number;
  setMode(mode: FakeSiteMode): void;
  /** Every request so far, oldest first. */
  readonly requests: readonly FakeSiteRequest[];
  /** How many requests arrived, for one path (without its query) or for all. */
  hits(path?: string): number;
  /** Resolves once `hits(path)` reaches `count`. */
  waitForHits(count: number, path?: string): Promise<void>;
  clearRequests(): void;
  /** Stops the server and drops every connection, hanging ones included. */
  close(): Promise<void>;
}

/** The body of `/keyword`. */
export const KEYWORD_PAGE =
  '<html><body><h1>Status</h1><p>All systems operational</p></body></html>';

export type TlsCertificateName = 'localhost' | 'expired' | 'wrong-host';

const fixtures = new URL('../fixtures/tls/', import.meta.url);

/** Starts an http site on 127.0.0.1; with `t`, it is closed after the test. */
export function startFakeSite(t?: TestContext): Promise<FakeSite> {
  return start((handler) => createHttpServer(handler), 'http', t);
}

/**
 * Starts an https site on 127.0.0.1 with a self-signed certificate from `test/fixtures/tls`:
 * `localhost` (default; valid until 2125 for localhost and 127.0.0.1), `expired` (2020) or
 * `wrong-host` (for wrong.example only).
 */
export function startTlsFakeSite(
  t?: TestContext,
  options: { readonly certificate?: TlsCertificateName } = {},
): Promise<FakeSite> {
  const name = options.certificate ?? 'localhost';
  const key = readFileSync(new URL(`${name}.key`, fixtures));
  const cert = readFileSync(new URL(`${name}.crt`, fixtures));
  return start((handler) => createHttpsServer({ key, cert }, handler), 'https', t);
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

async function start(
  create: (handler: Handler) => Server,
  scheme: 'http' | 'https',
  t: TestContext | undefined,
): Promise<FakeSite> {
  let mode: FakeSiteMode = { kind: 'up' };
  const requests: FakeSiteRequest[] = [];
  const waiters = new Set<() => void>();
  const timers = new Set<NodeJS.Timeout>();
  let closing: Promise<void> | null = null;

  const later = (fn: () => void, ms: number): void => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms);
    timers.add(timer);
  };
  const pathOf = (path: string): string => path.split('?')[0] ?? path;
  const hits = (path?: string): number =>
    path === undefined ? requests.length : requests.filter((r) => pathOf(r.path) === path).length;

  const server = create((req, res) => {
    const chunks: Buffer[] = [];
    const at = Date.now();
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      requests.push({
        method: req.method ?? '',
        path: req.url ?? '/',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at,
      });
      for (const wake of [...waiters]) wake();
      answer(mode, { req, res, origin, later });
    });
  });
  // A client that goes away mid-request is normal here (checks time out, reset, give up).
  server.on('clientError', (_error, socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const origin = `${scheme}://127.0.0.1:${port}`;

  const site: FakeSite = {
    url: origin,
    port,
    setMode(next) {
      mode = next;
    },
    get requests() {
      return requests;
    },
    hits,
    waitForHits(count, path) {
      return new Promise<void>((resolve) => {
        const wake = (): void => {
          if (hits(path) < count) return;
          waiters.delete(wake);
          resolve();
        };
        waiters.add(wake);
        wake();
      });
    },
    clearRequests() {
      requests.length = 0;
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      });
      return closing;
    },
  };
  t?.after(() => site.close());
  return site;
}

/** One request being answered. */
interface Exchange {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly origin: string;
  /** A timer the site cancels when it closes. */
  readonly later: (fn: () => void, ms: number) => void;
}

function answer(mode: FakeSiteMode, ex: Exchange): void {
  switch (mode.kind) {
    case 'hang':
      return;
    case 'reset':
      ex.req.socket.resetAndDestroy();
      return;
    case 'down':
      send(ex.res, mode.status ?? 500, 'down');
      return;
    case 'slow':
      ex.later(() => {
        route(ex, 200, 'OK');
      }, mode.delayMs);
      return;
    case 'up': {
      const delayMs = mode.delayMs ?? 0;
      const reply = (): void => {
        route(ex, mode.status ?? 200, mode.body ?? 'OK');
      };
      if (delayMs > 0) ex.later(reply, delayMs);
      else reply();
      return;
    }
  }
}

function send(
  res: ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers });
  res.end(body);
}

function redirect(res: ServerResponse, location: string): void {
  res.writeHead(302, { location });
  res.end();
}

function route(ex: Exchange, status: number, body: string): void {
  const { res, origin } = ex;
  const url = new URL(ex.req.url ?? '/', origin);
  const [, first = '', second = ''] = url.pathname.split('/');
  const hops = Number(second);
  if (
    (first === 'redirect' || first === 'absolute-redirect') &&
    Number.isInteger(hops) &&
    hops >= 0
  ) {
    const next = `/${first}/${hops - 1}`;
    if (hops === 0) send(res, 200, 'end of the redirect chain');
    else redirect(res, first === 'redirect' ? next : `${origin}${next}`);
    return;
  }
  if (first === 'status' && /^[1-5][0-9]{2}$/.test(second)) {
    send(res, Number(second), `status ${second}`);
    return;
  }
  const param = (name: string): string => url.searchParams.get(name) ?? '';
  switch (url.pathname) {
    case '/loop':
      redirect(res, '/loop');
      return;
    case '/keyword':
      send(res, 200, KEYWORD_PAGE, { 'content-type': 'text/html; charset=utf-8' });
      return;
    case '/big':
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write(Buffer.alloc(Number(param('bytes')), '.'));
      res.end(param('tail'));
      return;
    case '/chunks':
      sendInChunks(ex, Buffer.from(param('text'), 'utf8'), Math.max(1, Number(param('size'))));
      return;
    case '/gzip':
      res.writeHead(200, { 'content-type': 'text/plain', 'content-encoding': 'gzip' });
      res.end(gzipSync(param('text')));
      return;
    case '/stall-body':
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('the first part of the body, and then nothing');
      return;
    default:
      send(res, status, body);
  }
}

function sendInChunks(ex: Exchange, text: Buffer, size: number): void {
  ex.res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
  const sendFrom = (offset: number): void => {
    if (offset >= text.length) {
      ex.res.end();
      return;
    }
    ex.res.write(text.subarray(offset, offset + size));
    ex.later(() => {
      sendFrom(offset + size);
    }, 5);
  };
  sendFrom(0);
}
