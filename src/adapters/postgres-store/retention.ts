import type { Pool } from 'pg';
import { countOf, rowsOf } from './connection.js';
import {
  DAY_MS,
  daysAround,
  listPartitions,
  type DayPartitions,
  type PartitionedTable,
} from './partitions.js';
import { LEVEL_MS, type RollupLevel } from './rollup-batch.js';

/** How long each roll-up level is kept: enough for the windows read from it (see rollups.ts). */
const HORIZON_MS: Readonly<Record<RollupLevel, number>> = {
  minute: 2 * LEVEL_MS.day,
  hour: 35 * LEVEL_MS.day,
  day: 400 * LEVEL_MS.day,
};

const TIME_COLUMN: Readonly<Record<PartitionedTable, string>> = {
  results: 'checked_at',
  rollups_minute: 'bucket_start',
};

export type Retention = (rawBeforeMs: number, nowMs: number) => Promise<number>;

/**
 * Raw results and minute roll-ups: every day partition wholly before the boundary is detached
 * (CONCURRENTLY: inserts and reads of the other days never wait for it), counted and dropped;
 * rows before the boundary within its own day are deleted. Hour and day roll-ups are deleted by
 * time. Partitions for the coming days are made on the way. Returns the rows removed.
 *
 * Counting a detached partition reads it once; that keeps the count exact (the port returns rows
 * deleted) at the cost of one scan of a day that is about to go anyway.
 */
export function createRetention(pool: Pool, partitions: DayPartitions): Retention {
  const dropBefore = async (table: PartitionedTable, boundaryMs: number): Promise<number> => {
    let removed = 0;
    const whole = (await listPartitions(pool)).filter(
      (p) => p.table === table && (p.day + 1) * DAY_MS <= boundaryMs,
    );
    for (const p of whole) {
      // A detach that a crash interrupted must be finished, not started again.
      await pool.query(
        `ALTER TABLE ${table} DETACH PARTITION ${p.name} ${p.detachPending ? 'FINALIZE' : 'CONCURRENTLY'}`,
      );
      const [row] = await rowsOf<{ n: number }>(pool, {
        text: `SELECT count(*)::bigint AS n FROM ${p.name}`,
      });
      await pool.query(`DROP TABLE ${p.name}`);
      removed += row?.n ?? 0;
    }
    if (whole.length > 0) partitions.forget();
    const boundary = new Date(boundaryMs).toISOString();
    removed += await countOf(
      pool,
      {
        name: `uptime_retention_${table}`,
        text: `DELETE FROM ${table} WHERE ${TIME_COLUMN[table]} < $1`,
      },
      [boundary],
    );
    return removed;
  };

  const deleteBefore = async (level: 'hour' | 'day', boundaryMs: number): Promise<number> =>
    countOf(
      pool,
      {
        name: `uptime_retention_rollups_${level}`,
        text: `DELETE FROM rollups_${level} WHERE bucket_start < $1`,
      },
      [new Date(boundaryMs).toISOString()],
    );

  return async (rawBeforeMs, nowMs) => {
    await partitions.ensure(pool, daysAround(nowMs));
    let removed = await dropBefore('results', rawBeforeMs);
    removed += await dropBefore('rollups_minute', nowMs - HORIZON_MS.minute);
    removed += await deleteBefore('hour', nowMs - HORIZON_MS.hour);
    removed += await deleteBefore('day', nowMs - HORIZON_MS.day);
    return removed;
  };
}
