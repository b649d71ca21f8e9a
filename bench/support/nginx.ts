/**
 * nginx as the target of checks and of wrk: a fixed 200 on every path, and `/slow` answering
 * after 50 ms (echo module). One worker, on 127.0.0.1, everything under a temp prefix.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  adoptPid,
  bounded,
  childPids,
  commandExists,
  cpuMs,
  freePort,
  hasExited,
  sleep,
  spawnTracked,
  stopChild,
} from './proc.js';

const ECHO_MODULE = '/usr/lib/nginx/modules/ngx_http_echo_module.so';
/** Which binary: `nginx` on the PATH, else the Debian location (not on a user's PATH). */
const NGINX = commandExists('nginx') ? 'nginx' : '/usr/sbin/nginx';

/** A local HTTP target: a fixed 200 on every path, and `/slow…` after 50 ms when `slow`. */
export interface Target {
  readonly kind: 'nginx' | 'node';
  /** e.g. http://127.0.0.1:40123 (no trailing slash). */
  readonly url: string;
  /** Whether `/slow` (50 ms) is served: the echo module was found. */
  readonly slow: boolean;
  /** CPU time of the target's processes, ms. */
  cpuMs(): number;
  stop(): Promise<void>;
}

/** Why nginx cannot be used here, or null when it can. */
export function nginxMissing(): string | null {
  return commandExists(NGINX) ? null : 'nginx not found (apt-get install -y nginx-light)';
}

function config(prefix: string, port: number, slow: boolean): string {
  return [
    slow ? `load_module ${ECHO_MODULE};` : '',
    'daemon off;',
    'worker_processes 1;',
    'worker_rlimit_nofile 16384;',
    `pid ${join(prefix, 'nginx.pid')};`,
    `error_log ${join(prefix, 'error.log')} warn;`,
    'events { worker_connections 8192; }',
    'http {',
    '  access_log off;',
    ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(
      (kind) => `  ${kind}_temp_path ${join(prefix, 'temp', kind)};`,
    ),
    '  server {',
    `    listen 127.0.0.1:${port} backlog=4096;`,
    '    location / { return 200 "ok\\n"; }',
    slow ? '    location /slow { echo_sleep 0.05; echo ok; }' : '',
    '  }',
    '}',
    '',
  ].join('\n');
}

/** Starts nginx under `prefix` (a temp directory the caller removes). */
export async function startNginx(prefix: string): Promise<Target> {
  const slow = existsSync(ECHO_MODULE);
  const port = await freePort();
  mkdirSync(join(prefix, 'temp'), { recursive: true });
  const conf = join(prefix, 'nginx.conf');
  writeFileSync(conf, config(prefix, port, slow));
  const errorLog = join(prefix, 'error.log');
  const child = spawnTracked(NGINX, ['-p', prefix, '-c', conf, '-e', errorLog], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const url = `http://127.0.0.1:${port}`;
  const masterPid = child.pid ?? -1;
  let workers: number[] = [];

  const stop = async (): Promise<void> => {
    // SIGTERM is nginx's fast shutdown; the master stops its worker. Workers are read first so
    // that they can be killed by pid if the master does not manage.
    const extra = [...workers, ...childPids(masterPid)];
    await stopChild(child, 'SIGTERM', 5_000, extra);
  };

  try {
    await bounded(
      'starting nginx',
      10_000,
      (async () => {
        for (;;) {
          if (hasExited(child)) throw new Error(`nginx exited at start: ${stderr.trim()}`);
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
    workers = childPids(masterPid);
    workers.forEach(adoptPid);
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    kind: 'nginx',
    url,
    slow,
    cpuMs: () => [masterPid, ...workers].reduce((sum, pid) => sum + (cpuMs(pid) ?? 0), 0),
    stop,
  };
}
