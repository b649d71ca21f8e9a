/**
 * The service under test: the built CLI (`node dist/main/cli.js start`) in a process of its own,
 * on 127.0.0.1, with a temp DATA_DIR, driven through its REST API and /metrics.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  bounded,
  cpuMs,
  freePort,
  hasExited,
  memoryMB,
  sleep,
  spawnTracked,
  stopChild,
} from './proc.js';

export const CLI = resolve('dist/main/cli.js');

export function serviceMissing(): string | null {
  return existsSync(CLI) ? null : `${CLI} not found: run \`npm run build\` first`;
}

export interface ServiceOptions {
  readonly dataDir: string;
  /** Extra environment, e.g. UPTIME_CHECKER_CONCURRENCY. */
  readonly env?: Readonly<Record<string, string>>;
  /** Options of `node` itself, before the CLI, e.g. `--cpu-prof`. */
  readonly nodeArgs?: readonly string[];
  /** How long to wait for /healthz. Default 60 s. */
  readonly readyWithinMs?: number;
}

/** A series of the Prometheus text format, e.g. `uptime_checks_total{status="up"}`, → value. */
export type MetricSamples = ReadonlyMap<string, number>;

export interface RunningService {
  readonly pid: number;
  readonly url: string;
  readonly token: string;
  /** From spawn to the first 200 from /healthz (polled every 10 ms). */
  readonly readyMs: number;
  cpuMs(): number | null;
  /** CPU time of the main thread alone (the roles; checks run in other threads). */
  mainThreadCpuMs(): number | null;
  memoryMB(): { rss: number; hwm: number } | null;
  metrics(): Promise<MetricSamples>;
  /** POSTs each body to /api/v1/monitors, `parallel` at a time; returns the ids. */
  createMonitors(bodies: readonly object[], parallel?: number): Promise<string[]>;
  /** SIGTERM (the service's graceful stop), SIGKILL after 30 s; resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** Variables of the caller's shell that would change what is measured. */
const INHERITED_OUT = /^(UPTIME_|DATABASE_URL$|REDIS_URL$|KAFKA_BROKERS$|PORT$|HOST$|DATA_DIR$)/;

export async function startService(options: ServiceOptions): Promise<RunningService> {
  const port = await freePort();
  const token = randomBytes(24).toString('hex');
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !INHERITED_OUT.test(key)) env[key] = value;
  }
  Object.assign(env, {
    DATA_DIR: options.dataDir,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    UPTIME_ADMIN_TOKEN: token,
    ...options.env,
  });
  const log = createWriteStream(join(options.dataDir, 'service.log'), { flags: 'a' });
  let tail = '';
  const keep = (chunk: Buffer): void => {
    log.write(chunk);
    tail = (tail + chunk.toString()).slice(-2000);
  };
  const startedAt = performance.now();
  // The working directory is the data directory, so that no `.env` of the caller is read.
  const child: ChildProcess = spawnTracked(
    process.execPath,
    [...(options.nodeArgs ?? []), CLI, 'start'],
    {
      cwd: options.dataDir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  child.once('exit', () => log.end());
  const pid = child.pid ?? -1;
  const url = `http://127.0.0.1:${port}`;
  const auth = { authorization: `Bearer ${token}` };

  const stop = async (): Promise<number | null> => {
    await stopChild(child, 'SIGTERM', 30_000);
    return child.exitCode;
  };

  let readyMs: number;
  try {
    readyMs = await bounded(
      'service start',
      options.readyWithinMs ?? 60_000,
      (async () => {
        for (;;) {
          if (hasExited(child)) throw new Error(`the service exited at start: ${tail.trim()}`);
          try {
            const res = await fetch(`${url}/healthz`);
            await res.arrayBuffer();
            if (res.status === 200) return performance.now() - startedAt;
          } catch {
            // Not listening yet.
          }
          await sleep(10);
        }
      })(),
    );
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    pid,
    url,
    token,
    readyMs,
    cpuMs: () => cpuMs(pid),
    mainThreadCpuMs: () => cpuMs(pid, pid),
    memoryMB: () => memoryMB(pid),
    stop,

    async metrics() {
      const res = await fetch(`${url}/metrics`, { headers: auth });
      const text = await res.text();
      if (res.status !== 200) throw new Error(`/metrics answered ${res.status}: ${text}`);
      return parseMetrics(text);
    },

    async createMonitors(bodies, parallel = 32) {
      const ids: string[] = new Array<string>(bodies.length);
      let next = 0;
      const lane = async (): Promise<void> => {
        for (let i = next++; i < bodies.length; i = next++) {
          const res = await fetch(`${url}/api/v1/monitors`, {
            method: 'POST',
            headers: { ...auth, 'content-type': 'application/json' },
            body: JSON.stringify(bodies[i]),
          });
          const answer = (await res.json()) as { id?: string };
          if (res.status !== 201 || answer.id === undefined) {
            throw new Error(
              `POST /api/v1/monitors answered ${res.status}: ${JSON.stringify(answer)}`,
            );
          }
          ids[i] = answer.id;
        }
      };
      await Promise.all(Array.from({ length: parallel }, lane));
      return ids;
    },
  };
}

export function parseMetrics(text: string): MetricSamples {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    samples.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return samples;
}

/** Sum of every series of `name` (all label values), e.g. all reasons of a drop counter. */
export function metricSum(samples: MetricSamples, name: string): number {
  let sum = 0;
  for (const [series, value] of samples) {
    if (series === name || series.startsWith(`${name}{`)) sum += value;
  }
  return sum;
}

/** Per label value of `label`: `{ stale: 3, overlap: 1 }`. */
export function metricByLabel(
  samples: MetricSamples,
  name: string,
  label: string,
): Record<string, number> {
  const out: Record<string, number> = {};
  const re = new RegExp(`[{,]${label}="([^"]*)"`);
  for (const [series, value] of samples) {
    if (!series.startsWith(`${name}{`)) continue;
    const key = re.exec(series)?.[1] ?? '';
    out[key] = (out[key] ?? 0) + value;
  }
  return out;
}
