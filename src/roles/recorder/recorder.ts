import type { CheckResult } from '../../domain/check.js';
import type { MonitorId } from '../../domain/ids.js';
import type { StatusTransition } from '../../domain/status-machine.js';
import type { BusMessage, EventBus, Subscription } from '../../ports/event-bus.js';
import type { Logger } from '../../ports/logger.js';
import type { Metrics } from '../../ports/metrics.js';
import type { StatusCache } from '../../ports/status-cache.js';
import type { EvaluationTarget, Store } from '../../ports/store.js';
import type { Role } from '../role.js';
import { evaluateBatch } from './evaluate-batch.js';
import { statusChanges, statusEntries } from './status-changes.js';

export interface RecorderDeps {
  readonly bus: EventBus;
  readonly store: Store;
  readonly cache: StatusCache;
  readonly metrics: Metrics;
  readonly logger: Logger;
}

export interface RecorderOptions {
  /** Consumer group on `results`. */
  readonly group?: string;
  /** Results recorded in one transaction at most. */
  readonly maxBatchSize?: number;
}

const DEFAULTS = { group: 'recorder', maxBatchSize: 1000, maxWaitMs: 50 } as const;

/** What the evaluator saw inside the store's transaction, kept for building the events after it. */
interface EvaluationInputs {
  readonly duplicates: readonly CheckResult[];
  readonly targets: ReadonlyMap<MonitorId, EvaluationTarget>;
}

/**
 * Records check results in batches (one store transaction per batch), then refreshes the status
 * cache and publishes every status transition as `StatusChanged` on `status`; the alerter decides
 * which of them notify.
 *
 * Delivery is at least once: a batch is acknowledged only after the commit, the cache update and
 * the publish. A failure in any of them makes the handler throw, the bus redelivers the batch, the
 * store sees duplicates, and the transitions they caused are published again under the same event
 * keys.
 */
export function createRecorder(deps: RecorderDeps, options: RecorderOptions = {}): Role {
  const group = options.group ?? DEFAULTS.group;
  const maxBatchSize = options.maxBatchSize ?? DEFAULTS.maxBatchSize;
  if (!Number.isInteger(maxBatchSize) || maxBatchSize < 1) {
    throw new RangeError(`recorder maxBatchSize must be a positive integer, got ${maxBatchSize}`);
  }
  const { bus, store, cache, metrics } = deps;
  const log = deps.logger;
  let subscription: Subscription | null = null;

  async function handle(messages: readonly BusMessage<CheckResult>[]): Promise<void> {
    if (messages.length === 0) return;
    const results = messages.map((m) => m.value);
    const seen: EvaluationInputs[] = [];
    const outcome = await store.recordBatch(results, (fresh, duplicates, targets) => {
      seen.push({ duplicates, targets });
      return evaluateBatch(fresh, duplicates, targets);
    });
    metrics.resultsRecorded(outcome.inserted);
    if (outcome.orphans > 0) {
      log.debug({ orphans: outcome.orphans }, 'dropped results of deleted monitors');
    }
    // The store may retry its transaction; the last evaluation is the one it committed.
    const inputs = seen.at(-1);
    if (inputs === undefined) return;
    const { effects } = outcome;

    let cacheError: unknown = null;
    try {
      await cache.setMany(statusEntries(results, effects.states));
    } catch (error) {
      // Publish anyway so that alerts are not held back by the cache; the redelivery that the
      // throw below causes repairs the cache.
      cacheError = error;
      log.warn({ err: error }, 'status cache update failed; the batch will be redelivered');
    }

    if (effects.transitions.length > 0) {
      const changes = await statusChanges(effects.transitions, {
        results,
        effects,
        targets: inputs.targets,
        store,
      });
      await bus.publish(
        'status',
        changes.map((change) => ({ key: change.monitor.id, value: change })),
      );
      logTransitions(effects.transitions, inputs, results);
    }
    if (cacheError !== null) {
      throw new Error('status cache update failed', { cause: cacheError });
    }
  }

  function logTransitions(
    transitions: readonly StatusTransition[],
    inputs: EvaluationInputs,
    results: readonly CheckResult[],
  ): void {
    const redelivered = new Set<string>(inputs.duplicates.map((r) => r.id));
    for (const t of transitions) {
      const name = inputs.targets.get(t.monitorId)?.monitor.name ?? null;
      const error = results.find((r) => r.id === t.checkId)?.error ?? null;
      const fields = { monitorId: t.monitorId, name, from: t.from, to: t.to, error };
      if (redelivered.has(t.checkId)) {
        log.debug(fields, 'status change re-announced after redelivery');
      } else {
        log.info(fields, `monitor ${name ?? t.monitorId} ${t.from} → ${t.to}`);
      }
    }
  }

  return {
    name: 'recorder',
    async start() {
      if (subscription !== null) return;
      subscription = await bus.subscribe('results', group, handle, {
        maxBatchSize,
        maxWaitMs: DEFAULTS.maxWaitMs,
      });
    },
    async stop() {
      const current = subscription;
      subscription = null;
      await current?.close();
    },
  };
}
