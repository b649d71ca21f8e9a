/**
 * Figure 3: from spawning `node dist/main/cli.js start` on an empty data directory to the first
 * 200 from /healthz (polled every 10 ms). Beside it, the floor: `node -e 0`.
 */
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import type { BenchContext } from './support/context.js';
import { dataDir } from './support/context.js';
import { loadAverage } from './support/proc.js';
import { fmt, heading, say, verdict, type FigureRow } from './support/report.js';
import { percentile } from './support/sqlite-results.js';
import { startService } from './support/service.js';

const GOAL_MS = 1_500;

export interface StartupResult {
  readonly runsMs: readonly number[];
  readonly medianMs: number;
  readonly maxMs: number;
  readonly nodeFloorMs: readonly number[];
  readonly nodeFloorMedianMs: number;
  readonly loadAverage: string;
  readonly rows: readonly FigureRow[];
}

function nodeFloor(): number {
  const started = performance.now();
  const out = spawnSync(process.execPath, ['-e', '0'], { stdio: 'ignore', timeout: 10_000 });
  if (out.status !== 0) throw new Error('node -e 0 failed');
  return performance.now() - started;
}

const median = (values: readonly number[]): number =>
  percentile(Float64Array.from(values).sort(), 50);

export async function runStartup(ctx: BenchContext): Promise<StartupResult> {
  heading('3. Start to a 200 from /healthz, empty data directory');
  const runsMs: number[] = [];
  const nodeFloorMs: number[] = [];
  for (let i = 0; i < ctx.options.startupRuns; i++) {
    nodeFloorMs.push(nodeFloor());
    const service = await startService({ dataDir: dataDir(ctx, 'startup'), readyWithinMs: 15_000 });
    runsMs.push(service.readyMs);
    await service.stop();
  }
  const medianMs = median(runsMs);
  const maxMs = Math.max(...runsMs);
  const nodeFloorMedianMs = median(nodeFloorMs);
  const load = loadAverage();
  say(
    `runs: ${runsMs.map((ms) => fmt(ms)).join(', ')} ms; node -e 0: ${nodeFloorMs.map((ms) => fmt(ms)).join(', ')} ms; load ${load}`,
  );
  const rows: FigureRow[] = [
    {
      figure: `start → /healthz 200, empty DATA_DIR (${runsMs.length} runs)`,
      value: `median ${fmt(medianMs)} ms, max ${fmt(maxMs)} ms`,
      ceiling: `node -e 0: median ${fmt(nodeFloorMedianMs)} ms`,
      goal: `< ${fmt(GOAL_MS)} ms`,
      verdict: verdict(maxMs < GOAL_MS),
    },
  ];
  return { runsMs, medianMs, maxMs, nodeFloorMs, nodeFloorMedianMs, loadAverage: load, rows };
}
