/**
 * Figure 1: checks per second one embedded process sustains with every monitor at 1 s, beside
 * the new-connection ceiling of the machine (wrk -t1 -c64 -d8s, Connection: close, → nginx).
 *
 * Per step: create monitors up to N (intervalSeconds 1, each on its own path of the target),
 * restart the service so that every monitor is placed by phase (as after any restart) rather
 * than on the instant it was created, warm up, measure a window, stop, read the store.
 */
import { resolve } from 'node:path';
import type { BenchContext, WindowReading } from './support/context.js';
import { dataDir, measureWindow, monitorBodies } from './support/context.js';
import { printSummary, summarizeDir } from './support/cpu-profile.js';
import { bounded } from './support/proc.js';
import { fmt, heading, say, table, verdict, type FigureRow } from './support/report.js';
import { startService, type RunningService } from './support/service.js';
import { readWindow, type WindowStats } from './support/sqlite-results.js';
import { runWrk, type WrkResult } from './support/wrk.js';

export const KUMA_CPU_MS_PER_CHECK = '8–10';
const GAP_LIMIT_MS = 1_500;
/** Drops, or `down` results, above this share of the checks offered: not sustained. */
const SIGNIFICANT = 0.01;
const GOAL_RATIO = 0.5;

export interface Step {
  readonly monitors: number;
  readonly reading: WindowReading;
  readonly stats: WindowStats;
  readonly cpuMsPerCheck: number;
  readonly offered: number;
  readonly sustained: boolean;
  readonly why: string;
}

export interface ThroughputResult {
  readonly ceiling: WrkResult | null;
  readonly steps: readonly Step[];
  readonly best: Step | null;
  readonly ratio: number | null;
  readonly rows: readonly FigureRow[];
}

export function newConnectionCeiling(url: string): Promise<WrkResult> {
  return runWrk({
    url,
    threads: 1,
    connections: 64,
    durationS: 8,
    headers: ['Connection: close'],
  });
}

/** Starts the service on `dir`, creates monitors `from..to-1`, and stops it. */
export async function addMonitors(
  dir: string,
  base: string,
  from: number,
  to: number,
  intervalSeconds: number,
): Promise<number> {
  const service = await startService({ dataDir: dir });
  try {
    const started = Date.now();
    await bounded(
      `creating ${to - from} monitors`,
      60_000 + (to - from) * 20,
      service.createMonitors(monitorBodies(base, from, to - from, intervalSeconds)),
    );
    return ((to - from) * 1000) / Math.max(1, Date.now() - started);
  } finally {
    await service.stop();
  }
}

/**
 * Runs a fresh service on `dir`, measures a window, stops it and reads the store. With
 * `--cpu-prof`, the service runs under `node --cpu-prof` and the profiles of its threads are
 * summarised once it has stopped (they are kept under test-output/bench/profiles/).
 */
export async function measureRun(
  ctx: BenchContext,
  dir: string,
  env: Readonly<Record<string, string>>,
  target: BenchContext['target'],
  label: string,
): Promise<{ reading: WindowReading; stats: WindowStats }> {
  const { warmupMs, windowMs } = ctx.options;
  const profiles = ctx.options.cpuProfile
    ? resolve(
        'test-output',
        'bench',
        'profiles',
        `${new Date().toISOString().replace(/[:.]/g, '-')}-${label}`,
      )
    : null;
  const service: RunningService = await startService({
    dataDir: dir,
    env: { ...ctx.options.serviceEnv, ...env },
    nodeArgs: profiles === null ? [] : ['--cpu-prof', `--cpu-prof-dir=${profiles}`],
  });
  let reading: WindowReading;
  try {
    reading = await bounded(
      'measured window',
      warmupMs + windowMs + 30_000,
      measureWindow(service, target, warmupMs, windowMs),
    );
  } finally {
    await service.stop();
  }
  const stats = readWindow(dir, reading.fromMs, reading.toMs, {
    lookbackMs: 5_000,
    overdueMs: GAP_LIMIT_MS,
  });
  if (profiles !== null) {
    for (const summary of summarizeDir(profiles).filter((p) => p.totalMs > 500)) {
      printSummary(summary, say);
    }
  }
  return { reading, stats };
}

function judge(monitors: number, reading: WindowReading, stats: WindowStats): Step {
  const offered = (monitors * (reading.toMs - reading.fromMs)) / 1000;
  const down = stats.byStatus.down ?? 0;
  const problems: string[] = [];
  if (!(stats.gapMs.p99 <= GAP_LIMIT_MS)) problems.push(`gap p99 ${fmt(stats.gapMs.p99)} ms`);
  if (reading.droppedTotal > offered * SIGNIFICANT) problems.push(`${reading.droppedTotal} drops`);
  if (down > offered * SIGNIFICANT) problems.push(`${down} down`);
  return {
    monitors,
    reading,
    stats,
    offered,
    cpuMsPerCheck: reading.serviceCpuMs / stats.checks,
    sustained: problems.length === 0,
    why: problems.join(', ') || 'sustained',
  };
}

