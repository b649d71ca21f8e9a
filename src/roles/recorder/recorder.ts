import type { CheckResult } from '../../domain/check.js';
import type { MonitorId } from '../../domain/ids.js';
import type { StatusTransition } from '../../domain/status-machine.js';
import type { BusMessage, EventBus, Subscription } from '../../ports/event-bus.js';
import type { Logger } from '../../ports/logger.js';
import type { Metrics } from '../../ports/metrics.js';
import type { StatusCache, StatusEntry } from '../../ports/status-cache.js';
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

/**
 * A batch is one store transaction; on SQLite it runs on the main thread, so a few hundred
 * results keep each one to a few milliseconds and the rest of the process responsive.
 */
const DEFAULTS = { group: 'recorder', maxBatchSize: 300, maxWaitMs: 50 } as const;

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
 * Delivery is at least once: a batch is acknowledged only after the commit and the publish. A
 * failure in either makes the handler throw, the bus redelivers the batch, the store sees
 * duplicates, and the transitions they caused are published again under the same event keys. A
 * cache that is down does not hold recording up (see `updateCache`).
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
  const unsent = new Map<MonitorId, StatusEntry>();
  let cacheFailing = false;

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

    await updateCache(statusEntries(results, effects.states));

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
  }

  /**
   * The cache is a copy: while it is unreachable, recording goes on, and the newest entry of each
   * monitor waits here to be written with a later batch (entries are newest-wins, so a late
   * write cannot roll one back). The store stays the truth that the API falls back to.
   */
  async function updateCache(entries: readonly StatusEntry[]): Promise<void> {
    for (const entry of entries) unsent.set(entry.monitorId, entry);
    const sending = [...unsent.values()];
    try {
      await cache.setMany(sending);
    } catch (error) {
      if (!cacheFailing) log.warn({ err: error }, 'status cache unreachable; recording goes on');
      cacheFailing = true;
      metrics.queueDepth('recorder.cache_unsent', unsent.size);
      return;
    }
    for (const entry of sending) {
      if (unsent.get(entry.monitorId) === entry) unsent.delete(entry.monitorId);
    }
    if (cacheFailing) log.info({}, 'status cache reachable again');
    cacheFailing = false;
    metrics.queueDepth('recorder.cache_unsent', unsent.size);
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
