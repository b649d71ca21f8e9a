/**
 * Checks per second through Kafka: the roles as separate processes (1 api, 1 scheduler,
 * 2 workers, 1 recorder, 1 alerter) on a Kafka broker, a fresh PostgreSQL database and the shared
 * Redis under a key prefix of the run's own, every monitor at 1 s against nginx. Beside it, in the
 * same run and at the same monitor counts: the embedded service (throughput.ts's step), and the
 * machine's new-connection ceiling (wrk against nginx).
 *
 *   npm run bench -- distributed
 *   npm run bench -- distributed --distributed-steps 1000,2000 --window 10
 *   KAFKA_BROKERS=127.0.0.1:9092 npm run bench -- distributed    # a running broker
 *
 * Per step N: the embedded service with N monitors (created, restarted, warmed up, measured),
 * then the distributed one: its scheduler is stopped between steps, so monitors up to N are
 * created through the api process and the new scheduler places every monitor by phase, as after
 * any restart. Warm-up, a measured window, the scheduler stopped; once the recorder has written
 * what was checked in the window, the window is read from PostgreSQL: checks/s, the gap between
 * consecutive checks of each monitor, latency. CPU of every role process (all threads, and the
 * main thread alone) from /proc over the window, with that of the broker, of the PostgreSQL
 * backends serving this database, of redis-server (shared with others) and of nginx.
 *
 * After the last step every role is stopped and the bytes each stored row takes are read with
 * pg_total_relation_size (summed over partitions), as left and after VACUUM FULL; then again for
 * 120,000 results recorded through the store as 1,000 monitors at 60 s would write them (the
 * shape a deployment at 60 s stores), with what 100,000 monitors at 60 s would write per day.
 *
 * With --cpu-prof every role process runs under `node --cpu-prof`; its profile is summarised once
 * it has stopped and kept under test-output/bench/profiles/.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type pg from 'pg';
import { startBroker } from '../tools/kafka/broker.mjs';
import { createPostgresStore } from '../src/adapters/postgres-store/postgres-store.js';
import type { MonitorId } from '../src/domain/ids.js';
import { evaluateBatch } from '../src/roles/recorder/evaluate-batch.js';
import { checkIdAt, iso, makeMonitor, makeResult } from '../test/support/factories.js';
import { createTestDatabase, type TestDatabase } from '../test/support/postgres-database.js';
import type { BenchContext, WindowReading } from './support/context.js';
import { dataDir, monitorBodies } from './support/context.js';
import { printSummary, summarizeDir } from './support/cpu-profile.js';
import {
  backendPids,
  countResults,
  readPgWindow,
  tableSize,
  type TableSize,
} from './support/pg-results.js';
import {
  adoptPid,
  bounded,
  CLOCK_TICKS,
  cpuMs,
  loadAverage,
  machineJiffies,
  sleep,
} from './support/proc.js';
import { createMonitors, startRoleProcess, type RoleProcess } from './support/role-process.js';
import { DEFAULT_REDIS_URL, deleteRedisKeys } from './support/redis-keys.js';
import { fmt, heading, say, table, type FigureRow } from './support/report.js';
import { metricByLabel, metricSum, type MetricSamples } from './support/service.js';
import type { WindowStats } from './support/sqlite-results.js';
import { addMonitors, measureRun, newConnectionCeiling } from './throughput.js';
import type { WrkResult } from './support/wrk.js';

const GAP_LIMIT_MS = 1_500;
/** The storage shape at 60 s: this many monitors, checked once a minute for this long. */
const STORAGE_MONITORS = 1_000;
const STORAGE_MINUTES = 120;
const SIGNIFICANT = 0.01;
/** The deployment the note sizes: 100,000 monitors at 60 s. */
const SIZING_CHECKS_PER_SEC = 100_000 / 60;

export interface DistributedOptions {
  readonly steps: readonly number[];
  /** UPTIME_KAFKA_PARTITIONS of every process. */
  readonly partitions: number;
  /** UPTIME_CHECKER_THREADS of each worker process. */
  readonly workerThreads: number;
}

