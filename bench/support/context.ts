/** What every figure is given by bench/run.ts, and the measured window they share. */
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import type { Target } from './nginx.js';
import { CLOCK_TICKS, loadAverage, machineJiffies, sleep } from './proc.js';
import type { RunningService } from './service.js';
import { metricByLabel, metricSum, type MetricSamples } from './service.js';

export interface CheckerSetting {
  readonly threads: number | null;
  readonly concurrency: number;
}

/** `64` (default threads) or `4x32` (threads × concurrency per thread). */
export function parseCheckerSetting(text: string): CheckerSetting {
  const match = /^(?:(\d+)x)?(\d+)$/.exec(text.trim());
  if (match === null) throw new Error(`--concurrency: "${text}" is neither 64 nor 4x32`);
  return {
    threads: match[1] === undefined ? null : Number(match[1]),
    concurrency: Number(match[2]),
  };
}

export interface BenchOptions {
  /** Monitor counts tried by the throughput figure, in order, until one is not sustained. */
  readonly steps: readonly number[];
  readonly warmupMs: number;
  readonly windowMs: number;
  /** Checker settings tried by the latency figure; threads null: the service's default. */
  readonly checkerSettings: readonly CheckerSetting[];
  /** Monitors of the latency figure when the throughput figure did not run. */
  readonly latencyMonitors: number;
  readonly memoryMonitors: number;
  readonly memoryRunMs: number;
  readonly startupRuns: number;
  /** Environment given to every service the figures measure (`--env KEY=VALUE`). */
  readonly serviceEnv: Readonly<Record<string, string>>;
  /** Run measured services under `node --cpu-prof` and print where their CPU went. */
  readonly cpuProfile: boolean;
}

export interface BenchContext {
  readonly options: BenchOptions;
  /** Root temp directory of the run; removed at the end. */
  readonly tmp: string;
  /** Fixed 200 on every path. */
  readonly target: Target;
  /** Answers `/slow…` after 50 ms. */
  readonly slowTarget: Target;
  /** nginx and wrk are here: ceiling rows are measured. */
  readonly ceilings: boolean;
  /** Filled by the throughput figure for the latency figure. */
  sustainedMonitors: number | null;
}

export function dataDir(ctx: BenchContext, name: string): string {
  return mkdtempSync(join(ctx.tmp, `${name}-`));
}

/** Deltas over a measured window of a running service. */
export interface WindowReading {
  readonly fromMs: number;
  readonly toMs: number;
  readonly serviceCpuMs: number;
  /** The main thread's share of it: scheduler, worker role, recorder, store, API. */
  readonly mainThreadCpuMs: number;
  readonly targetCpuMs: number;
  /** Share of the whole machine (all cores) busy, 0..1. */
  readonly machineBusy: number;
  /** CPU used by everything but the service and the target (other work on the machine), ms. */
  readonly otherCpuMs: number;
  /** `uptime_checks_total` delta. */
  readonly checksCounted: number;
  /** `uptime_checks_dropped_total` delta, by reason. */
  readonly dropped: Readonly<Record<string, number>>;
  readonly droppedTotal: number;
  readonly loadAverage: string;
  /** Event-loop delay of the main thread over the window (prom-client, 10 ms resolution). */
  readonly loopDelayMs: { readonly p99: number; readonly max: number };
  /** Upper bound of the bucket holding the p99 of `uptime_scheduling_lateness_seconds`. */
  readonly schedulingLatenessP99Ms: number;
}

/** The p-quantile of a Prometheus histogram's increase, as the upper bound of its bucket. */
function histogramQuantile(
  before: MetricSamples,
  after: MetricSamples,
  name: string,
  q: number,
): number {
  const buckets: { le: number; count: number }[] = [];
  for (const [series, value] of after) {
    const le = new RegExp(`^${name}_bucket\\{le="([^"]+)"\\}$`).exec(series)?.[1];
    if (le === undefined) continue;
    buckets.push({
      le: le === '+Inf' ? Infinity : Number(le),
      count: value - (before.get(series) ?? 0),
    });
  }
  buckets.sort((a, b) => a.le - b.le);
  const total = buckets.at(-1)?.count ?? 0;
  if (total === 0) return Number.NaN;
  return (buckets.find((b) => b.count >= q * total)?.le ?? Number.NaN) * 1000;
}

/** Waits `warmupMs`, then reads CPU, /metrics and the machine over `windowMs`. */
export async function measureWindow(
  service: RunningService,
  target: Target,
  warmupMs: number,
  windowMs: number,
): Promise<WindowReading> {
  await sleep(warmupMs);
  const before = {
    metrics: await service.metrics(),
    cpu: service.cpuMs() ?? Number.NaN,
    main: service.mainThreadCpuMs() ?? Number.NaN,
    target: target.cpuMs(),
    machine: machineJiffies(),
  };
  const fromMs = Date.now();
  await sleep(windowMs);
  const toMs = Date.now();
  const after = {
    cpu: service.cpuMs() ?? Number.NaN,
    main: service.mainThreadCpuMs() ?? Number.NaN,
    target: target.cpuMs(),
    machine: machineJiffies(),
    metrics: await service.metrics(),
  };
  const droppedBefore = metricByLabel(before.metrics, 'uptime_checks_dropped_total', 'reason');
  const droppedAfter = metricByLabel(after.metrics, 'uptime_checks_dropped_total', 'reason');
  const dropped: Record<string, number> = {};
  for (const [reason, count] of Object.entries(droppedAfter)) {
    const delta = count - (droppedBefore[reason] ?? 0);
    if (delta > 0) dropped[reason] = delta;
  }
  const serviceCpuMs = after.cpu - before.cpu;
  const targetCpuMs = after.target - before.target;
  const machineBusyMs = ((after.machine.busy - before.machine.busy) * 1000) / CLOCK_TICKS;
  return {
    fromMs,
    toMs,
    serviceCpuMs,
    mainThreadCpuMs: after.main - before.main,
    targetCpuMs,
    otherCpuMs: Math.max(0, machineBusyMs - serviceCpuMs - targetCpuMs),
    machineBusy:
      (after.machine.busy - before.machine.busy) / (after.machine.total - before.machine.total),
    checksCounted:
      metricSum(after.metrics, 'uptime_checks_total') -
      metricSum(before.metrics, 'uptime_checks_total'),
    dropped,
    droppedTotal: Object.values(dropped).reduce((a, b) => a + b, 0),
    loadAverage: loadAverage(),
    loopDelayMs: {
      p99: (after.metrics.get('uptime_nodejs_eventloop_lag_p99_seconds') ?? Number.NaN) * 1000,
      max: (after.metrics.get('uptime_nodejs_eventloop_lag_max_seconds') ?? Number.NaN) * 1000,
    },
    schedulingLatenessP99Ms: histogramQuantile(
      before.metrics,
      after.metrics,
      'uptime_scheduling_lateness_seconds',
      0.99,
    ),
  };
}

/** Monitor bodies 0..count-1 starting at `from`, each on its own path of `base`. */
export function monitorBodies(
  base: string,
  from: number,
  count: number,
  intervalSeconds: number,
): object[] {
  return Array.from({ length: count }, (_, k) => ({
    name: `bench ${from + k}`,
    url: `${base}/${from + k}`,
    intervalSeconds,
  }));
}
