/**
 * Throughput of the SQLite store's hot path and the reads the API serves from it.
 *
 *   node --expose-gc --import tsx bench/sqlite-store.bench.ts \
 *     [--monitors 1000] [--results 200000] [--batch 500] [--memory]
 *
 * Results are spread over the monitors as if each were checked every 60 s, so roll-up rows fill
 * the way they do in production: a new minute row per result, hour and day rows updated.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createSqliteStore } from '../src/adapters/sqlite-store/sqlite-store.js';
import type { CheckResult } from '../src/domain/check.js';
import type { MonitorId } from '../src/domain/ids.js';
import type { BatchEvaluator } from '../src/ports/store.js';
import { domainEvaluator, noEffects } from '../test/contracts/store-contract-support.js';
import { checkIdAt, iso, makeMonitor, makeResult } from '../test/support/factories.js';

const { values } = parseArgs({
  options: {
    monitors: { type: 'string', default: '1000' },
    results: { type: 'string', default: '200000' },
    batch: { type: 'string', default: '500' },
    memory: { type: 'boolean', default: false },
  },
});
const monitorCount = Number(values.monitors);
const resultCount = Number(values.results);
const batchSize = Number(values.batch);
const INTERVAL_MS = 60_000;
const start = Date.UTC(2026, 0, 1);

function results(ids: readonly MonitorId[], from: number, count: number): CheckResult[] {
  return Array.from({ length: count }, (_, k) => {
    const n = from + k;
    const round = Math.floor(n / ids.length);
    const slot = n % ids.length;
    const at = start + round * INTERVAL_MS + Math.floor((slot * INTERVAL_MS) / ids.length);
    const roll = (n * 7919) % 100;
    return makeResult(ids[slot] as MonitorId, {
      id: checkIdAt(at),
      checkedAt: iso(at),
      status: roll < 2 ? 'down' : roll < 5 ? 'degraded' : 'up',
      latencyMs: 20 + ((n * 104729) % 400),
    });
  });
}

async function run(label: string, evaluate: BatchEvaluator): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'uptime-bench-'));
  const store = createSqliteStore({ path: values.memory ? ':memory:' : join(dir, 'bench.db') });
  try {
    await store.migrate();
    const ids: MonitorId[] = [];
    for (let i = 0; i < monitorCount; i++) {
      const monitor = makeMonitor({ name: `bench ${i}`, tags: ['bench'] });
      await store.createMonitor(monitor);
      ids.push(monitor.id);
    }
    const batches: CheckResult[][] = [];
    for (let i = 0; i < resultCount; i += batchSize) {
      batches.push(results(ids, i, Math.min(batchSize, resultCount - i)));
    }

    // The test data is garbage-heavy to build; collect it before the clock starts.
    (globalThis as { gc?: () => void }).gc?.();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const perBatch: number[] = [];
    for (const batch of batches) {
      const b0 = performance.now();
      await store.recordBatch(batch, evaluate);
      perBatch.push(performance.now() - b0);
    }
    const elapsedMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    perBatch.sort((a, b) => a - b);
    const p = (q: number): string =>
      (perBatch[Math.floor(q * (perBatch.length - 1))] ?? 0).toFixed(1);
    console.log(
      `${label}: ${resultCount} results in batches of ${batchSize} over ${monitorCount} monitors: ` +
        `${Math.round(resultCount / (elapsedMs / 1000))} results/s, ` +
        `${(((cpu.user + cpu.system) / 1000 / resultCount) * 1000).toFixed(1)} µs CPU/result, ` +
        `batch p50 ${p(0.5)} ms p99 ${p(0.99)} ms`,
    );

    const replay0 = performance.now();
    for (const batch of batches.slice(0, 20)) await store.recordBatch(batch, evaluate);
    const replayed = batches.slice(0, 20).reduce((s, b) => s + b.length, 0);
    console.log(
      `  redelivered (all duplicates): ${Math.round(replayed / ((performance.now() - replay0) / 1000))} results/s`,
    );

    const now = start + Math.ceil(resultCount / monitorCount) * INTERVAL_MS;
    const first = ids[0] as MonitorId;
    for (const window of ['1h', '24h', '30d', '90d'] as const) {
      const r0 = performance.now();
      const reps = 50;
      for (let i = 0; i < reps; i++) await store.uptime(first, window, now);
      console.log(`  uptime ${window}: ${((performance.now() - r0) / reps).toFixed(2)} ms`);
    }
    const s0 = performance.now();
    const statuses = await store.statuses(ids);
    console.log(
      `  statuses of ${statuses.size} monitors: ${(performance.now() - s0).toFixed(1)} ms`,
    );
    const l0 = performance.now();
    await store.listResults(first, { limit: 100 });
    console.log(`  listResults 100: ${(performance.now() - l0).toFixed(2)} ms`);
    const d0 = performance.now();
    const deleted = await store.applyRetention(now - 2 * 3_600_000, now);
    console.log(`  retention: ${deleted} rows in ${(performance.now() - d0).toFixed(0)} ms`);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await run('no-op evaluator', noEffects);
await run('status machine evaluator', domainEvaluator);