interface CpuSnapshot {
  readonly atMs: number;
  readonly roles: ReadonlyMap<string, { role: string; total: number; main: number }>;
  readonly broker: number | null;
  /** Read system calls of the broker so far: about one per request it serves. */
  readonly brokerReads: number | null;
  readonly pgBackends: ReadonlyMap<number, number>;
  readonly redis: number;
  readonly target: number;
  readonly machine: { busy: number; total: number };
  readonly metrics: ReadonlyMap<string, MetricSamples>;
}

export interface RoleCpu {
  readonly name: string;
  readonly role: string;
  readonly cpuMs: number;
  readonly mainThreadCpuMs: number;
  readonly msPerCheck: number;
  readonly mainMsPerCheck: number;
  readonly loopDelayP99Ms: number;
}

export interface DistributedStep {
  readonly monitors: number;
  readonly fromMs: number;
  readonly toMs: number;
  readonly stats: WindowStats;
  readonly checksCounted: number;
  readonly recorded: number;
  readonly dropped: Readonly<Record<string, number>>;
  readonly droppedTotal: number;
  /** Checks done by workers and not yet recorded, at the start and the end of the window. */
  readonly backlog: { readonly start: number; readonly end: number };
  /** From the end of the window until every result of the window was in PostgreSQL. */
  readonly catchUpMs: number;
  readonly roles: readonly RoleCpu[];
  readonly rolesCpuMs: number;
  readonly brokerCpuMs: number | null;
  readonly brokerReadsPerSec: number | null;
  readonly postgresCpuMs: number;
  readonly redisCpuMs: number;
  readonly targetCpuMs: number;
  readonly otherCpuMs: number;
  readonly machineBusy: number;
  readonly loadAverage: string;
  readonly offered: number;
  readonly sustained: boolean;
  readonly why: string;
}

export interface EmbeddedStep {
  readonly monitors: number;
  readonly reading: WindowReading;
  readonly stats: WindowStats;
  readonly cpuMsPerCheck: number;
  readonly sustained: boolean;
  readonly why: string;
}

export interface DistributedResult {
  readonly ceiling: WrkResult | null;
  readonly steps: readonly DistributedStep[];
  readonly embedded: readonly EmbeddedStep[];
  readonly best: DistributedStep | null;
  readonly storage: {
    readonly asLeft: readonly TableSize[];
    readonly vacuumed: readonly TableSize[];
    /** Results recorded through the store as if every monitor were checked every 60 s. */
    readonly at60s: readonly TableSize[];
  };
  readonly idle: readonly { monitors: number; roles: number; broker: number | null }[];
  readonly rows: readonly FigureRow[];
}