export function dropReasons(reading: WindowReading): string {
  const reasons = Object.entries(reading.dropped).map(([reason, n]) => `${reason} ${n}`);
  return reasons.join(', ') || '–';
}

function stepRow(step: Step): string[] {
  const { reading: r, stats: s } = step;
  const seconds = (r.toMs - r.fromMs) / 1000;
  return [
    fmt(step.monitors),
    fmt(s.checksPerSec),
    fmt(r.checksCounted / seconds),
    fmt(s.gapMs.p99),
    fmt(s.gapMs.max),
    fmt(r.droppedTotal),
    dropReasons(r),
    fmt(s.byStatus.down ?? 0),
    `${fmt(s.latencyMs.p50, 1)} / ${fmt(s.latencyMs.p95, 1)}`,
    fmt(step.cpuMsPerCheck, 3),
    `${fmt((r.serviceCpuMs / (seconds * 1000)) * 100)} %`,
    `${fmt((r.mainThreadCpuMs / (seconds * 1000)) * 100)} %`,
    `${fmt(r.loopDelayMs.p99)} / ${fmt(r.loopDelayMs.max)}`,
    `≤ ${fmt(r.schedulingLatenessP99Ms)}`,
    `${fmt((r.targetCpuMs / (seconds * 1000)) * 100)} %`,
    `${fmt(r.machineBusy * 100)} %`,
    `${fmt((r.otherCpuMs / (r.toMs - r.fromMs)) * 100)} %`,
    r.loadAverage.split(' ')[0] ?? '',
    step.why,
  ];
}

export const STEP_HEADERS = [
  'monitors',
  'checks/s (store)',
  'checks/s (/metrics)',
  'gap p99 ms',
  'gap max ms',
  'dropped',
  'drop reasons',
  'down',
  'latency p50 / p95 ms',
  'CPU ms/check',
  'service CPU',
  'main thread',
  'main loop delay p99 / max ms',
  'scheduling lateness p99 ms',
  'target CPU',
  'machine busy',
  'other processes',
  'load 1m',
  'verdict',
];

export async function runThroughput(ctx: BenchContext): Promise<ThroughputResult> {
  heading('1. Checks per second, every monitor at 1 s');
  let ceiling: WrkResult | null = null;
  if (ctx.ceilings) {
    ceiling = await newConnectionCeiling(`${ctx.target.url}/`);
    say(`ceiling: ${ceiling.command} → ${fmt(ceiling.requestsPerSec)} req/s`);
  } else {
    say('ceiling: skipped (nginx or wrk missing)');
  }
  const dir = dataDir(ctx, 'throughput');
  const steps: Step[] = [];
  let created = 0;
  for (const monitors of ctx.options.steps) {
    const rate = await addMonitors(dir, `${ctx.target.url}/m`, created, monitors, 1);
    created = monitors;
    say(`${fmt(monitors)} monitors (added at ${fmt(rate)}/s); measuring…`);
    const { reading, stats } = await measureRun(ctx, dir, {}, ctx.target, `throughput-${monitors}`);
    const step = judge(monitors, reading, stats);
    steps.push(step);
    say(
      table(STEP_HEADERS, [stepRow(step)])
        .split('\n')
        .slice(2)
        .join('\n'),
    );
    if (!step.sustained) break;
  }
  say('');
  say(table(STEP_HEADERS, steps.map(stepRow)));

  const best = steps.filter((s) => s.sustained).at(-1) ?? null;
  ctx.sustainedMonitors = best?.monitors ?? null;
  const ratio =
    best !== null && ceiling !== null ? best.stats.checksPerSec / ceiling.requestsPerSec : null;
  const rows: FigureRow[] = [
    {
      figure: 'checks/s sustained at 1 s (gap p99 ≤ 1.5 s)',
      value:
        best === null
          ? 'none sustained'
          : `${fmt(best.stats.checksPerSec)} (${fmt(best.monitors)} monitors)`,
      ceiling:
        ceiling === null
          ? 'skipped'
          : `${fmt(ceiling.requestsPerSec)} req/s; ratio ${fmt(ratio, 2)}`,
      goal: `≥ ${GOAL_RATIO} × ceiling`,
      verdict: verdict(ratio === null ? null : ratio >= GOAL_RATIO),
    },
    {
      figure: 'CPU per check, all roles',
      value: best === null ? '–' : `${fmt(best.cpuMsPerCheck, 3)} ms`,
      ceiling: `Uptime Kuma ${KUMA_CPU_MS_PER_CHECK} ms`,
      goal: 'a small fraction of Kuma',
      verdict: 'n/a',
    },
  ];
  return { ceiling, steps, best, ratio, rows };
}
