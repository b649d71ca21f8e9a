import { summaryOf } from '../../domain/uptime-rollups.js';
import type { Pool, PoolClient } from 'pg';
import type { MonitorId } from '../../domain/ids.js';
import { BUCKETS } from '../../domain/latency-histogram.js';
import { WINDOW_MS, type UptimeSummary, type UptimeWindow } from '../../domain/uptime.js';
import { rowsOf } from './connection.js';
import { knownShape } from './known-ids.js';
import { arrayLiteral } from './sql-arrays.js';
import { addStoredHistogram, sparseOf } from './histogram.js';
import { LEVEL_MS, ROLLUP_LEVELS, type RollupDeltas, type RollupLevel } from './rollup-batch.js';

/** The finest level kept for the whole of each window (see the retention horizons). */
const WINDOW_LEVEL: Readonly<Record<UptimeWindow, RollupLevel>> = {
  '1h': 'minute',
  '24h': 'minute',
  '7d': 'hour',
  '30d': 'hour',
  '90d': 'day',
};

export interface RollupRepository {
  /** Adds a batch's deltas (new results only) to their rows; on the batch's client. */
  add(client: PoolClient, deltas: RollupDeltas): Promise<void>;
  summary(monitorId: MonitorId, window: UptimeWindow, nowMs: number): Promise<UptimeSummary>;
}

/**
 * Minutes are nearly always new (one result per monitor per minute at a 60 s interval): they go
 * in with `INSERT … ON CONFLICT DO UPDATE`. Hours and days nearly always exist: they are updated
 * with a plain UPDATE where they exist and inserted where they do not, which costs about half of
 * the upsert (no speculative insertion; one WAL record per row instead of two). Whether an hour
 * or day row exists is probed by key in the input CTE, because a nested-loop probe is the right
 * plan however few rows the planner expects from `unnest`. A row another batch inserts between
 * the probe and the insert fails the insert on its key; the batch then runs again (see
 * record-batch.ts) and updates it.
 */
const exists = (level: RollupLevel): string =>
  `EXISTS (SELECT 1 FROM rollups_${level} r
           WHERE r.monitor_seq = u.monitor_seq AND r.bucket_start = u.bucket_start)`;

const merge = (into: string, from: string): string => `
  checks = ${into}.checks + ${from}.checks,
  failures = ${into}.failures + ${from}.failures,
  latency_sum = ${into}.latency_sum + ${from}.latency_sum,
  histogram = uptime_histogram_add(${into}.histogram, ${from}.histogram)`;

const COLUMNS = 'monitor_seq, bucket_start, checks, failures, latency_sum, histogram';

function updateOrInsert(level: 'hour' | 'day'): string {
  const n = ROLLUP_LEVELS.indexOf(level);
  return `
    ${level}_updated AS (
      UPDATE rollups_${level} r SET ${merge('r', 'd')}
      FROM d
      WHERE d.level = ${n} AND d.present
        AND r.monitor_seq = d.monitor_seq AND r.bucket_start = d.bucket_start),
    ${level}_inserted AS (
      INSERT INTO rollups_${level} (${COLUMNS})
      SELECT ${COLUMNS} FROM d WHERE d.level = ${n} AND NOT d.present)`;
}

/** All three levels in one statement: one round trip per batch. */
const UPSERT = {
  name: 'uptime_rollups_upsert',
  text: `WITH d AS MATERIALIZED (
           SELECT u.level, u.monitor_seq, u.bucket_start, u.checks, u.failures, u.latency_sum,
             u.histogram::integer[] AS histogram,
             CASE u.level WHEN 1 THEN ${exists('hour')} WHEN 2 THEN ${exists('day')} END
               AS present
           FROM unnest($1::smallint[], $2::integer[], $3::timestamptz[], $4::integer[],
             $5::integer[], $6::double precision[], $7::text[])
           AS u (level, monitor_seq, bucket_start, checks, failures, latency_sum, histogram)),
         minute_upserted AS (
           INSERT INTO rollups_minute AS r (${COLUMNS})
           SELECT ${COLUMNS} FROM d WHERE d.level = ${ROLLUP_LEVELS.indexOf('minute')}
           ON CONFLICT (monitor_seq, bucket_start) DO UPDATE SET ${merge('r', 'excluded')}),
         ${updateOrInsert('hour')},
         ${updateOrInsert('day')}
         SELECT 1`,
};

const SELECT: Readonly<Record<RollupLevel, { name: string; text: string }>> = {
  minute: selectLevel('minute'),
  hour: selectLevel('hour'),
  day: selectLevel('day'),
};

function selectLevel(level: RollupLevel): { name: string; text: string } {
  return {
    name: `uptime_rollups_${level}`,
    text: `SELECT checks, failures, latency_sum, histogram FROM rollups_${level}
           WHERE monitor_seq = (SELECT seq FROM monitors WHERE id = $1)
             AND bucket_start >= $2 AND bucket_start <= $3`,
  };
}

interface RollupRow {
  readonly checks: number;
  readonly failures: number;
  readonly latency_sum: number;
  readonly histogram: number[];
}

/**
 * Per-monitor roll-ups by minute, hour and day: checks, failures, and the latency sum and
 * histogram of the checks that were not `down`.
 *
 * A window is answered from whole buckets: those starting at or after `nowMs - window` floored to
 * the bucket size, up to `nowMs`, so it may include one extra bucket at its start (a minute for 1h
 * and 24h, an hour for 7d and 30d, a day for 90d); percentiles come from the merged log-scale
 * histogram, within 5 % of the exact values.
 */
export function createRollupRepository(pool: Pool): RollupRepository {
  return {
    add: async (client, d) => {
      if (d.levels.length === 0) return;
      await client.query({
        ...UPSERT,
        values: [
          arrayLiteral(d.levels),
          arrayLiteral(d.monitorSeqs),
          arrayLiteral(d.bucketStarts),
          arrayLiteral(d.checks),
          arrayLiteral(d.failures),
          arrayLiteral(d.latencySums),
          arrayLiteral(d.histograms),
        ],
      });
    },

    summary: async (monitorId, window, nowMs) => {
      const level = WINDOW_LEVEL[window];
      const size = LEVEL_MS[level];
      const from = Math.floor((nowMs - WINDOW_MS[window]) / size) * size;
      const rows =
        knownShape([monitorId]).length === 0
          ? []
          : await rowsOf<RollupRow>(pool, SELECT[level], [
              monitorId,
              new Date(from).toISOString(),
              new Date(nowMs).toISOString(),
            ]);
      let checks = 0;
      let failures = 0;
      let latencySum = 0;
      const dense = new Float64Array(BUCKETS);
      for (const row of rows) {
        checks += row.checks;
        failures += row.failures;
        latencySum += row.latency_sum;
        addStoredHistogram(dense, row.histogram);
      }
      return summaryOf(window, { checks, failures, latencySum, histogram: sparseOf(dense) });
    },
  };
}
