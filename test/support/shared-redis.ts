import { randomUUID } from 'node:crypto';
import { createClient } from 'redis';

/**
 * The Redis server the integration tests share with other runs (`REDIS_URL`, else the local
 * one). A run writes only under its own key prefix (from `UPTIME_TEST_RUN_ID`, else random) and
 * deletes those keys in `cleanUp`; it never flushes the server.
 */
export interface SharedRedis {
  readonly url: string;
  readonly address: { readonly host: string; readonly port: number };
  /** Every key of this run starts with it. */
  readonly prefix: string;
  /** The URL (credentials kept) of the same server reached through a local port. */
  through(port: number): string;
  /** The id of the connection named `name`, if one is open. */
  connectionId(name: string): Promise<string | undefined>;
  /** Runs one command on a connection of its own. */
  command<T>(args: readonly string[]): Promise<T>;
  /** Deletes this run's keys (SCAN + DEL) and closes its connection. */
  cleanUp(): Promise<void>;
}

export function sharedRedis(): SharedRedis {
  const url = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
  const runId = process.env['UPTIME_TEST_RUN_ID'] ?? randomUUID().slice(0, 8);
  const prefix = `uptime-test:${runId}:`;
  const parsed = new URL(url);
  const client = createClient({ url, socket: { connectTimeout: 2_000, reconnectStrategy: false } });
  client.on('error', () => undefined);
  let connected: Promise<unknown> | null = null;

  const command = async <T>(args: readonly string[]): Promise<T> => {
    connected ??= client.connect();
    await connected;
    return client.sendCommand<T>(args);
  };

  return {
    url,
    address: { host: parsed.hostname, port: Number(parsed.port || 6379) },
    prefix,
    through(port) {
      const proxied = new URL(url);
      proxied.hostname = '127.0.0.1';
      proxied.port = String(port);
      return proxied.toString();
    },
    async connectionId(name) {
      const list = await command<string>(['CLIENT', 'LIST']);
      const line = list.split('\n').find((l) => l.includes(` name=${name} `));
      return line === undefined ? undefined : /^id=(\d+)/.exec(line)?.[1];
    },
    command,
    async cleanUp() {
      const pattern = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
      let cursor = '0';
      do {
        const [next, keys] = await command<[string, string[]]>(['SCAN', cursor, 'MATCH', pattern]);
        if (keys.length > 0) await command(['DEL', ...keys]);
        cursor = next;
      } while (cursor !== '0');
      client.destroy();
    },
  };
}
