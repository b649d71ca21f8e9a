/**
 * API latency under load: the status of one monitor, and a list of 1,000 monitors with their
 * status, each under autocannon (programmatic, in the bench process, keep-alive connections)
 * for a fixed time; beside a bare Fastify route in a process of its own, measured the same way
 * in the same run (before and after, as the machine's load drifts).
 *
 *   npm run bench -- api
 *   npm run bench -- api --api-monitors 1000 --api-seconds 10 --api-connections 1,32
 *   npm run bench -- api --cpu-prof      # both services under node --cpu-prof, summarised
 *
 * Against two services, each with the monitors created through the API (at 60 s, against nginx)
 * and checked at least once, so that every status is a real one:
 *
 * - embedded: the built CLI with every role, SQLite, in-process cache (bench/support/service.ts);
 * - PostgreSQL + Redis: an api-only process (`start --roles api` with DATABASE_URL and REDIS_URL,
 *   a fresh database, a key prefix of the run's own), with the checks run by a second process
 *   (`--roles scheduler,worker,recorder` on the same database and Redis; no Kafka: each process
 *   has its in-process bus, and the scheduler reads the monitors from the store), so that the
 *   statuses the api process reads are in Redis, as in a distributed deployment.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../test/support/postgres-database.js';
import type { BenchContext } from './support/context.js';
import { dataDir, monitorBodies } from './support/context.js';
import { printSummary, summarizeDir } from './support/cpu-profile.js';
import { runLoad, type LoadResult } from './support/load.js';
import { backendPids } from './support/pg-results.js';
import { bounded, cpuMs, sleep, spawnTracked, stopChild } from './support/proc.js';
import { DEFAULT_REDIS_URL, deleteRedisKeys } from './support/redis-keys.js';
import { fmt, heading, say, table, type FigureRow } from './support/report.js';
import { createMonitors, startRoleProcess, type RoleProcess } from './support/role-process.js';
import { startService, type RunningService } from './support/service.js';

export interface ApiOptions {
  readonly monitors: number;
  readonly seconds: number;
  /** Connection counts, each measured in turn. */
  readonly connections: readonly number[];
}

export interface Measured {
  readonly service: string;
  readonly request: string;
  readonly connections: number;
  readonly load: LoadResult;
  /** CPU of the serving process per answered request, ms. */
  readonly serverCpuMsPerRequest: number;
  /** CPU of the PostgreSQL backends serving it, per request (PostgreSQL service only). */
  readonly postgresCpuMsPerRequest: number | null;
  /** The bench process (autocannon) per request. */
  readonly clientCpuMsPerRequest: number;
}

export interface ApiResult {
  readonly measured: readonly Measured[];
  readonly rows: readonly FigureRow[];
}

const WARMUP_S = 2;

/** A bare Fastify route in a process of its own: the ceiling of the API figures. */
const BARE_FASTIFY = `
import Fastify from 'fastify';
const app = Fastify();
app.get('/x', () => ({ ok: true }));
await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(JSON.stringify({ port: app.server.address().port }) + '\\n');
process.on('SIGTERM', () => { void app.close().then(() => process.exit(0)); });
`;

