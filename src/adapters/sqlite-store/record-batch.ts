import type { CheckResult } from '../../domain/check.js';
import type { BatchEffects, BatchEvaluator, RecordOutcome } from '../../ports/store.js';
import type { SqliteDatabase } from './database.js';
import type { IncidentRepository } from './incidents.js';
import { toMs } from './instant.js';
import type { StateRepository } from './monitor-state.js';
import type { ResultRepository } from './results.js';
import type { RollupRepository } from './rollups.js';

export type BatchRecorder = (
  results: readonly CheckResult[],
  evaluate: BatchEvaluator,
) => RecordOutcome;

/**
 * Carries the evaluator's own error out of the transaction, so that it is not taken for a driver
 * error: the store rethrows `error` to the caller as it was thrown.
 */
export class EvaluatorFailed extends Error {
  constructor(readonly error: unknown) {
    super('the batch evaluator threw', { cause: error });
  }
}

/**
 * The recorder's hot path, one IMMEDIATE transaction per batch: drop orphans, insert results
 * (idempotent on id), add only the new ones to the roll-ups, evaluate against the monitors' state,
 * write the effects. If anything throws, including the evaluator, nothing of the batch remains.
 */
export function createBatchRecorder(
  db: SqliteDatabase,
  parts: {
    readonly results: ResultRepository;
    readonly rollups: RollupRepository;
    readonly states: StateRepository;
    readonly incidents: IncidentRepository;
  },
): BatchRecorder {
  const { results, rollups, states, incidents } = parts;

  const record = db.transaction(
    (batch: readonly CheckResult[], evaluate: BatchEvaluator): RecordOutcome => {
      const { targets, seqs } = states.loadTargets([...new Set(batch.map((r) => r.monitorId))]);
      const fresh: CheckResult[] = [];
      const freshSeqs: number[] = [];
      const freshAtMs: number[] = [];
      const duplicates: CheckResult[] = [];
      let orphans = 0;
      for (const result of batch) {
        const seq = seqs.get(result.monitorId);
        if (seq === undefined) {
          orphans += 1;
          continue;
        }
        const atMs = toMs(result.checkedAt);
        if (results.insert(result, seq, atMs)) {
          fresh.push(result);
          freshSeqs.push(seq);
          freshAtMs.push(atMs);
        } else {
          duplicates.push(result);
        }
      }
      rollups.add(fresh, freshSeqs, freshAtMs);

      let effects: BatchEffects;
      try {
        effects = evaluate(fresh, duplicates, targets);
      } catch (error) {
        throw new EvaluatorFailed(error);
      }
      incidents.insert(effects.openedIncidents);
      incidents.resolve(effects.resolvedIncidents);
      states.writeStates(effects.states, seqs);
      return { inserted: fresh.length, duplicates: duplicates.length, orphans, effects };
    },
  );

  return (batch, evaluate) => record.immediate(batch, evaluate);
}
