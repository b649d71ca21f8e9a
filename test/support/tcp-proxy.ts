import net from 'node:net';

/**
 * A TCP proxy in front of a server, for tests of what a client does on a slow or silent network:
 * it can hold back replies (a client that sends everything while no reply has come back made one
 * round trip), hold all traffic as a hung server or a half-open connection would, slow replies
 * down, and name the Redis commands clients send.
 */
export interface TcpProxy {
  readonly port: number;
  /** Replies cut into pieces of `bytes`, one piece every `everyMs`: a slow but live server. */
  replyPacing: { readonly bytes: number; readonly everyMs: number } | null;
  /** Names (upper case) of the RESP commands clients sent, in order. */
  readonly commands: string[];
  /** Holds the server's replies, or all traffic both ways, of open and new connections. */
  hold(what: 'replies' | 'all'): void;
  /** Lets everything held through, in order. */
  release(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  const held: (() => void)[] = [];
  let holding: 'none' | 'replies' | 'all' = 'none';
  const commands: string[] = [];

  const pass = (forward: () => void, isReply: boolean): void => {
    if (holding === 'all' || (holding === 'replies' && isReply)) held.push(forward);
    else forward();
  };

  const server = net.createServer((client) => {
    const upstream = net.connect(target);
    sockets.add(client).add(upstream);
    const parser = respCommandNames((name) => commands.push(name));
    client.on('data', (chunk) => {
      parser(chunk);
      pass(() => upstream.write(chunk), false);
    });
    const paced = pacedWriter(client, () => proxy.replyPacing);
    upstream.on('data', (chunk) => {
      pass(() => {
        if (proxy.replyPacing !== null) paced(chunk);
        else client.write(chunk);
      }, true);
    });
    const end = (): void => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => {
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('proxy has no port');

  const proxy: TcpProxy = {
    port: address.port,
    replyPacing: null,
    commands,
    hold(what) {
      holding = what;
    },
    release() {
      holding = 'none';
      for (const forward of held.splice(0)) forward();
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      });
    },
  };
  return proxy;
}

/** Writes to `socket` in pieces at the pace given, in order, across chunks. */
function pacedWriter(
  socket: net.Socket,
  pacing: () => { readonly bytes: number; readonly everyMs: number } | null,
): (chunk: Buffer) => void {
  const queue: Buffer[] = [];
  let timer: NodeJS.Timeout | null = null;
  const next = (): void => {
    const piece = queue.shift();
    if (piece === undefined || socket.destroyed) {
      timer = null;
      return;
    }
    socket.write(piece);
    timer = setTimeout(next, pacing()?.everyMs ?? 0);
  };
  return (chunk) => {
    const bytes = pacing()?.bytes ?? chunk.length;
    for (let at = 0; at < chunk.length; at += bytes) queue.push(chunk.subarray(at, at + bytes));
    timer ??= setTimeout(next, 0);
  };
}

/**
 * Feeds on a client's byte stream and reports the name of each complete RESP command (an array
 * of bulk strings, as clients send them). Stops reporting if the stream is not RESP.
 */
function respCommandNames(report: (name: string) => void): (chunk: Buffer) => void {
  let buffer = Buffer.alloc(0);
  let broken = false;
  return (chunk) => {
    if (broken) return;
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      const parsed = parseCommand(buffer);
      if (parsed === 'incomplete') return;
      if (parsed === 'invalid') {
        broken = true;
        return;
      }
      report(parsed.name);
      buffer = buffer.subarray(parsed.length);
    }
  };
}

function parseCommand(buffer: Buffer): { name: string; length: number } | 'incomplete' | 'invalid' {
  const line = (from: number): { text: string; next: number } | null => {
    const end = buffer.indexOf('\r\n', from);
    return end < 0 ? null : { text: buffer.toString('latin1', from, end), next: end + 2 };
  };
  const header = line(0);
  if (header === null) return 'incomplete';
  if (!header.text.startsWith('*')) return 'invalid';
  const count = Number(header.text.slice(1));
  let at = header.next;
  let name = '';
  for (let i = 0; i < count; i++) {
    const size = line(at);
    if (size === null) return 'incomplete';
    if (!size.text.startsWith('$')) return 'invalid';
    const length = Number(size.text.slice(1));
    if (buffer.length < size.next + length + 2) return 'incomplete';
    if (i === 0) name = buffer.toString('latin1', size.next, size.next + length).toUpperCase();
    at = size.next + length + 2;
  }
  return { name, length: at };
}
