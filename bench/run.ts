/**
 * Benchmarks of the embedded service, each figure beside a ceiling measured in the same run on
 * the same machine.
 *
 *   npm run build && npm run bench                       # every figure, about 7 minutes
 *   npm run bench -- throughput                          # one or more of: startup throughput latency memory
 *   npm run bench -- throughput --steps 1000,2000 --window 10
 *   npm run bench -- throughput --steps 4000 --cpu-prof  # and where the service's CPU goes
 *   npm run bench -- throughput --env UPTIME_CHECKER_CONCURRENCY=128
 *   npm run bench -- latency --latency-monitors 3000 --concurrency 32,64,4x32   # threads x per thread
 *   npm run bench -- dashboard                           # 10,000 monitors in headless Chromium: only when named
 *   npm run bench -- distributed api                     # Kafka, PostgreSQL, Redis: only when named
 *
 * Everything listens on and talks to 127.0.0.1 only. Every process the bench starts (nginx, wrk,
 * the service) is stopped by its pid, also on failure or Ctrl-C. The results are printed as tables
 * and written to test-output/bench/<timestamp>.json.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runApi } from './api.js';
import { runDistributed } from './distributed.js';
import { dashboardRows, runDashboard } from './dashboard.js';
import { runLatency } from './latency.js';
import { runMemory } from './memory.js';
import { runStartup } from './startup.js';
import { parseCheckerSetting, type BenchContext, type BenchOptions } from './support/context.js';
import { nginxMissing, startNginx, type Target } from './support/nginx.js';
import { startNodeTarget } from './support/node-target.js';
import { bounded, killAllTracked, loadAverage } from './support/proc.js';
import { figureTable, heading, say, writeJson, type FigureRow } from './support/report.js';
import { serviceMissing } from './support/service.js';
import { wrkMissing } from './support/wrk.js';
import { runThroughput } from './throughput.js';

const FIGURES = [
  'startup',
  'throughput',
  'latency',
  'memory',
  'distributed',
  'api',
  'dashboard',
] as const;
type Figure = (typeof FIGURES)[number];
/** Run when no figure is named; the others need Kafka, PostgreSQL or Redis. */
const DEFAULT_FIGURES: readonly Figure[] = ['startup', 'throughput', 'latency', 'memory'];

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    steps: { type: 'string', default: '1000,2000,3000,4000,5000,6000,8000,10000' },
    warmup: { type: 'string', default: '6' },
    window: { type: 'string', default: '15' },
    concurrency: { type: 'string', default: '32,64,128,256' },
    'latency-monitors': { type: 'string', default: '2000' },
    'memory-monitors': { type: 'string', default: '10000' },
    'memory-seconds': { type: 'string', default: '70' },
    'startup-runs': { type: 'string', default: '5' },
    'dashboard-monitors': { type: 'string', default: '10000' },
    'distributed-steps': { type: 'string', default: '1000,2000,3000' },
    'distributed-partitions': { type: 'string', default: '12' },
    'distributed-worker-threads': { type: 'string', default: '1' },
    'api-monitors': { type: 'string', default: '1000' },
    'api-seconds': { type: 'string', default: '10' },
    'api-connections': { type: 'string', default: '32' },
    keep: { type: 'boolean', default: false },
    'cpu-prof': { type: 'boolean', default: false },
    env: { type: 'string', multiple: true, default: [] },
    /** Behave as if these tools were missing: `--without nginx,wrk`. */
    without: { type: 'string', default: '' },
  },
});

const numbers = (text: string): number[] => text.split(',').map((n) => Number(n.trim()));
const options: BenchOptions = {
  steps: numbers(values.steps),
  warmupMs: Number(values.warmup) * 1000,
  windowMs: Number(values.window) * 1000,
  checkerSettings: values.concurrency.split(',').map(parseCheckerSetting),
  latencyMonitors: Number(values['latency-monitors']),
  memoryMonitors: Number(values['memory-monitors']),
  memoryRunMs: Number(values['memory-seconds']) * 1000,
  startupRuns: Number(values['startup-runs']),
  cpuProfile: values['cpu-prof'],
  serviceEnv: Object.fromEntries(
    values.env.map((pair) => {
      const at = pair.indexOf('=');
      return at > 0 ? [pair.slice(0, at), pair.slice(at + 1)] : [pair, ''];
    }),
  ),
};
const unknown = positionals.filter((p) => !(FIGURES as readonly string[]).includes(p));
if (unknown.length > 0) {
  process.stderr.write(`unknown figure ${unknown.join(', ')}; figures: ${FIGURES.join(', ')}\n`);
  process.exit(2);
}
const chosen = new Set<Figure>(
  positionals.length > 0 ? (positionals as Figure[]) : DEFAULT_FIGURES,
);

