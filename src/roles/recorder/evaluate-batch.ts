import type { MonitorId } from '../../domain/ids.js';
import type { Incident } from '../../domain/incident.js';
import { evaluate, type MonitorState, type StatusTransition } from '../../domain/status-machine.js';
import type { BatchEffects, BatchEvaluator } from '../../ports/store.js';

/**
 * The recorder's decisions for one batch, pure and synchronous (the store calls it inside its
 * transaction, and may call it again if it retries the transaction).
 *
 * - Fresh results are applied to their monitor's state in arrival order, with the policy of the
 *   monitor as it is now (`retries`, `paused`). A result id seen twice in one batch counts once.
 * - A duplicate whose id is the check that caused the monitor's latest transition re-announces
 *   that transition, ahead of any new one: if the previous attempt committed but crashed before
 *   publishing, the redelivery publishes it after all (consumers dedupe by the transition's check).
 * - `states` holds every monitor with a result in the batch, unchanged when all of its results
 *   were duplicates, so that the caller can refresh its status cache after a redelivery too.
 */
export const evaluateBatch: BatchEvaluator = (fresh, duplicates, targets) => {
  const states = new Map<MonitorId, MonitorState>();
  const reannounced: StatusTransition[] = [];
  const transitions: StatusTransition[] = [];
  const openedIncidents: Incident[] = [];
  const resolvedIncidents = new Map<string, string>();

  for (const result of duplicates) {
    const target = targets.get(result.monitorId);
    if (target === undefined) continue;
    if (!states.has(result.monitorId)) states.set(result.monitorId, target.state);
    const last = target.state.lastTransition;
    if (last !== null && last.checkId === result.id && !reannounced.includes(last)) {
      reannounced.push(last);
    }
  }

  const applied = new Set<string>();
  for (const result of fresh) {
    const target = targets.get(result.monitorId);
    if (target === undefined || applied.has(result.id)) continue;
    applied.add(result.id);
    const before = states.get(result.monitorId) ?? target.state;
    const outcome = evaluate(before, result, {
      retries: target.monitor.retries,
      paused: target.monitor.paused,
    });
    states.set(result.monitorId, outcome.state);
    if (outcome.transition !== null) transitions.push(outcome.transition);
    if (outcome.openedIncident !== null) openedIncidents.push(outcome.openedIncident);
    if (outcome.resolvedIncidentId !== null) {
      resolvedIncidents.set(outcome.resolvedIncidentId, result.checkedAt);
    }
  }

  const effects: BatchEffects = {
    states: [...states.values()],
    openedIncidents,
    resolvedIncidents,
    transitions: [...reannounced, ...transitions],
  };
  return effects;
};