/** `syscr` of /proc/<pid>/io, or null when it cannot be read. */
function readSyscalls(pid: number): number | null {
  try {
    const match = /^syscr:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/io`, 'utf8'));
    return match === null ? null : Number(match[1]);
  } catch {
    return null;
  }
}

/**
 * Bytes per row as a deployment at 60 s writes them: results recorded through the PostgreSQL
 * store's own recordBatch (unnest insert, roll-ups, evaluation, state) in a schema of its own,
 * each monitor checked once a minute over the last `minutes` (so a minute roll-up row holds one
 * result, an hour row sixty), the results those of an HTTPS site (TLS fields and every timing).
 */
async function storageAt60s(
  database: TestDatabase,
  monitors: number,
  minutes: number,
): Promise<TableSize[]> {
  const schema = 'storage60';
  const store = createPostgresStore({ connectionString: database.urlWithSchema(schema) });
  const client = await database.connect();
  try {
    await store.migrate();
    const ids: MonitorId[] = [];
    for (let i = 0; i < monitors; i++) {
      const monitor = makeMonitor({ name: `storage ${i}` });
      await store.createMonitor(monitor);
      ids.push(monitor.id);
    }
    const minute = 60_000;
    const start = Math.floor((Date.now() - (minutes + 1) * minute) / minute) * minute;
    for (let m = 0; m < minutes; m++) {
      const batch = ids.map((id, slot) => {
        const n = m * monitors + slot;
        const at = start + m * minute + Math.floor((slot * minute) / monitors);
        return makeResult(id, {
          id: checkIdAt(at),
          checkedAt: iso(at),
          latencyMs: 20 + ((n * 104_729) % 400),
        });
      });
      await store.recordBatch(batch, evaluateBatch);
    }
    const sizes: TableSize[] = [];
    for (const t of ['results', 'rollups_minute', 'rollups_hour', 'rollups_day']) {
      sizes.push(await tableSize(client, `${schema}.${t}`));
    }
    return sizes;
  } finally {
    await client.end();
    await store.close();
  }
}

function redisPids(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'redis-server') {
        pids.push(Number(entry));
      }
    } catch {
      // Gone meanwhile.
    }
  }
  return pids;
}

function judgeEmbedded(monitors: number, reading: WindowReading, stats: WindowStats): EmbeddedStep {
  const offered = (monitors * (reading.toMs - reading.fromMs)) / 1000;
  const problems: string[] = [];
  if (!(stats.gapMs.p99 <= GAP_LIMIT_MS)) problems.push(`gap p99 ${fmt(stats.gapMs.p99)} ms`);
  if (reading.droppedTotal > offered * SIGNIFICANT) problems.push(`${reading.droppedTotal} drops`);
  if ((stats.byStatus.down ?? 0) > offered * SIGNIFICANT) problems.push('down results');
  return {
    monitors,
    reading,
    stats,
    cpuMsPerCheck: reading.serviceCpuMs / stats.checks,
    sustained: problems.length === 0,
    why: problems.join(', ') || 'sustained',
  };
}

export async function runDistributed(
  ctx: BenchContext,
  options: DistributedOptions,
): Promise<DistributedResult> {
  heading(
    '5. Checks per second through Kafka: roles as processes, two workers, every monitor at 1 s',
  );
  let ceiling: WrkResult | null = null;
  if (ctx.ceilings) {
    ceiling = await newConnectionCeiling(`${ctx.target.url}/`);
    say(`ceiling: ${ceiling.command} → ${fmt(ceiling.requestsPerSec)} req/s`);
  } else {
    say('ceiling: skipped (nginx or wrk missing)');
  }

  const runId = randomBytes(4).toString('hex');
  const prefix = `bench_dist_${runId}`;
  const redisUrl = process.env.REDIS_URL ?? DEFAULT_REDIS_URL;
  const token = randomBytes(24).toString('hex');
  const dir = dataDir(ctx, 'distributed');
  const profiles = ctx.options.cpuProfile
    ? resolve(
        'test-output',
        'bench',
        'profiles',
        `${new Date().toISOString().replace(/[:.]/g, '-')}-distributed`,
      )
    : null;
  const embeddedDir = dataDir(ctx, 'distributed-embedded');

  let broker: { brokers: string; pid: number | null; stop: () => Promise<void> };
  const given = process.env.KAFKA_BROKERS;
  if (given !== undefined && given !== '') {
    broker = { brokers: given, pid: null, stop: () => Promise.resolve() };
    say(`Kafka: KAFKA_BROKERS=${given} (topics under ${prefix}.*)`);
  } else {
    const started = await bounded(
      'starting the Kafka broker',
      150_000,
      startBroker({ dir: join(ctx.tmp, 'kafka') }),
    );
    adoptPid(started.pid);
    broker = started;
    say(`Kafka: a broker of this run at ${started.brokers} (pid ${started.pid})`);
  }

  let database: TestDatabase | null = null;
  let client: pg.Client | null = null;
  const processes: RoleProcess[] = [];
  let scheduler: RoleProcess | null = null;
  const steps: DistributedStep[] = [];
  const embedded: EmbeddedStep[] = [];
  /** CPU (% of a core) of the role processes and of the broker with no scheduler running. */
  const idle: { monitors: number; roles: number; broker: number | null }[] = [];
  let storage: DistributedResult['storage'] = { asLeft: [], vacuumed: [], at60s: [] };
  try {
    database = await createTestDatabase();
    client = await database.connect();
    say(`PostgreSQL: database ${database.name}; Redis: ${redisUrl}, keys ${prefix}:*`);
    const env: Record<string, string> = {
      DATABASE_URL: database.url,
      REDIS_URL: redisUrl,
      KAFKA_BROKERS: broker.brokers,
      UPTIME_KAFKA_TOPIC_PREFIX: prefix,
      UPTIME_KAFKA_PARTITIONS: String(options.partitions),
      UPTIME_CHECKER_THREADS: String(options.workerThreads),
      ...ctx.options.serviceEnv,
    };
    let started = 0;
    const start = (role: string, name: string): Promise<RoleProcess> =>
      startRoleProcess({
        role,
        name,
        env,
        dir,
        token,
        // A scheduler per step: each profile in a directory of its own.
        nodeArgs:
          profiles === null
            ? []
            : ['--cpu-prof', `--cpu-prof-dir=${join(profiles, `${name}-${++started}`)}`],
      });
    // The api first: its migrations create the schema; the others find it done.
    const api = await start('api', 'api');
    processes.push(api);
    processes.push(
      ...(await Promise.all([
        start('alerter', 'alerter'),
        start('recorder', 'recorder'),
        start('worker', 'worker-1'),
        start('worker', 'worker-2'),
      ])),
    );
    say(
      `started ${processes.map((p) => `${p.name} (pid ${p.pid})`).join(', ')}; ` +
        `${options.partitions} partitions per topic, ${options.workerThreads} checker thread(s) per worker`,
    );

    const db = client;
    const dbName = database.name;
    const redis = redisPids();
    const snapshot = async (): Promise<CpuSnapshot> => {
      const all = scheduler === null ? processes : [...processes, scheduler];
      const metrics = new Map(
        await Promise.all(all.map(async (p) => [p.name, await p.metrics()] as const)),
      );
      const pgBackends = new Map<number, number>();
      for (const pid of await backendPids(db, dbName)) pgBackends.set(pid, cpuMs(pid) ?? 0);
      return {
        atMs: Date.now(),
        roles: new Map(
          all.map((p) => [
            p.name,
            {
              role: p.role,
              total: p.cpuMs() ?? Number.NaN,
              main: p.mainThreadCpuMs() ?? Number.NaN,
            },
          ]),
        ),
        broker: broker.pid === null ? null : cpuMs(broker.pid),
        brokerReads: broker.pid === null ? null : readSyscalls(broker.pid),
        pgBackends,
        redis: redis.reduce((sum, pid) => sum + (cpuMs(pid) ?? 0), 0),
        target: ctx.target.cpuMs(),
        machine: machineJiffies(),
        metrics,
      };
    };
    const sumOver = (s: CpuSnapshot, name: string): number => {
      let sum = 0;
      for (const samples of s.metrics.values()) sum += metricSum(samples, name);
      return sum;
    };
    const checksDone = async (): Promise<number> => {
      let sum = 0;
      for (const p of processes) {
        if (p.role === 'worker') sum += metricSum(await p.metrics(), 'uptime_checks_total');
      }
      return sum;
    };

    let created = 0;
    let embeddedCreated = 0;
    for (const monitors of options.steps) {
      // The embedded service at the same count, while the distributed one has no scheduler.
      say(`\n${fmt(monitors)} monitors: the embedded service…`);
      await addMonitors(embeddedDir, `${ctx.target.url}/m`, embeddedCreated, monitors, 1);
      embeddedCreated = monitors;
      const idle0 = await snapshot();
      const run = await measureRun(
        ctx,
        embeddedDir,
        {},
        ctx.target,
        `distributed-embedded-${monitors}`,
      );
      const idle1 = await snapshot();
      const own = judgeEmbedded(monitors, run.reading, run.stats);
      embedded.push(own);
      // Meanwhile the distributed processes had nothing to check: what they cost idle.
      const idleS = (idle1.atMs - idle0.atMs) / 1000;
      const idleRoles = [...idle1.roles].reduce(
        (sum, [name, a]) => sum + a.total - (idle0.roles.get(name)?.total ?? a.total),
        0,
      );
      const idleBroker =
        idle1.broker === null || idle0.broker === null ? null : idle1.broker - idle0.broker;
      idle.push({
        monitors,
        roles: idleRoles / idleS / 10,
        broker: idleBroker === null ? null : idleBroker / idleS / 10,
      });
      say(
        `embedded: ${fmt(own.stats.checksPerSec)} checks/s, gap p99 ${fmt(own.stats.gapMs.p99)} ms, ` +
          `${fmt(own.cpuMsPerCheck, 3)} ms CPU/check, ${own.why}`,
      );

      // The distributed one: monitors up to N through the api process, then a new scheduler.
      const c0 = Date.now();
      await bounded(
        `creating ${monitors - created} monitors`,
        120_000 + (monitors - created) * 50,
        createMonitors(
          api.url,
          token,
          monitorBodies(`${ctx.target.url}/m`, created, monitors - created, 1),
        ),
      );
      say(
        `distributed: ${fmt(monitors - created)} monitors created through the api process at ` +
          `${fmt(((monitors - created) * 1000) / Math.max(1, Date.now() - c0))}/s`,
      );
      created = monitors;
      scheduler = await start('scheduler', 'scheduler');
      // Until the checks flow at the full rate (the scheduler's group has its partitions).
      await bounded(
        'the checks to start flowing',
        60_000,
        (async () => {
          let previous = await checksDone();
          for (;;) {
            await sleep(1_000);
            const now = await checksDone();
            if (now - previous >= 0.9 * monitors) return;
            previous = now;
          }
        })(),
      ).catch((error: unknown) => {
        say(`NOTE: ${error instanceof Error ? error.message : String(error)}; measuring anyway`);
      });
      await sleep(ctx.options.warmupMs);
      const before = await snapshot();
      const fromMs = Date.now();
      await sleep(ctx.options.windowMs);
      const toMs = Date.now();
      const after = await snapshot();
      const load = loadAverage();
      await scheduler.stop();
      scheduler = null;

      // Until every result checked in the window is in PostgreSQL.
      const endedAt = Date.now();
      let count = await countResults(db, fromMs, toMs);
      let stableFor = 0;
      while (stableFor < 2 && Date.now() - endedAt < 60_000) {
        await sleep(1_000);
        const next = await countResults(db, fromMs, toMs);
        stableFor = next === count ? stableFor + 1 : 0;
        count = next;
      }
      const catchUpMs = Date.now() - endedAt - 2_000;
      const stats = await readPgWindow(db, fromMs, toMs, {
        lookbackMs: 5_000,
        overdueMs: GAP_LIMIT_MS,
      });

      const windowMs = after.atMs - before.atMs;
      const roles: RoleCpu[] = [];
      for (const [name, a] of after.roles) {
        const b = before.roles.get(name);
        if (b === undefined) continue;
        const loop = after.metrics.get(name)?.get('uptime_nodejs_eventloop_lag_p99_seconds');
        roles.push({
          name,
          role: a.role,
          cpuMs: a.total - b.total,
          mainThreadCpuMs: a.main - b.main,
          msPerCheck: (a.total - b.total) / stats.checks,
          mainMsPerCheck: (a.main - b.main) / stats.checks,
          loopDelayP99Ms: (loop ?? Number.NaN) * 1000,
        });
      }
      const rolesCpuMs = roles.reduce((sum, r) => sum + r.cpuMs, 0);
      let postgresCpuMs = 0;
      for (const [pid, end] of after.pgBackends)
        postgresCpuMs += end - (before.pgBackends.get(pid) ?? 0);
      const brokerCpuMs =
        after.broker === null || before.broker === null ? null : after.broker - before.broker;
      const redisCpuMs = after.redis - before.redis;
      const targetCpuMs = after.target - before.target;
      const machineBusyMs = ((after.machine.busy - before.machine.busy) * 1000) / CLOCK_TICKS;
      const checksCounted =
        sumOver(after, 'uptime_checks_total') - sumOver(before, 'uptime_checks_total');
      const recorded =
        sumOver(after, 'uptime_results_recorded_total') -
        sumOver(before, 'uptime_results_recorded_total');
      const dropped: Record<string, number> = {};
      for (const [name, samples] of after.metrics) {
        const was = metricByLabel(
          before.metrics.get(name) ?? new Map(),
          'uptime_checks_dropped_total',
          'reason',
        );
        for (const [reason, n] of Object.entries(
          metricByLabel(samples, 'uptime_checks_dropped_total', 'reason'),
        )) {
          const delta = n - (was[reason] ?? 0);
          if (delta > 0) dropped[reason] = (dropped[reason] ?? 0) + delta;
        }
      }
      const droppedTotal = Object.values(dropped).reduce((a, b) => a + b, 0);
      const backlog = {
        start:
          sumOver(before, 'uptime_checks_total') - sumOver(before, 'uptime_results_recorded_total'),
        end:
          sumOver(after, 'uptime_checks_total') - sumOver(after, 'uptime_results_recorded_total'),
      };
      const offered = (monitors * (toMs - fromMs)) / 1000;
      const problems: string[] = [];
      if (!(stats.gapMs.p99 <= GAP_LIMIT_MS)) problems.push(`gap p99 ${fmt(stats.gapMs.p99)} ms`);
      if (droppedTotal > offered * SIGNIFICANT) problems.push(`${droppedTotal} drops`);
      if ((stats.byStatus.down ?? 0) > offered * SIGNIFICANT) problems.push('down results');
      // Results are written in batches of up to 1,000: what is in flight swings by a batch.
      // Behind by more than two seconds of checks at the end of the window: not keeping up.
      if (backlog.end > 2 * monitors) {
        problems.push(`recorder ${fmt(backlog.end)} results behind`);
      }
      const step: DistributedStep = {
        monitors,
        fromMs,
        toMs,
        stats,
        checksCounted,
        recorded,
        dropped,
        droppedTotal,
        backlog,
        catchUpMs,
        roles,
        rolesCpuMs,
        brokerCpuMs,
        brokerReadsPerSec:
          after.brokerReads === null || before.brokerReads === null
            ? null
            : ((after.brokerReads - before.brokerReads) * 1000) / windowMs,
        postgresCpuMs,
        redisCpuMs,
        targetCpuMs,
        otherCpuMs: Math.max(
          0,
          machineBusyMs -
            rolesCpuMs -
            (brokerCpuMs ?? 0) -
            postgresCpuMs -
            redisCpuMs -
            targetCpuMs,
        ),
        machineBusy:
          (after.machine.busy - before.machine.busy) / (after.machine.total - before.machine.total),
        loadAverage: load,
        offered,
        sustained: problems.length === 0,
        why: problems.join(', ') || 'sustained',
      };
      steps.push(step);
      say(table(STEP_HEADERS, [stepRow(step, windowMs)]));
      say(table(ROLE_HEADERS, roleRows(step, windowMs)));
      if (!step.sustained) break;
    }

    // Storage: every role stopped, then the bytes per stored row.
    await Promise.all(processes.map((p) => p.stop()));
    processes.length = 0;
    if (profiles !== null) {
      for (const entry of readdirSync(profiles)) {
        say(`\n### where ${entry} spent its CPU`);
        for (const summary of summarizeDir(join(profiles, entry)).filter((p) => p.totalMs > 500)) {
          printSummary(summary, say);
        }
      }
    }
    const tables = ['results', 'rollups_minute', 'rollups_hour', 'rollups_day', 'monitor_state'];
    const asLeft: TableSize[] = [];
    for (const t of tables) asLeft.push(await tableSize(db, t));
    await bounded('VACUUM FULL', 300_000, db.query(`VACUUM (FULL, ANALYZE) ${tables.join(', ')}`));
    const vacuumed: TableSize[] = [];
    for (const t of tables) vacuumed.push(await tableSize(db, t));
    const shaped = await bounded(
      'the 60 s storage shape',
      300_000,
      storageAt60s(database, STORAGE_MONITORS, STORAGE_MINUTES),
    );
    storage = { asLeft, vacuumed, at60s: shaped };
  } finally {
    await scheduler?.stop();
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
    await broker.stop();
  }

  heading('5. Summary: distributed beside embedded, same run');
  const ceilingText = ceiling === null ? '–' : fmt(ceiling.requestsPerSec);
  say(
    table(
      [
        'monitors',
        'distributed checks/s',
        'gap p99 ms',
        'CPU ms/check (roles)',
        'CPU ms/check (+ broker, PG)',
        'verdict',
        'embedded checks/s',
        'embedded gap p99 ms',
        'embedded CPU ms/check',
        'embedded verdict',
        'wrk new-connection ceiling req/s',
      ],
      steps.map((s) => {
        const e = embedded.find((x) => x.monitors === s.monitors);
        return [
          fmt(s.monitors),
          fmt(s.stats.checksPerSec),
          fmt(s.stats.gapMs.p99),
          fmt(s.rolesCpuMs / s.stats.checks, 3),
          fmt((s.rolesCpuMs + (s.brokerCpuMs ?? 0) + s.postgresCpuMs) / s.stats.checks, 3),
          s.why,
          fmt(e?.stats.checksPerSec),
          fmt(e?.stats.gapMs.p99),
          fmt(e?.cpuMsPerCheck, 3),
          e?.why ?? '–',
          ceilingText,
        ];
      }),
    ),
  );
  say(
    `\nWith no scheduler (during each embedded step), the role processes used ${idle
      .map((i) => `${fmt(i.roles)} %`)
      .join(', ')} of a core and the broker ${idle.map((i) => `${fmt(i.broker)} %`).join(', ')}.`,
  );
  say('\nStorage (pg_total_relation_size summed over partitions: heap, indexes, TOAST):');
  say(
    table(
      ['table', 'rows', 'bytes/row as left', 'bytes/row after VACUUM FULL', 'histogram ints/row'],
      storage.vacuumed.map((v) => {
        const left = storage.asLeft.find((x) => x.table === v.table);
        return [
          v.table,
          fmt(v.rows),
          fmt(left?.bytesPerRow),
          fmt(v.bytesPerRow),
          fmt(v.histogramInts, 1),
        ];
      }),
    ),
  );

  say(
    `\nThe same tables after recordBatch of ${fmt(STORAGE_MONITORS * STORAGE_MINUTES)} results as ` +
      `${fmt(STORAGE_MONITORS)} HTTPS monitors at 60 s for ${STORAGE_MINUTES} minutes (as left, no VACUUM), ` +
      `and what 100,000 monitors at 60 s would write per day:`,
  );
  const perDay: Record<string, number> = {
    results: 100_000 * 1440,
    rollups_minute: 100_000 * 1440,
    rollups_hour: 100_000 * 24,
    rollups_day: 100_000,
  };
  say(
    table(
      ['table', 'rows', 'bytes/row', 'histogram ints/row', 'rows/day at 100,000', 'GB/day'],
      storage.at60s.map((t) => {
        const rows = perDay[t.table.replace(/^.*\./, '')];
        return [
          t.table,
          fmt(t.rows),
          fmt(t.bytesPerRow),
          fmt(t.histogramInts, 1),
          fmt(rows),
          rows === undefined ? '–' : fmt((rows * t.bytesPerRow) / 1e9, 1),
        ];
      }),
    ),
  );

  const best = steps.filter((s) => s.sustained).at(-1) ?? null;
  const sizingStep = best ?? steps.at(-1) ?? null;
  if (sizingStep !== null) {
    say(
      `\nAt ${fmt(SIZING_CHECKS_PER_SEC)} checks/s (100,000 monitors at 60 s), from the ${fmt(sizingStep.monitors)} step:`,
    );
    say(
      table(
        ['role', 'CPU ms/check', 'main thread ms/check', 'cores', 'main-thread cores'],
        byRole(sizingStep).map((r) => [
          r.role,
          fmt(r.msPerCheck, 3),
          fmt(r.mainMsPerCheck, 3),
          fmt((r.msPerCheck * SIZING_CHECKS_PER_SEC) / 1000, 2),
          fmt((r.mainMsPerCheck * SIZING_CHECKS_PER_SEC) / 1000, 2),
        ]),
      ),
    );
  }

  const bestEmbedded =
    best === null ? undefined : embedded.find((e) => e.monitors === best.monitors);
  const rows: FigureRow[] = [
    {
      figure: 'checks/s through Kafka at 1 s, 2 workers (gap p99 ≤ 1.5 s)',
      value:
        best === null
          ? 'none sustained'
          : `${fmt(best.stats.checksPerSec)} (${fmt(best.monitors)} monitors)`,
      ceiling:
        `embedded ${bestEmbedded === undefined ? '–' : fmt(bestEmbedded.stats.checksPerSec)} at the same count; ` +
        `wrk ${ceilingText} req/s`,
      goal: '–',
      verdict: 'n/a',
    },
    {
      figure: 'CPU per check, all role processes',
      value:
        best === null
          ? '–'
          : `${fmt(best.rolesCpuMs / best.stats.checks, 3)} ms (+ broker and PostgreSQL ${fmt(
              ((best.brokerCpuMs ?? 0) + best.postgresCpuMs) / best.stats.checks,
              3,
            )} ms)`,
      ceiling: `embedded ${bestEmbedded === undefined ? '–' : fmt(bestEmbedded.cpuMsPerCheck, 3)} ms`,
      goal: '–',
      verdict: 'n/a',
    },
  ];
  return { ceiling, steps, embedded, best, storage, idle, rows };
}

