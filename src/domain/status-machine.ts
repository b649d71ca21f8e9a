import type { CheckResult } from './check.js';
import { newIncidentId, type CheckId, type IncidentId, type MonitorId } from './ids.js';
import type { Incident } from './incident.js';
import type { MonitorStatus } from './status.js';

/** One change of a monitor's status, caused by one check (or by pause/resume). */
export interface StatusTransition {
  readonly monitorId: MonitorId;
  readonly from: MonitorStatus;
  readonly to: MonitorStatus;
  /** ISO 8601. */
  readonly at: string;
  /** The check that caused it: the idempotency key of everything the transition sets off. */
  readonly checkId: CheckId;
  readonly incidentId: IncidentId | null;
}

/** What the recorder keeps per monitor between checks. */
export interface MonitorState {
  readonly monitorId: MonitorId;
  readonly status: MonitorStatus;
  /** ISO 8601: when the status last changed. */
  readonly since: string;
  readonly consecutiveFailures: number;
  readonly lastCheckId: CheckId | null;
  readonly lastCheckedAt: string | null;
  readonly openIncidentId: IncidentId | null;
  /** The latest transition, kept so that a redelivered result can re-announce it. */
  readonly lastTransition: StatusTransition | null;
}

export function initialState(monitorId: MonitorId, at: string, paused: boolean): MonitorState {
  return {
    monitorId,
    status: paused ? 'paused' : 'pending',
    since: at,
    consecutiveFailures: 0,
    lastCheckId: null,
    lastCheckedAt: null,
    openIncidentId: null,
    lastTransition: null,
  };
}

export interface EvaluationPolicy {
  /** Down after `retries + 1` failed checks in a row. */
  readonly retries: number;
  readonly paused: boolean;
}

export interface Evaluation {
  readonly state: MonitorState;
  readonly transition: StatusTransition | null;
  readonly openedIncident: Incident | null;
  readonly resolvedIncidentId: IncidentId | null;
}

/**
 * Applies one new check result to a monitor's state. Pure: the caller makes sure each result is
 * applied once and in order.
 *
 * - a passing check (`up` or `degraded`) sets the status to the check's status at once;
 * - a failing check sets `down` only once `retries + 1` checks in a row have failed; before that
 *   the status stays as it was;
 * - a paused monitor keeps `paused` whatever a late result says.
 */
export function evaluate(
  state: MonitorState,
  result: CheckResult,
  policy: EvaluationPolicy,
): Evaluation {
  const base = { ...state, lastCheckId: result.id, lastCheckedAt: result.checkedAt };
  if (policy.paused || state.status === 'paused') {
    return { state: base, transition: null, openedIncident: null, resolvedIncidentId: null };
  }
  const failures = result.status === 'down' ? state.consecutiveFailures + 1 : 0;
  const next: MonitorStatus =
    result.status === 'down'
      ? failures >= policy.retries + 1
        ? 'down'
        : state.status
      : result.status;
  if (next === state.status) {
    return {
      state: { ...base, consecutiveFailures: failures },
      transition: null,
      openedIncident: null,
      resolvedIncidentId: null,
    };
  }

  let openedIncident: Incident | null = null;
  let resolvedIncidentId: IncidentId | null = null;
  let openIncidentId = state.openIncidentId;
  if (next === 'down' && openIncidentId === null) {
    openedIncident = {
      id: newIncidentId(),
      monitorId: state.monitorId,
      state: 'open',
      startedAt: result.checkedAt,
      resolvedAt: null,
      cause: result.error,
    };
    openIncidentId = openedIncident.id;
  } else if ((next === 'up' || next === 'degraded') && openIncidentId !== null) {
    resolvedIncidentId = openIncidentId;
    openIncidentId = null;
  }
  const transition: StatusTransition = {
    monitorId: state.monitorId,
    from: state.status,
    to: next,
    at: result.checkedAt,
    checkId: result.id,
    incidentId: openedIncident?.id ?? resolvedIncidentId,
  };
  return {
    state: {
      ...base,
      status: next,
      since: result.checkedAt,
      consecutiveFailures: failures,
      openIncidentId,
      lastTransition: transition,
    },
    transition,
    openedIncident,
    resolvedIncidentId,
  };
}

/** The state after a pause (`paused`) or a resume (`pending` until a check finishes). */
export function pausedOrResumed(state: MonitorState, paused: boolean, at: string): MonitorState {
  return {
    ...state,
    status: paused ? 'paused' : 'pending',
    since: at,
    consecutiveFailures: 0,
  };
}
