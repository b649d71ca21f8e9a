/**
 * One role of the distributed deployment as a process of its own: the built CLI with
 * `start --roles <role>`, PORT=0 on 127.0.0.1, its address read from the `uptime started` log
 * line. Tracked by pid (bench/support/proc.ts) so that a failed or interrupted bench stops it.
 */
import type { ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { bounded, cpuMs, spawnTracked, stopChild } from './proc.js';
import { CLI, parseMetrics, type MetricSamples } from './service.js';

export interface RoleProcessOptions {
  readonly role: string;
  /** A name for the log file and the tables, e.g. `worker-2`. */
  readonly name: string;
  readonly env: Readonly<Record<string, string>>;
  /** Where `<name>.log` goes; also the working directory (no caller `.env` is read). */
  readonly dir: string;
  readonly token: string;
  /** Options of `node` itself, before the CLI, e.g. `--cpu-prof`. */
  readonly nodeArgs?: readonly string[];
  /** Default 90 s: a Kafka consumer joins its group before the process says it started. */
  readonly readyWithinMs?: number;
}

export interface RoleProcess {
  readonly role: string;
  readonly name: string;
  readonly pid: number;
  readonly url: string;
  /** Whole process (every thread), ms; null once it is gone. */
  cpuMs(): number | null;
  /** The main thread alone, ms. */
  mainThreadCpuMs(): number | null;
  metrics(): Promise<MetricSamples>;
  /** SIGTERM (graceful), SIGKILL after 30 s. */
  stop(): Promise<void>;
}

/** Variables of the caller's shell that would change what is measured. */
const INHERITED_OUT = /^(UPTIME_|DATABASE_URL$|REDIS_URL$|KAFKA_BROKERS$|PORT$|HOST$|DATA_DIR$)/;

export async function startRoleProcess(options: RoleProcessOptions): Promise<RoleProcess> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !INHERITED_OUT.test(key)) env[key] = value;
  }
  Object.assign(env, {
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    DATA_DIR: options.dir,
    UPTIME_ADMIN_TOKEN: options.token,
    ...options.env,
  });
  const log = createWriteStream(join(options.dir, `${options.name}.log`), { flags: 'a' });
  const child: ChildProcess = spawnTracked(
    process.execPath,
    [...(options.nodeArgs ?? []), CLI, 'start', '--roles', options.role],
    { cwd: options.dir, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const pid = child.pid ?? -1;
  let pending = '';
  let tail = '';
  let seen = false;
  let announce: (url: string) => void = () => undefined;
  const startedUrl = new Promise<string>((resolve) => {
    announce = resolve;
  });
  child.stdout?.on('data', (chunk: Buffer) => {
    log.write(chunk);
    if (seen) return;
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.includes('"uptime started"')) continue;
      try {
        const entry = JSON.parse(line) as { url?: unknown };
        if (typeof entry.url === 'string') {
          seen = true;
          announce(entry.url);
          pending = '';
          return;
        }
      } catch {
        // Not a log line of ours.
      }
    }
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    log.write(chunk);
    tail = (tail + chunk.toString()).slice(-2000);
  });
  child.once('exit', () => log.end());
  const stop = async (): Promise<void> => {
    await stopChild(child, 'SIGTERM', 30_000);
  };

  let url: string;
  try {
    url = await bounded(
      `starting the ${options.name} process`,
      options.readyWithinMs ?? 90_000,
      Promise.race([
        startedUrl,
        new Promise<never>((_, reject) => {
          child.once('exit', () => {
            reject(new Error(`${options.name} exited at start: ${tail.trim()}`));
          });
        }),
      ]),
    );
  } catch (error) {
    await stop();
    throw error;
  }
  const auth = { authorization: `Bearer ${options.token}` };
  return {
    role: options.role,
    name: options.name,
    pid,
    url,
    cpuMs: () => cpuMs(pid),
    mainThreadCpuMs: () => cpuMs(pid, pid),
    async metrics() {
      const res = await fetch(`${url}/metrics`, { headers: auth });
      const text = await res.text();
      if (res.status !== 200) throw new Error(`${options.name} /metrics answered ${res.status}`);
      return parseMetrics(text);
    },
    stop,
  };
}

/** POSTs each body to `<url>/api/v1/monitors`, `parallel` at a time; returns the ids in order. */
export async function createMonitors(
  url: string,
  token: string,
  bodies: readonly object[],
  parallel = 32,
): Promise<string[]> {
  const ids = new Array<string>(bodies.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    for (let i = next++; i < bodies.length; i = next++) {
      const res = await fetch(`${url}/api/v1/monitors`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(bodies[i]),
      });
      const answer = (await res.json()) as { id?: string };
      if (res.status !== 201 || answer.id === undefined) {
        throw new Error(`POST /api/v1/monitors answered ${res.status}: ${JSON.stringify(answer)}`);
      }
      ids[i] = answer.id;
    }
  };
  await Promise.all(Array.from({ length: parallel }, lane));
  return ids;
}