/** Processes of one role added up: ms per check of the role as a whole. */
function byRole(
  step: DistributedStep,
): { role: string; msPerCheck: number; mainMsPerCheck: number }[] {
  const out = new Map<string, { role: string; msPerCheck: number; mainMsPerCheck: number }>();
  for (const r of step.roles) {
    const sum = out.get(r.role) ?? { role: r.role, msPerCheck: 0, mainMsPerCheck: 0 };
    sum.msPerCheck += r.msPerCheck;
    sum.mainMsPerCheck += r.mainMsPerCheck;
    out.set(r.role, sum);
  }
  return [...out.values()];
}

const STEP_HEADERS = [
  'monitors',
  'checks/s (PostgreSQL)',
  'checks/s (workers /metrics)',
  'gap p99 / max ms',
  'overdue at end',
  'dropped',
  'down',
  'latency p50 / p95 ms',
  'recorder backlog start → end',
  'caught up after s',
  'CPU ms/check roles',
  'broker',
  'broker read syscalls/s',
  'PostgreSQL',
  'redis (shared)',
  'nginx',
  'machine busy',
  'other processes',
  'load 1m',
  'verdict',
];

const pct = (ms: number | null, windowMs: number): string =>
  ms === null ? '–' : `${fmt((ms / windowMs) * 100)} %`;

