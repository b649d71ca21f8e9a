/**
 * Figure 2: resident memory with 10,000 monitors at 60 s. The monitors are created through the
 * API, then the service runs a little over one interval, so that every monitor has been checked,
 * recorded and evaluated at least once; VmRSS is read every second from /proc, VmHWM at the end.
 */
import type { BenchContext } from './support/context.js';
import { dataDir, monitorBodies } from './support/context.js';
import { bounded, loadAverage, sleep } from './support/proc.js';
import { fmt, heading, say, verdict, type FigureRow } from './support/report.js';
import { metricSum, startService } from './support/service.js';

const GOAL_MB = 250;

export interface MemoryResult {
  readonly monitors: number;
  readonly createdPerSec: number;
  readonly rssAtEndMB: number;
  readonly rssMaxSampledMB: number;
  readonly hwmMB: number;
  readonly rssAfterStartMB: number;
  readonly checksCounted: number;
  /** The main thread's V8 heap at the end, from /metrics. */
  readonly mainHeap: {
    readonly usedMB: number;
    readonly totalMB: number;
    readonly externalMB: number;
  };
  /** [seconds since the monitors were created, VmRSS MB], every second. */
  readonly samples: readonly (readonly [number, number])[];
  readonly listAllMs: number;
  readonly loadAverage: string;
  readonly rows: readonly FigureRow[];
}

/** Reads every monitor with its status through the API, 1,000 a page; returns the time taken. */
async function listAll(url: string, token: string): Promise<number> {
  const started = performance.now();
  let cursor: string | null = null;
  do {
    const query: string = cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`;
    const res = await fetch(`${url}/api/v1/monitors?limit=1000${query}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const page = (await res.json()) as { nextCursor?: string | null };
    if (res.status !== 200) throw new Error(`GET /api/v1/monitors answered ${res.status}`);
    cursor = page.nextCursor ?? null;
  } while (cursor !== null);
  return performance.now() - started;
}

export async function runMemory(ctx: BenchContext): Promise<MemoryResult> {
  const monitors = ctx.options.memoryMonitors;
  const runMs = ctx.options.memoryRunMs;
  heading(`2. Resident memory, ${fmt(monitors)} monitors at 60 s`);
  const dir = dataDir(ctx, 'memory');
  const service = await startService({ dataDir: dir, env: ctx.options.serviceEnv });
  try {
    const rssAfterStartMB = service.memoryMB()?.rss ?? Number.NaN;
    const started = performance.now();
    await bounded(
      `creating ${monitors} monitors`,
      60_000 + monitors * 20,
      service.createMonitors(monitorBodies(`${ctx.target.url}/m`, 0, monitors, 60)),
    );
    const createdPerSec = (monitors * 1000) / (performance.now() - started);
    say(
      `created ${fmt(monitors)} monitors at ${fmt(createdPerSec)}/s; running ${fmt(runMs / 1000)} s…`,
    );
    let rssMaxSampledMB = 0;
    const samples: [number, number][] = [];
    const runStart = Date.now();
    const until = runStart + runMs;
    while (Date.now() < until) {
      await sleep(Math.min(1_000, until - Date.now()));
      const rss = service.memoryMB()?.rss ?? 0;
      samples.push([Math.round((Date.now() - runStart) / 1000), Math.round(rss)]);
      rssMaxSampledMB = Math.max(rssMaxSampledMB, rss);
    }
    const end = service.memoryMB();
    const metrics = await service.metrics();
    const checksCounted = metricSum(metrics, 'uptime_checks_total');
    const mb = (name: string): number => (metrics.get(`uptime_nodejs_${name}`) ?? Number.NaN) / 1e6;
    const mainHeap = {
      usedMB: mb('heap_size_used_bytes'),
      totalMB: mb('heap_size_total_bytes'),
      externalMB: mb('external_memory_bytes'),
    };
    const listAllMs = await bounded(
      'listing monitors',
      60_000,
      listAll(service.url, service.token),
    );
    const rssAtEndMB = end?.rss ?? Number.NaN;
    const hwmMB = service.memoryMB()?.hwm ?? Number.NaN;
    const load = loadAverage();
    say(
      `VmRSS at start ${fmt(rssAfterStartMB)} MB, after ${fmt(runMs / 1000)} s ${fmt(rssAtEndMB)} MB (highest sample ${fmt(rssMaxSampledMB)} MB), VmHWM ${fmt(hwmMB)} MB; ${fmt(checksCounted)} checks done; load ${load}`,
    );
    say(
      `main thread's V8 heap: ${fmt(mainHeap.usedMB)} MB used of ${fmt(mainHeap.totalMB)} MB, external ${fmt(mainHeap.externalMB)} MB`,
    );
    say(
      `all ${fmt(monitors)} monitors with their status through the API (pages of 1,000): ${fmt(listAllMs)} ms`,
    );
    const rows: FigureRow[] = [
      {
        figure: `VmRSS, ${fmt(monitors)} monitors at 60 s, highest over ${fmt(runMs / 1000)} s`,
        value: `${fmt(Math.max(rssAtEndMB, rssMaxSampledMB))} MB (at end ${fmt(rssAtEndMB)}, VmHWM ${fmt(hwmMB)} MB)`,
        ceiling: `empty service ${fmt(rssAfterStartMB)} MB; Uptime Kuma 265–417 MB at 2,000`,
        goal: `≤ ${GOAL_MB} MB`,
        verdict: verdict(Math.max(rssAtEndMB, rssMaxSampledMB) <= GOAL_MB),
      },
    ];
    return {
      monitors,
      createdPerSec,
      rssAtEndMB,
      rssMaxSampledMB,
      hwmMB,
      rssAfterStartMB,
      checksCounted,
      mainHeap,
      samples,
      listAllMs,
      loadAverage: load,
      rows,
    };
  } finally {
    await service.stop();
  }
}
