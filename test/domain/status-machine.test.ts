import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CheckResult } from '../../src/domain/check.js';
import { newCheckId, newMonitorId, type MonitorId } from '../../src/domain/ids.js';
import { eventForTransition } from '../../src/domain/notification.js';
import type { CheckStatus, MonitorStatus } from '../../src/domain/status.js';
import {
  evaluate,
  initialState,
  pausedOrResumed,
  type Evaluation,
  type EvaluationPolicy,
  type MonitorState,
} from '../../src/domain/status-machine.js';

const T0 = Date.UTC(2026, 0, 1);
const monitorId: MonitorId = newMonitorId();
let tick = 0;

function result(status: CheckStatus, error: string | null = null): CheckResult {
  tick += 1;
  return {
    id: newCheckId(),
    monitorId,
    checkedAt: new Date(T0 + tick * 60_000).toISOString(),
    status,
    latencyMs: 20,
    httpStatus: status === 'down' ? 500 : 200,
    error: status === 'down' ? (error ?? 'status 500 not in 200-399') : null,
    failureKind: status === 'down' ? 'status' : null,
    region: 'default',
    timings: { dnsMs: 1, connectMs: 1, tlsMs: null, ttfbMs: 10, totalMs: 20 },
    tls: null,
  };
}

const policy = (retries = 0, paused = false): EvaluationPolicy => ({ retries, paused });
const fresh = (): MonitorState => initialState(monitorId, new Date(T0).toISOString(), false);

/** Applies the statuses in order, returning every evaluation. */
function run(start: MonitorState, statuses: CheckStatus[], p = policy()): Evaluation[] {
  const out: Evaluation[] = [];
  let state = start;
  for (const s of statuses) {
    const e = evaluate(state, result(s), p);
    out.push(e);
    state = e.state;
  }
  return out;
}

function last(evaluations: Evaluation[]): Evaluation {
  const e = evaluations.at(-1);
  assert.ok(e);
  return e;
}

function stateWith(status: MonitorStatus): MonitorState {
  return { ...fresh(), status };
}