function stepRow(s: DistributedStep, windowMs: number): string[] {
  return [
    fmt(s.monitors),
    fmt(s.stats.checksPerSec),
    fmt(s.checksCounted / ((s.toMs - s.fromMs) / 1000)),
    `${fmt(s.stats.gapMs.p99)} / ${fmt(s.stats.gapMs.max)}`,
    fmt(s.stats.overdueAtEnd),
    s.droppedTotal === 0
      ? '0'
      : `${fmt(s.droppedTotal)} (${Object.entries(s.dropped)
          .map(([reason, n]) => `${reason} ${n}`)
          .join(', ')})`,
    fmt(s.stats.byStatus.down ?? 0),
    `${fmt(s.stats.latencyMs.p50, 1)} / ${fmt(s.stats.latencyMs.p95, 1)}`,
    `${fmt(s.backlog.start)} → ${fmt(s.backlog.end)}`,
    fmt(Math.max(0, s.catchUpMs) / 1000, 1),
    fmt(s.rolesCpuMs / s.stats.checks, 3),
    pct(s.brokerCpuMs, windowMs),
    fmt(s.brokerReadsPerSec),
    pct(s.postgresCpuMs, windowMs),
    pct(s.redisCpuMs, windowMs),
    pct(s.targetCpuMs, windowMs),
    `${fmt(s.machineBusy * 100)} %`,
    pct(s.otherCpuMs, windowMs),
    s.loadAverage.split(' ')[0] ?? '',
    s.why,
  ];
}

const ROLE_HEADERS = [
  'process',
  'CPU (% of a core)',
  'main thread',
  'CPU ms/check',
  'main thread ms/check',
  'main loop delay p99 ms',
];

function roleRows(s: DistributedStep, windowMs: number): string[][] {
  return s.roles.map((r) => [
    r.name,
    pct(r.cpuMs, windowMs),
    pct(r.mainThreadCpuMs, windowMs),
    fmt(r.msPerCheck, 3),
    fmt(r.mainMsPerCheck, 3),
    fmt(r.loopDelayP99Ms),
  ]);
}
