import type { TestContext } from 'node:test';
import type { CheckResult } from '../../src/domain/check.js';
import type { MonitorId } from '../../src/domain/ids.js';
import type { Incident } from '../../src/domain/incident.js';
import {
  evaluate,
  type MonitorState,
  type StatusTransition,
} from '../../src/domain/status-machine.js';
import type {
  BatchEffects,
  BatchEvaluator,
  EvaluationTarget,
  Store,
} from '../../src/ports/store.js';
import { makeResult } from '../support/factories.js';

/** Opens a fresh, empty store; the suite migrates and closes it. */
export type OpenStore = () => Promise<Store>;

/** A migrated store of its own for one test, closed when the test ends. */
export async function openStore(t: TestContext, open: OpenStore): Promise<Store> {
  const store = await open();
  t.after(() => store.close());
  await store.migrate();
  return store;
}

/** A fixed "now" on a minute boundary plus 30 s, so that window edges fall inside buckets. */
export const NOW = Date.UTC(2026, 0, 15, 12, 0, 30);
export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

export const noEffects = (): BatchEffects => ({
  states: [],
  openedIncidents: [],
  resolvedIncidents: new Map(),
  transitions: [],
});

/**
 * The status machine applied the way a recorder applies it: each fresh result in order, per
 * monitor; a duplicate re-announces the transition it caused.
 */
export const domainEvaluator: BatchEvaluator = (fresh, duplicates, targets) => {
  const states = new Map<MonitorId, MonitorState>();
  const openedIncidents: Incident[] = [];
  const resolvedIncidents = new Map<string, string>();
  const transitions: StatusTransition[] = [];
  for (const result of fresh) {
    const target = targets.get(result.monitorId);
    if (target === undefined) continue;
    const state = states.get(result.monitorId) ?? target.state;
    const e = evaluate(state, result, {
      retries: target.monitor.retries,
      paused: target.monitor.paused,
    });
    states.set(result.monitorId, e.state);
    if (e.openedIncident !== null) openedIncidents.push(e.openedIncident);
    if (e.resolvedIncidentId !== null)
      resolvedIncidents.set(e.resolvedIncidentId, result.checkedAt);
    if (e.transition !== null) transitions.push(e.transition);
  }
  for (const result of duplicates) {
    const last = targets.get(result.monitorId)?.state.lastTransition;
    if (last?.checkId === result.id) transitions.push(last);
  }
  return { states: [...states.values()], openedIncidents, resolvedIncidents, transitions };
};

export interface EvaluatorCall {
  readonly fresh: readonly CheckResult[];
  readonly duplicates: readonly CheckResult[];
  readonly targets: ReadonlyMap<MonitorId, EvaluationTarget>;
}

/** An evaluator that records its arguments and answers with `answer` (no effects by default). */
export function spyEvaluator(answer: BatchEvaluator = noEffects): {
  readonly evaluate: BatchEvaluator;
  readonly calls: EvaluatorCall[];
} {
  const calls: EvaluatorCall[] = [];
  return {
    calls,
    evaluate: (fresh, duplicates, targets) => {
      calls.push({ fresh: [...fresh], duplicates: [...duplicates], targets: new Map(targets) });
      return answer(fresh, duplicates, targets);
    },
  };
}

/** An evaluator that opens and resolves exactly the given incidents. */
export function incidentEvaluator(
  opened: readonly Incident[],
  resolved: ReadonlyMap<string, string> = new Map(),
): BatchEvaluator {
  return () => ({ ...noEffects(), openedIncidents: opened, resolvedIncidents: resolved });
}

/** Every item of a paged list, following `nextCursor` to the end. */
export async function collectPages<T>(
  page: (cursor: string | undefined) => Promise<{ items: T[]; nextCursor: string | null }>,
): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let cursor: string | undefined;
  let pages = 0;
  for (;;) {
    const result = await page(cursor);
    pages += 1;
    items.push(...result.items);
    if (result.nextCursor === null) return { items, pages };
    if (pages > 1000) throw new Error('pagination does not end');
    cursor = result.nextCursor;
  }
}

export const byId = <T extends { readonly id: string }>(a: T, b: T): number =>
  a.id < b.id ? -1 : a.id > b.id ? 1 : 0;

/**
 * The state the store would hand the evaluator for a monitor, read without changing anything: a
 * probe result goes through `recordBatch` with an evaluator that throws, so the batch rolls back.
 */
export async function peekState(
  store: Store,
  monitorId: MonitorId,
): Promise<MonitorState | undefined> {
  let state: MonitorState | undefined;
  const probe = makeResult(monitorId);
  const peek = new Error('peek only');
  await store
    .recordBatch([probe], (_fresh, _duplicates, targets) => {
      state = targets.get(monitorId)?.state;
      throw peek;
    })
    .catch((error: unknown) => {
      if (error !== peek) throw error;
    });
  return state;
}
