import type { Pool, PoolClient } from 'pg';
import type { CheckResult } from '../../domain/check.js';
import {
  StoreError,
  type BatchEffects,
  type BatchEvaluator,
  type RecordOutcome,
} from '../../ports/store.js';
import { inTransaction } from './connection.js';
import { isMissingPartition, isRetryable } from './errors.js';
import type { IncidentRepository } from './incidents.js';
import type { StateRepository } from './monitor-state.js';
import { dayOf, type DayPartitions } from './partitions.js';
import { aggregateRollups, type FreshResult } from './rollup-batch.js';
import type { RollupRepository } from './rollups.js';
import type { KeyedResult, ResultRepository } from './results.js';

export type BatchRecorder = (
  results: readonly CheckResult[],
  evaluate: BatchEvaluator,
) => Promise<RecordOutcome>;

/**
 * Carries the evaluator's own error out of the transaction, so that it is not taken for a driver
 * error: the store rethrows `error` to the caller as it was thrown.
 */
export class EvaluatorFailed extends Error {
  constructor(readonly error: unknown) {
    super('the batch evaluator threw', { cause: error });
  }
}

/** Runs of one batch: a lost race with retention or a deadlock gets another try. */
const ATTEMPTS = 3;

/**
 * The recorder's hot path, one transaction per batch: drop orphans, insert results (idempotent on
 * id), add only the new ones to the roll-ups, evaluate against the monitors' state, write the
 * effects. If anything throws, the evaluator included, nothing of the batch remains.
 *
 * The batch holds the monitor-deletion lock shared (see advisory-locks.ts): a monitor deleted
 * meanwhile is either deleted after the batch commits, results and all, or gone before the batch
 * looks, and its results are orphans.
 */
export function createBatchRecorder(
  pool: Pool,
  parts: {
    readonly results: ResultRepository;
    readonly rollups: RollupRepository;
    readonly states: StateRepository;
    readonly incidents: IncidentRepository;
    readonly partitions: DayPartitions;
    readonly deletionLock: () => Promise<readonly [number, number]>;
  },
): BatchRecorder {
  const { results, rollups, states, incidents, partitions } = parts;

  const once = async (
    client: PoolClient,
    batch: readonly CheckResult[],
    checkedAtMs: readonly number[],
    evaluate: BatchEvaluator,
  ): Promise<RecordOutcome> => {
    const { targets, seqs } = await states.loadTargets(client, [
      ...new Set(batch.map((r) => r.monitorId)),
    ]);
    const first = new Set<string>();
    const toInsert: KeyedResult[] = [];
    const keys: (number | undefined)[] = [];
    for (const result of batch) {
      const monitorSeq = seqs.get(result.monitorId);
      keys.push(monitorSeq);
      if (monitorSeq === undefined || first.has(result.id)) continue;
      first.add(result.id);
      toInsert.push({ result, monitorSeq });
    }
    const inserted = await results.insert(client, toInsert);

    const fresh: CheckResult[] = [];
    const freshKeyed: FreshResult[] = [];
    const duplicates: CheckResult[] = [];
    let orphans = 0;
    batch.forEach((result, i) => {
      const monitorSeq = keys[i];
      if (monitorSeq === undefined) {
        orphans += 1;
      } else if (inserted.delete(result.id)) {
        fresh.push(result);
        freshKeyed.push({ result, monitorSeq, checkedAtMs: checkedAtMs[i] ?? 0 });
      } else {
        duplicates.push(result);
      }
    });
    await rollups.add(client, aggregateRollups(freshKeyed));

    let effects: BatchEffects;
    try {
      effects = evaluate(fresh, duplicates, targets);
    } catch (error) {
      throw new EvaluatorFailed(error);
    }
    await incidents.insert(client, effects.openedIncidents);
    await incidents.resolve(client, effects.resolvedIncidents);
    await states.writeStates(client, effects.states, seqs);
    return { inserted: fresh.length, duplicates: duplicates.length, orphans, effects };
  };

  return async (batch, evaluate) => {
    const checkedAtMs = batch.map((r) => Date.parse(r.checkedAt));
    const bad = batch.find((_, i) => Number.isNaN(checkedAtMs[i]));
    if (bad !== undefined) {
      throw new StoreError(
        'STORE_FAILED',
        `result ${bad.id} has no valid checkedAt: ${JSON.stringify(bad.checkedAt)}`,
      );
    }
    const days = checkedAtMs.map(dayOf);
    const [space, key] = await parts.deletionLock();
    const begin = `BEGIN; SELECT pg_advisory_xact_lock_shared(${space}, ${key})`;
    for (let attempt = 1; ; attempt++) {
      await partitions.ensure(pool, days);
      try {
        return await inTransaction(
          pool,
          (client) => once(client, batch, checkedAtMs, evaluate),
          begin,
        );
      } catch (error) {
        if (attempt >= ATTEMPTS) throw error;
        if (isMissingPartition(error)) partitions.forget();
        else if (!isRetryable(error)) throw error;
      }
    }
  };
}