async function startBareFastify(): Promise<{
  url: string;
  pid: number;
  stop: () => Promise<void>;
}> {
  // Run from the repository, so that `fastify` resolves to the service's own dependency.
  const child: ChildProcess = spawnTracked(
    process.execPath,
    ['--input-type=module', '-e', BARE_FASTIFY],
    { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  const stop = (): Promise<void> => stopChild(child, 'SIGTERM', 5_000);
  try {
    const port = await bounded(
      'starting the bare Fastify route',
      20_000,
      new Promise<number>((resolve, reject) => {
        child.stdout?.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const line = /^\{.*\}$/m.exec(out)?.[0];
          if (line !== undefined) resolve((JSON.parse(line) as { port: number }).port);
        });
        child.once('exit', () => {
          reject(new Error(`the bare Fastify route exited: ${err.trim()}`));
        });
      }),
    );
    return { url: `http://127.0.0.1:${port}`, pid: child.pid ?? -1, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function measure(
  options: ApiOptions,
  service: string,
  request: string,
  url: string,
  headers: Readonly<Record<string, string>>,
  serverPid: number,
  postgres: { client: pg.Client; database: string } | null,
): Promise<Measured[]> {
  const out: Measured[] = [];
  for (const connections of options.connections) {
    out.push(
      await measureAt(
        options.seconds,
        connections,
        service,
        request,
        url,
        headers,
        serverPid,
        postgres,
      ),
    );
  }
  return out;
}

async function measureAt(
  seconds: number,
  connections: number,
  service: string,
  request: string,
  url: string,
  headers: Readonly<Record<string, string>>,
  serverPid: number,
  postgres: { client: pg.Client; database: string } | null,
): Promise<Measured> {
  const base = { url, connections, headers };
  await runLoad({ ...base, durationS: WARMUP_S });
  const pgPids = postgres === null ? [] : await backendPids(postgres.client, postgres.database);
  const pgCpu = (): number => pgPids.reduce((sum, pid) => sum + (cpuMs(pid) ?? 0), 0);
  const server0 = cpuMs(serverPid) ?? Number.NaN;
  const pg0 = pgCpu();
  const client0 = process.cpuUsage();
  const load = await runLoad({ ...base, durationS: seconds });
  const client = process.cpuUsage(client0);
  const server = (cpuMs(serverPid) ?? Number.NaN) - server0;
  const measured: Measured = {
    service,
    request,
    connections,
    load,
    serverCpuMsPerRequest: server / load.requests,
    postgresCpuMsPerRequest: postgres === null ? null : (pgCpu() - pg0) / load.requests,
    clientCpuMsPerRequest: (client.user + client.system) / 1000 / load.requests,
  };
  say(
    table(HEADERS, [row(measured)])
      .split('\n')
      .slice(2)
      .join('\n'),
  );
  return measured;
}

const HEADERS = [
  'service',
  'request',
  'connections',
  'req/s',
  'p50 ms',
  'p90 ms',
  'p99 ms',
  'max ms',
  'errors',
  'KB/answer',
  'server CPU ms/req',
  'PostgreSQL CPU ms/req',
  'autocannon CPU ms/req',
];

function row(m: Measured): string[] {
  return [
    m.service,
    m.request,
    String(m.connections),
    fmt(m.load.requestsPerSec),
    fmt(m.load.latencyMs.p50),
    fmt(m.load.latencyMs.p90),
    fmt(m.load.latencyMs.p99),
    fmt(m.load.latencyMs.max),
    fmt(m.load.errors),
    fmt(m.load.bytesPerResponse / 1000, 1),
    fmt(m.serverCpuMsPerRequest, 3),
    fmt(m.postgresCpuMsPerRequest, 3),
    fmt(m.clientCpuMsPerRequest, 3),
  ];
}

/** Until no monitor of the first page of `limit` is pending: every one was checked. */
async function waitChecked(url: string, token: string, count: number): Promise<void> {
  await bounded(
    `every monitor checked once (${url})`,
    120_000,
    (async () => {
      for (;;) {
        const res = await fetch(`${url}/api/v1/monitors?limit=${count}`, {
          headers: { authorization: `Bearer ${token}` },
        });
        const page = (await res.json()) as { items?: { status: string }[] };
        const items = page.items ?? [];
        const pending = items.filter((m) => m.status === 'pending').length;
        if (items.length === count && pending === 0) return;
        await sleep(2_000);
      }
    })(),
  );
}

export async function runApi(ctx: BenchContext, options: ApiOptions): Promise<ApiResult> {
  heading(
    `6. API under load: ${options.connections.join(', ')} connections, ${options.seconds} s each, ${fmt(options.monitors)} monitors`,
  );
  say(table(HEADERS, []));
  const measured: Measured[] = [];
  const bodies = monitorBodies(`${ctx.target.url}/m`, 0, options.monitors, 60);

  const ceiling = async (when: string): Promise<Measured[]> => {
    const bare = await startBareFastify();
    try {
      return await measure(
        options,
        `bare Fastify (${when})`,
        'GET /x',
        `${bare.url}/x`,
        {},
        bare.pid,
        null,
      );
    } finally {
      await bare.stop();
    }
  };
  measured.push(...(await ceiling('before')));

  // The embedded service.
  // With --cpu-prof: both services under `node --cpu-prof`, summarised once they have stopped.
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const profileArgs = (name: string): string[] =>
    ctx.options.cpuProfile
      ? [
          '--cpu-prof',
          `--cpu-prof-dir=${resolve('test-output', 'bench', 'profiles', `${stamp}-api-${name}`)}`,
        ]
      : [];
  const printProfiles = (name: string): void => {
    if (!ctx.options.cpuProfile) return;
    say(`\n### where the ${name} service spent its CPU`);
    const dir = resolve('test-output', 'bench', 'profiles', `${stamp}-api-${name}`);
    if (!existsSync(dir)) return;
    for (const summary of summarizeDir(dir).filter((p) => p.totalMs > 500)) {
      printSummary(summary, say);
    }
  };

  const embedded: RunningService = await startService({
    dataDir: dataDir(ctx, 'api'),
    env: ctx.options.serviceEnv,
    nodeArgs: profileArgs('embedded'),
  });
  try {
    const ids = await bounded(
      `creating ${options.monitors} monitors`,
      120_000,
      embedded.createMonitors(bodies),
    );
    await waitChecked(embedded.url, embedded.token, options.monitors);
    const auth = { authorization: `Bearer ${embedded.token}` };
    measured.push(
      ...(await measure(
        options,
        'embedded (SQLite)',
        'GET /monitors/{id}/status',
        `${embedded.url}/api/v1/monitors/${ids[0] ?? ''}/status`,
        auth,
        embedded.pid,
        null,
      )),
      ...(await measure(
        options,
        'embedded (SQLite)',
        `GET /monitors?limit=${options.monitors}`,
        `${embedded.url}/api/v1/monitors?limit=${options.monitors}`,
        auth,
        embedded.pid,
        null,
      )),
    );
  } finally {
    await embedded.stop();
  }
  printProfiles('embedded');

  // An api process on PostgreSQL and Redis.
  const prefix = `bench_api_${randomBytes(4).toString('hex')}`;
  const redisUrl = process.env.REDIS_URL ?? DEFAULT_REDIS_URL;
  const token = randomBytes(24).toString('hex');
  let database: TestDatabase | null = null;
  let client: pg.Client | null = null;
  const processes: RoleProcess[] = [];
  try {
    database = await createTestDatabase();
    client = await database.connect();
    const dir = dataDir(ctx, 'api-postgres');
    const env = {
      DATABASE_URL: database.url,
      REDIS_URL: redisUrl,
      UPTIME_KAFKA_TOPIC_PREFIX: prefix,
      UPTIME_CHECKER_THREADS: '1',
      ...ctx.options.serviceEnv,
    };
    const api = await startRoleProcess({
      role: 'api',
      name: 'api',
      env,
      dir,
      token,
      nodeArgs: profileArgs('postgres'),
    });
    processes.push(api);
    const ids = await bounded(
      `creating ${options.monitors} monitors`,
      120_000,
      createMonitors(api.url, token, bodies),
    );
    // Reads the monitors from the store at start and places them by phase over their 60 s.
    processes.push(
      await startRoleProcess({
        role: 'scheduler,worker,recorder',
        name: 'checks',
        env,
        dir,
        token,
      }),
    );
    await waitChecked(api.url, token, options.monitors);
    const auth = { authorization: `Bearer ${token}` };
    const pgInfo = { client, database: database.name };
    measured.push(
      ...(await measure(
        options,
        'api process (PostgreSQL + Redis)',
        'GET /monitors/{id}/status',
        `${api.url}/api/v1/monitors/${ids[0] ?? ''}/status`,
        auth,
        api.pid,
        pgInfo,
      )),
      ...(await measure(
        options,
        'api process (PostgreSQL + Redis)',
        `GET /monitors?limit=${options.monitors}`,
        `${api.url}/api/v1/monitors?limit=${options.monitors}`,
        auth,
        api.pid,
        pgInfo,
      )),
    );
  } finally {
    await Promise.all(processes.map((p) => p.stop()));
    await client?.end().catch(() => undefined);
    await database?.drop().catch((error: unknown) => {
      say(`NOTE: dropping the database failed: ${String(error)}`);
    });
    await deleteRedisKeys(redisUrl, `${prefix}:`).then(
      (n) => {
        say(`deleted ${fmt(n)} Redis keys ${prefix}:*`);
      },
      (error: unknown) => {
        say(`NOTE: deleting the Redis keys ${prefix}:* failed: ${String(error)}`);
      },
    );
  }

  printProfiles('postgres');
  measured.push(...(await ceiling('after')));
  say('');
  say(table(HEADERS, measured.map(row)));

  const bare = measured.filter((m) => m.service.startsWith('bare'));
  const mean = (f: (m: Measured) => number): number =>
    bare.reduce((sum, m) => sum + f(m), 0) / Math.max(1, bare.length);
  const ceilingText = `bare Fastify ${fmt(mean((m) => m.load.requestsPerSec))} req/s, p99 ${fmt(
    mean((m) => m.load.latencyMs.p99),
  )} ms (mean of before and after)`;
  const rows: FigureRow[] = measured
    .filter((m) => !m.service.startsWith('bare'))
    .map((m) => ({
      figure: `${m.request}, ${m.service}, ${m.connections} connections`,
      value: `${fmt(m.load.requestsPerSec)} req/s, p50 ${fmt(m.load.latencyMs.p50)} / p99 ${fmt(m.load.latencyMs.p99)} ms`,
      ceiling: ceilingText,
      goal: '–',
      verdict: 'n/a',
    }));
  return { measured, rows };
}