void describe('status machine: evaluate', () => {
  void it('pending → up on the first passing check, with a transition and no incident', () => {
    const [e] = run(fresh(), ['up']);
    assert.ok(e);
    assert.equal(e.state.status, 'up');
    assert.equal(e.transition?.from, 'pending');
    assert.equal(e.transition.to, 'up');
    assert.equal(e.transition.incidentId, null);
    assert.equal(e.openedIncident, null);
  });

  void it('pending → down on the first failure when retries is 0, opening an incident', () => {
    const r = result('down', 'connection refused');
    const e = evaluate(fresh(), r, policy(0));
    assert.equal(e.state.status, 'down');
    assert.deepEqual(
      { from: e.transition?.from, to: e.transition?.to, checkId: e.transition?.checkId },
      { from: 'pending', to: 'down', checkId: r.id },
    );
    assert.ok(e.openedIncident);
    assert.equal(e.openedIncident.state, 'open');
    assert.equal(e.openedIncident.startedAt, r.checkedAt);
    assert.equal(e.openedIncident.cause, 'connection refused');
    assert.equal(e.openedIncident.monitorId, monitorId);
    assert.equal(e.state.openIncidentId, e.openedIncident.id);
    assert.equal(e.transition?.incidentId, e.openedIncident.id);
  });

  void it('with retries 2, down needs 3 failures in a row; the status stays as it was meanwhile', () => {
    const [up, f1, f2, f3] = run(fresh(), ['up', 'down', 'down', 'down'], policy(2));
    assert.ok(up && f1 && f2 && f3);
    for (const e of [f1, f2]) {
      assert.equal(e.state.status, 'up');
      assert.equal(e.transition, null);
      assert.equal(e.openedIncident, null);
      assert.equal(e.state.since, up.state.since);
    }
    assert.equal(f1.state.consecutiveFailures, 1);
    assert.equal(f2.state.consecutiveFailures, 2);
    assert.equal(f3.state.status, 'down');
    assert.equal(f3.transition?.from, 'up');
    assert.ok(f3.openedIncident);
  });

  void it('with retries, failures interrupted by a pass start counting again', () => {
    const evaluations = run(fresh(), ['up', 'down', 'down', 'up', 'down', 'down'], policy(2));
    assert.ok(evaluations.every((e) => e.state.status === 'up'));
    assert.equal(last(evaluations).state.consecutiveFailures, 2);
  });

  void it('a pending monitor that fails fewer than retries + 1 times stays pending', () => {
    const e = last(run(fresh(), ['down', 'down'], policy(2)));
    assert.equal(e.state.status, 'pending');
    assert.equal(e.transition, null);
  });

  void it('up → degraded and degraded → up, without incidents', () => {
    const [, degraded, up] = run(fresh(), ['up', 'degraded', 'up']);
    assert.ok(degraded && up);
    assert.equal(degraded.transition?.from, 'up');
    assert.equal(degraded.transition.to, 'degraded');
    assert.equal(degraded.transition.incidentId, null);
    assert.equal(up.transition?.from, 'degraded');
    assert.equal(up.transition.to, 'up');
    assert.equal(up.resolvedIncidentId, null);
  });

  void it('down → degraded resolves the incident', () => {
    const [down, degraded] = run(fresh(), ['down', 'degraded']);
    assert.ok(down?.openedIncident && degraded);
    assert.equal(degraded.state.status, 'degraded');
    assert.equal(degraded.resolvedIncidentId, down.openedIncident.id);
    assert.equal(degraded.transition?.incidentId, down.openedIncident.id);
    assert.equal(degraded.state.openIncidentId, null);
  });

  void it('down → up resolves the incident; a later down opens a new one', () => {
    const [down, up, again] = run(fresh(), ['down', 'up', 'down']);
    assert.ok(down?.openedIncident && up && again?.openedIncident);
    assert.equal(up.resolvedIncidentId, down.openedIncident.id);
    assert.equal(up.state.openIncidentId, null);
    assert.notEqual(again.openedIncident.id, down.openedIncident.id);
  });

  void it('repeated failures while down neither transition nor open another incident', () => {
    const [down, more] = run(fresh(), ['down', 'down']);
    assert.ok(down && more);
    assert.equal(more.transition, null);
    assert.equal(more.openedIncident, null);
    assert.equal(more.state.openIncidentId, down.state.openIncidentId);
    assert.equal(more.state.consecutiveFailures, 2);
  });

  void it('since changes only on transitions; lastCheck follows every check', () => {
    const first = result('up');
    const second = result('up');
    const a = evaluate(fresh(), first, policy());
    const b = evaluate(a.state, second, policy());
    assert.equal(a.state.since, first.checkedAt);
    assert.equal(b.state.since, first.checkedAt);
    assert.equal(b.state.lastCheckId, second.id);
    assert.equal(b.state.lastCheckedAt, second.checkedAt);
    assert.equal(b.state.lastTransition?.checkId, first.id);
  });

  void it('a paused monitor ignores results, by policy or by state', () => {
    const paused = initialState(monitorId, new Date(T0).toISOString(), true);
    for (const [state, p] of [
      [paused, policy()],
      [stateWith('up'), policy(0, true)],
    ] as const) {
      const r = result('down');
      const e = evaluate(state, r, p);
      assert.equal(e.state.status, state.status);
      assert.equal(e.transition, null);
      assert.equal(e.openedIncident, null);
      assert.equal(e.state.lastCheckId, r.id);
      assert.equal(e.state.consecutiveFailures, 0);
    }
  });

  void it('after a resume the status is pending until a check finishes', () => {
    const down = last(run(fresh(), ['down']));
    const paused = pausedOrResumed(down.state, true, new Date(T0 + 1).toISOString());
    assert.equal(paused.status, 'paused');
    const resumed = pausedOrResumed(paused, false, new Date(T0 + 2).toISOString());
    assert.equal(resumed.status, 'pending');
    assert.equal(resumed.consecutiveFailures, 0);
    const up = evaluate(resumed, result('up'), policy());
    assert.equal(up.transition?.from, 'pending');
    assert.equal(up.transition.to, 'up');
    assert.equal(up.resolvedIncidentId, down.state.openIncidentId);
  });
});

void describe('eventForTransition', () => {
  const cases: [MonitorStatus, MonitorStatus, string | null][] = [
    ['pending', 'up', null],
    ['pending', 'down', 'monitor.down'],
    ['up', 'down', 'monitor.down'],
    ['degraded', 'down', 'monitor.down'],
    ['paused', 'down', 'monitor.down'],
    ['down', 'up', 'monitor.up'],
    ['degraded', 'up', 'monitor.up'],
    ['down', 'degraded', 'monitor.up'],
    ['up', 'degraded', 'monitor.degraded'],
    ['pending', 'degraded', 'monitor.degraded'],
    ['up', 'paused', null],
    ['paused', 'pending', null],
    ['up', 'up', null],
    ['down', 'down', null],
  ];
  for (const [from, to, event] of cases) {
    void it(`${from} → ${to}: ${event ?? 'nothing'}`, () => {
      assert.equal(eventForTransition(from, to), event);
    });
  }
});
