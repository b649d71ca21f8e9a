import type { Pool } from 'pg';
import { LOCK_PURPOSE, advisoryKey } from './advisory-locks.js';
import { countOf, rowsOf, withClient, type Queryable } from './connection.js';
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
 * One process at a time: the round runs under a session advisory lock, and a process that finds
 * it held answers 0 and leaves the work to the holder.
 *
 * Counting a detached partition reads it once; that keeps the count exact (the port returns rows
 * deleted) at the cost of one scan of a day that is about to go anyway.
 */
export function createRetention(
  pool: Pool,
  partitions: DayPartitions,
  schemaName: () => Promise<string>,
): Retention {
  const dropBefore = async (
    db: Queryable,
    table: PartitionedTable,
    boundaryMs: number,
  ): Promise<number> => {
    let removed = 0;
    const whole = (await listPartitions(db)).filter(
      (p) => p.table === table && (p.day + 1) * DAY_MS <= boundaryMs,
    );
    for (const p of whole) {
      // A detach that a crash interrupted must be finished, not started again.
      await db.query({
        text: `ALTER TABLE ${table} DETACH PARTITION ${p.name} ${p.detachPending ? 'FINALIZE' : 'CONCURRENTLY'}`,
      });
      const [row] = await rowsOf<{ n: number }>(db, {
        text: `SELECT count(*)::bigint AS n FROM ${p.name}`,
      });
      await db.query({ text: `DROP TABLE ${p.name}` });
      removed += row?.n ?? 0;
    }
    if (whole.length > 0) partitions.forget();
    const boundary = new Date(boundaryMs).toISOString();
    removed += await countOf(
      db,
      {
        name: `uptime_retention_${table}`,
        text: `DELETE FROM ${table} WHERE ${TIME_COLUMN[table]} < $1`,
      },
      [boundary],
    );
    return removed;
  };

  const deleteBefore = async (
    db: Queryable,
    level: 'hour' | 'day',
    boundaryMs: number,
  ): Promise<number> =>
    countOf(
      db,
      {
        name: `uptime_retention_rollups_${level}`,
        text: `DELETE FROM rollups_${level} WHERE bucket_start < $1`,
      },
      [new Date(boundaryMs).toISOString()],
    );

  return async (rawBeforeMs, nowMs) => {
    await partitions.ensure(pool, daysAround(nowMs));
    const [space, key] = advisoryKey(await schemaName(), LOCK_PURPOSE.retention);
    return withClient(pool, async (client) => {
      const [lock] = await rowsOf<{ ok: boolean }>(
        client,
        {
          text: 'SELECT pg_try_advisory_lock($1, $2) AS ok',
        },
        [space, key],
      );
      if (lock?.ok !== true) return 0;
      try {
        let removed = await dropBefore(client, 'results', rawBeforeMs);
        removed += await dropBefore(client, 'rollups_minute', nowMs - HORIZON_MS.minute);
        removed += await deleteBefore(client, 'hour', nowMs - HORIZON_MS.hour);
        removed += await deleteBefore(client, 'day', nowMs - HORIZON_MS.day);
        return removed;
      } finally {
        await client.query('SELECT pg_advisory_unlock($1, $2)', [space, key]);
      }
    });
  };
}
