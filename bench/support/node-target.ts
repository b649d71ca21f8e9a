/**
 * The target when nginx is missing: a minimal node:http server in a process of its own (a fixed
 * 200, and `/slow…` after 50 ms). It is slower than nginx, so figures against it are not
 * comparable and no ceiling is measured against it.
 */
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { Target } from './nginx.js';
import { bounded, cpuMs, freePort, hasExited, sleep, spawnTracked, stopChild } from './proc.js';

const SELF = fileURLToPath(import.meta.url);

export async function startNodeTarget(): Promise<Target> {
  const port = await freePort();
  const child = spawnTracked(process.execPath, ['--import', 'tsx', SELF, '--serve', String(port)], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = (): Promise<void> => stopChild(child, 'SIGTERM', 3_000);
  try {
    await bounded(
      'starting the node target',
      15_000,
      (async () => {
        for (;;) {
          if (hasExited(child)) throw new Error('the node target exited at start');
          try {
            const res = await fetch(`${url}/`);
            await res.arrayBuffer();
            if (res.status === 200) return;
          } catch {
            // Not listening yet.
          }
          await sleep(20);
        }
      })(),
    );
  } catch (error) {
    await stop();
    throw error;
  }
  const pid = child.pid ?? -1;
  return { kind: 'node', url, slow: true, cpuMs: () => cpuMs(pid) ?? 0, stop };
}

function serve(port: number): void {
  const server = createServer((req, res) => {
    const answer = (): void => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok\n');
    };
    if (req.url?.startsWith('/slow') === true) setTimeout(answer, 50);
    else answer();
  });
  server.listen(port, '127.0.0.1');
  process.once('SIGTERM', () => {
    server.close();
    server.closeAllConnections();
  });
}

if (process.argv[1] === SELF && process.argv[2] === '--serve') serve(Number(process.argv[3]));
