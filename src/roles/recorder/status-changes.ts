import type { CheckResult } from '../../domain/check.js';
import type { StatusChanged } from '../../domain/events.js';
import type { MonitorId } from '../../domain/ids.js';
import type { Incident } from '../../domain/incident.js';
import type { MonitorState, StatusTransition } from '../../domain/status-machine.js';
import type { StatusEntry } from '../../ports/status-cache.js';
import type { BatchEffects, EvaluationTarget, Store } from '../../ports/store.js';

/** Recent incidents read per monitor to find the one a transition resolved or re-announces. */
const INCIDENT_LOOKBACK = 20;

/**
 * One status entry per monitor of the batch: status and since from its new state, and as last
 * check the result that state reflects (else the newest result of the batch for it).
 */
export function statusEntries(
  results: readonly CheckResult[],
  states: readonly MonitorState[],
): StatusEntry[] {
  const byId = new Map<string, CheckResult>();
  const newest = new Map<MonitorId, CheckResult>();
  for (const result of results) {
    byId.set(result.id, result);
    const seen = newest.get(result.monitorId);
    if (seen === undefined || Date.parse(result.checkedAt) >= Date.parse(seen.checkedAt)) {
      newest.set(result.monitorId, result);
    }
  }
  return states.map((state) => ({
    monitorId: state.monitorId,
    status: state.status,
    since: state.since,
    lastCheck:
      (state.lastCheckId === null ? undefined : byId.get(state.lastCheckId)) ??
      newest.get(state.monitorId) ??
      null,
  }));
}

/**
 * The `StatusChanged` event of every transition, in order. The incident is the one the
 * transition opened or resolved (one the batch did not open is read back from the store after the
 * commit, since the batch knows only its id), or null when it touched none.
 */
export async function statusChanges(
  transitions: readonly StatusTransition[],
  context: {
    readonly results: readonly CheckResult[];
    readonly effects: BatchEffects;
    readonly targets: ReadonlyMap<MonitorId, EvaluationTarget>;
    readonly store: Pick<Store, 'listIncidents'>;
  },
): Promise<StatusChanged[]> {
  const { results, effects, targets, store } = context;
  const opened = new Map<string, Incident>(effects.openedIncidents.map((i) => [i.id, i]));
  const toLoad = new Set<MonitorId>();
  for (const t of transitions) {
    if (t.incidentId !== null && !opened.has(t.incidentId)) toLoad.add(t.monitorId);
  }
  const known = new Map<string, Incident>(opened);
  await Promise.all(
    [...toLoad].map(async (monitorId) => {
      const page = await store.listIncidents({ monitorId, limit: INCIDENT_LOOKBACK });
      for (const incident of page.items)
        if (!known.has(incident.id)) known.set(incident.id, incident);
    }),
  );

  const resultById = new Map<string, CheckResult>(results.map((r) => [r.id, r]));
  const changes: StatusChanged[] = [];
  for (const t of transitions) {
    const target = targets.get(t.monitorId);
    if (target === undefined) continue;
    const { id, name, url, notificationChannelIds } = target.monitor;
    changes.push({
      eventKey: `${t.checkId}:${t.to}`,
      monitor: { id, name, url, notificationChannelIds },
      status: t.to,
      previousStatus: t.from,
      at: t.at,
      incident: incidentOf(t, known, effects.resolvedIncidents),
      result: resultById.get(t.checkId) ?? null,
    });
  }
  return changes;
}

/**
 * The incident as it stood right after the transition: open for the change into `down`, resolved
 * at the change's time for the way out, whatever later changes of the same batch did to it.
 */
function incidentOf(
  transition: StatusTransition,
  known: ReadonlyMap<string, Incident>,
  resolved: ReadonlyMap<string, string>,
): Incident | null {
  if (transition.incidentId === null) return null;
  const incident = known.get(transition.incidentId);
  if (incident === undefined) return null;
  if (transition.to === 'down') return { ...incident, state: 'open', resolvedAt: null };
  const resolvedAt = resolved.get(incident.id) ?? transition.at;
  return { ...incident, state: 'resolved', resolvedAt };
}
