import { setImmediate as nextTurn } from 'node:timers/promises';
import { StoreError } from '../../ports/store.js';
import { lazyStatement, type SqliteDatabase } from './database.js';
import { LEVEL_MS, type RollupLevel } from './rollup-batch.js';

/** How long each roll-up level is kept: enough for the windows read from it (see rollups.ts). */
const HORIZON_MS: Readonly<Record<RollupLevel, number>> = {
  minute: 2 * LEVEL_MS.day,
  hour: 35 * LEVEL_MS.day,
  day: 400 * LEVEL_MS.day,
};

/** Rows deleted per transaction; between transactions the event loop and other writers run. */
const CHUNK_ROWS = 2_000;

export type Retention = (
  rawBeforeMs: number,
  nowMs: number,
  isOpen: () => boolean,
) => Promise<number>;

/**
 * Deletes by time, monitor by monitor along the (monitor, time) keys, in short transactions: a
 * large backlog is removed in many small steps instead of one long lock.
 */
export function createRetention(db: SqliteDatabase): Retention {
  const monitorSeqs = lazyStatement<[], number>(db, 'SELECT seq FROM monitors ORDER BY seq');
  const deleteResults = lazyStatement<[number, number, number]>(
    db,
    `DELETE FROM results WHERE id IN (
       SELECT id FROM results WHERE monitor_seq = ? AND checked_at < ? LIMIT ?)`,
  );
  const deleteRollups = lazyStatement<[number, string, number, number]>(
    db,
    `DELETE FROM rollups WHERE (monitor_seq, level, bucket_start) IN (
       SELECT monitor_seq, level, bucket_start FROM rollups
       WHERE monitor_seq = ? AND level = ? AND bucket_start < ? LIMIT ?)`,
  );

  interface Step {
    readonly monitorSeq: number;
    readonly run: (monitorSeq: number, budget: number) => number;
  }

  return async (rawBeforeMs, nowMs, isOpen) => {
    const kinds: ((monitorSeq: number, budget: number) => number)[] = [
      (id, budget) => deleteResults().run(id, rawBeforeMs, budget).changes,
      ...(['minute', 'hour', 'day'] as const).map(
        (level) => (id: number, budget: number) =>
          deleteRollups().run(id, level, nowMs - HORIZON_MS[level], budget).changes,
      ),
    ];
    const steps: Step[] = monitorSeqs()
      .pluck()
      .all()
      .flatMap((monitorSeq) => kinds.map((run) => ({ monitorSeq, run })));

    let next = 0;
    const chunk = db.transaction((): number => {
      let deleted = 0;
      while (next < steps.length && deleted < CHUNK_ROWS) {
        const step = steps[next];
        if (step === undefined) break;
        const budget = CHUNK_ROWS - deleted;
        const n = step.run(step.monitorSeq, budget);
        deleted += n;
        // A step that used its whole budget may have more to delete: run it again next time.
        if (n < budget) next += 1;
      }
      return deleted;
    });

    let total = 0;
    while (next < steps.length) {
      if (!isOpen())
        throw new StoreError('STORE_UNAVAILABLE', 'the store was closed during retention');
      total += chunk.immediate();
      await nextTurn();
    }
    return total;
  };
}
