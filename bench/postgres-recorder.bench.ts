/**
 * Results written per second by the PostgreSQL store's `recordBatch` (insert, roll-ups, the real
 * evaluator, states and incidents, one transaction per batch), beside a ceiling measured in the
 * same run on the same server: `psql \copy` of the same rows from a CSV file into a plain table.
 *
 *   node --import tsx bench/postgres-recorder.bench.ts [--monitors 1000] [--results 100000] [--batch 1000]
 *
 * Uses the server `DATABASE_URL` names (default: the local one), in a database of its own that is
 * dropped at the end. Results are spread over the monitors as if each were checked every 60 s, so
 * roll-up rows fill as in production: a new minute row per result, hour and day rows updated.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { createPostgresStore } from '../src/adapters/postgres-store/postgres-store.js';
import type { CheckResult } from '../src/domain/check.js';
import type { MonitorId } from '../src/domain/ids.js';
import { evaluateBatch } from '../src/roles/recorder/evaluate-batch.js';
import { checkIdAt, iso, makeMonitor, makeResult } from '../test/support/factories.js';
import { createTestDatabase } from '../test/support/postgres-database.js';

const { values } = parseArgs({
  options: {
    monitors: { type: 'string', default: '1000' },
    results: { type: 'string', default: '100000' },
    batch: { type: 'string', default: '1000' },
  },
});
const monitorCount = Number(values.monitors);
const resultCount = Number(values.results);
const batchSize = Number(values.batch);
const INTERVAL_MS = 60_000;
// Recent, so that the run writes into the partitions made ahead, as a live recorder does.
const start = Math.floor((Date.now() - 3 * 3_600_000) / INTERVAL_MS) * INTERVAL_MS;

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

const csvField = (value: string | number | null): string => {
  if (value === null) return '';
  const text = String(value);
  return /[",\n\r]/.test(text) || text === '' ? `"${text.replaceAll('"', '""')}"` : text;
};

/** The same fields the store keeps per result, one CSV line each. */
function csvLine(r: CheckResult): string {
  const t = r.timings;
  return [
    r.id,
    r.monitorId,
    r.checkedAt,
    r.status,
    r.latencyMs,
    r.httpStatus,
    r.error,
    r.failureKind,
    r.region,
    t.dnsMs,
    t.connectMs,
    t.tlsMs,
    t.ttfbMs,
    t.totalMs,
    r.tls?.validTo ?? null,
    r.tls?.daysLeft ?? null,
    r.tls?.issuer ?? null,
  ]
    .map(csvField)
    .join(',');
}

const PLAIN_TABLE = `CREATE TABLE plain_results (
  id uuid, monitor_id uuid, checked_at timestamptz, status text, latency_ms double precision,
  http_status integer, error text, failure_kind text, region text, dns_ms double precision,
  connect_ms double precision, tls_ms double precision, ttfb_ms double precision,
  total_ms double precision, tls_valid_to text, tls_days_left double precision, tls_issuer text)`;

const run = promisify(execFile);
const rate = (rows: number, ms: number): number => Math.round(rows / (ms / 1000));

const database = await createTestDatabase();
const dir = mkdtempSync(join(tmpdir(), 'uptime-pg-bench-'));
const store = createPostgresStore({ connectionString: database.urlWithSchema('bench') });
try {
  await store.migrate();
  const ids: MonitorId[] = [];
  for (let i = 0; i < monitorCount; i++) {
    const monitor = makeMonitor({ name: `bench ${i}`, tags: ['bench'], retries: 1 });
    await store.createMonitor(monitor);
    ids.push(monitor.id);
  }
  const all = results(ids, 0, resultCount);
  const batches: CheckResult[][] = [];
  for (let i = 0; i < all.length; i += batchSize) batches.push(all.slice(i, i + batchSize));

  const csv = join(dir, 'results.csv');
  writeFileSync(csv, all.map(csvLine).join('\n') + '\n');
  const admin = await database.connect();
  try {
    await admin.query(PLAIN_TABLE);
  } finally {
    await admin.end();
  }
  /** The ceiling: psql's own COPY of the CSV file, timed from its start to its exit. */
  const copyRate = async (): Promise<number> => {
    const c0 = performance.now();
    await run('psql', [
      database.url,
      '-v',
      'ON_ERROR_STOP=1',
      '-qc',
      `\\copy plain_results FROM '${csv}' WITH (FORMAT csv)`,
    ]);
    return rate(resultCount, performance.now() - c0);
  };

  // The ceiling before and after the measured run: the machine is shared, its load drifts.
  const copiedBefore = await copyRate();

  // Warm the connection pool and the prepared statements on a throw-away batch of other ids.
  await store.recordBatch(results(ids, resultCount, batchSize), evaluateBatch);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const perBatch: number[] = [];
  for (const batch of batches) {
    const b0 = performance.now();
    await store.recordBatch(batch, evaluateBatch);
    perBatch.push(performance.now() - b0);
  }
  const recordMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  perBatch.sort((a, b) => a - b);
  const p = (q: number): string =>
    (perBatch[Math.floor(q * (perBatch.length - 1))] ?? 0).toFixed(1);

  const copiedAfter = await copyRate();
  const copied = Math.round((copiedBefore + copiedAfter) / 2);
  const recorded = rate(resultCount, recordMs);
  console.log(
    `recordBatch (unnest, roll-ups, evaluateBatch), ${resultCount} results in batches of ` +
      `${batchSize} over ${monitorCount} monitors: ${recorded} results/s, ` +
      `${((cpu.user + cpu.system) / resultCount).toFixed(1)} µs Node CPU/result, ` +
      `batch p50 ${p(0.5)} ms p99 ${p(0.99)} ms`,
  );
  console.log(
    `psql \\copy of the same rows into a plain table: ${copied} rows/s ` +
      `(${copiedBefore} before, ${copiedAfter} after)`,
  );
  console.log(`ratio: ${(recorded / copied).toFixed(2)} (goal ≥ 0.5)`);
} finally {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  await database.drop();
}