const tmp = mkdtempSync(join(tmpdir(), 'uptime-bench-run-'));
const cleanUp = (): void => {
  killAllTracked();
  if (!values.keep) rmSync(tmp, { recursive: true, force: true });
};
process.once('exit', cleanUp);
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    process.stderr.write(`\n${sig}: stopping everything the bench started\n`);
    process.exit(130);
  });
}

function gitRevision(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', 'src'], { encoding: 'utf8' });
    return dirty.trim() === '' ? head : `${head} (src modified)`;
  } catch {
    return 'unknown';
  }
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const missingService = serviceMissing();
  if (missingService !== null) throw new Error(missingService);
  const machine = {
    cores: availableParallelism(),
    cpu: cpus()[0]?.model ?? 'unknown',
    node: process.version,
    revision: gitRevision(),
  };
  say(`# Uptime bench, ${startedAt.toISOString()}`);
  say(
    `${machine.cores} cores (${machine.cpu}), Node ${machine.node}, revision ${machine.revision}, load average ${loadAverage()}`,
  );

  const without = new Set(values.without.split(',').map((t) => t.trim()));
  const noNginx = without.has('nginx') ? 'nginx left out (--without)' : nginxMissing();
  const noWrk = without.has('wrk') ? 'wrk left out (--without)' : wrkMissing();
  if (noNginx !== null) say(`NOTE: ${noNginx}: checks go to a node:http target, ceilings skipped`);
  if (noWrk !== null) say(`NOTE: ${noWrk}: ceiling rows skipped`);
  let nginx: Target | null = null;
  let nodeTarget: Target | null = null;
  const record: Record<string, unknown> = { startedAt, machine, options, figures: {} };
  const rows: FigureRow[] = [];
  let failed: string | null = null;
  try {
    nginx = noNginx === null ? await startNginx(join(tmp, 'nginx')) : null;
    if (nginx?.slow === false) {
      say(
        'NOTE: the nginx echo module is missing: /slow goes to a node:http target, its ceiling skipped',
      );
    }
    if (nginx === null || !nginx.slow) nodeTarget = await startNodeTarget();
    const target = nginx ?? nodeTarget;
    const slowTarget = nginx?.slow === true ? nginx : nodeTarget;
    if (target === null || slowTarget === null) throw new Error('no target could be started');
    const ctx: BenchContext = {
      options,
      tmp,
      target,
      slowTarget,
      ceilings: nginx !== null && noWrk === null,
      sustainedMonitors: null,
    };
    const figures = record.figures as Record<string, unknown>;
    const threads = availableParallelism();
    // Startup first, on a quiet machine; memory last, as it only waits.
    const plan: [Figure, number, () => Promise<{ rows: readonly FigureRow[] }>][] = [
      ['startup', 120_000, () => runStartup(ctx)],
      ['throughput', 900_000, () => runThroughput(ctx)],
      ['latency', 600_000, () => runLatency(ctx, threads)],
      ['memory', 600_000, () => runMemory(ctx)],
      [
        'dashboard',
        900_000,
        async () => ({
          rows: dashboardRows(
            await runDashboard({
              monitors: Number(values['dashboard-monitors']),
              runs: 5,
              flips: 6,
            }),
          ),
        }),
      ],
      [
        'distributed',
        1_800_000,
        () =>
          runDistributed(ctx, {
            steps: numbers(values['distributed-steps']),
            partitions: Number(values['distributed-partitions']),
            workerThreads: Number(values['distributed-worker-threads']),
          }),
      ],
      [
        'api',
        900_000,
        () =>
          runApi(ctx, {
            monitors: Number(values['api-monitors']),
            seconds: Number(values['api-seconds']),
            connections: numbers(values['api-connections']),
          }),
      ],
    ];
    for (const [name, limitMs, run] of plan) {
      if (!chosen.has(name)) continue;
      try {
        const result = await bounded(`the ${name} figure`, limitMs, run());
        figures[name] = result;
        rows.push(...result.rows);
      } catch (error) {
        // What it started may still run: the rest of the bench would measure against it, so
        // the run ends here (the exit handler stops every process by pid).
        failed = `the ${name} figure failed: ${error instanceof Error ? error.message : String(error)}`;
        figures[name] = { error: failed };
        say(`\n${failed}`);
        break;
      }
    }
  } finally {
    await nginx?.stop();
    await nodeTarget?.stop();
  }

  heading('Summary');
  say(figureTable(rows));
  say(`\nload average at the end: ${loadAverage()}`);
  record.finishedAt = new Date();
  record.loadAverageAtEnd = loadAverage();
  say(`written to ${writeJson(startedAt, record)}`);
  if (failed !== null) throw new Error(failed);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(
      `bench failed: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  },
);
