import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CheckResult } from '../../src/domain/check.js';
import { newCheckId, newMonitorId, type MonitorId } from '../../src/domain/ids.js';
import { MONITOR_DEFAULTS, type Monitor } from '../../src/domain/monitor.js';
import type { CheckStatus } from '../../src/domain/status.js';
import { initialState, type MonitorState } from '../../src/domain/status-machine.js';
import type { BatchEffects, EvaluationTarget } from '../../src/ports/store.js';
import { evaluateBatch } from '../../src/roles/recorder/evaluate-batch.js';

const T0 = Date.UTC(2026, 0, 1);
let tick = 0;

function monitor(overrides: Partial<Monitor> = {}): Monitor {
  const at = new Date(T0).toISOString();
  return {
    ...MONITOR_DEFAULTS,
    id: newMonitorId(),
    name: 'example',
    url: 'https://example.com/',
    createdAt: at,
    updatedAt: at,
    ...overrides,
  };
}

function result(monitorId: MonitorId, status: CheckStatus): CheckResult {
  tick += 1;
  return {
    id: newCheckId(),
    monitorId,
    checkedAt: new Date(T0 + tick * 1000).toISOString(),
    status,
    latencyMs: 10,
    httpStatus: status === 'down' ? null : 200,
    error: status === 'down' ? 'connection refused' : null,
    failureKind: status === 'down' ? 'connection_refused' : null,
    region: 'default',
    timings: { dnsMs: null, connectMs: null, tlsMs: null, ttfbMs: null, totalMs: 10 },
    tls: null,
  };
}

function targets(...entries: [Monitor, MonitorState?][]): ReadonlyMap<MonitorId, EvaluationTarget> {
  return new Map(
    entries.map(([m, state]) => [
      m.id,
      { monitor: m, state: state ?? initialState(m.id, m.createdAt, m.paused) },
    ]),
  );
}

function stateOf(effects: BatchEffects, id: MonitorId): MonitorState {
  const state = effects.states.find((s) => s.monitorId === id);
  assert.ok(state, `no state for ${id}`);
  return state;
}

const arrows = (effects: BatchEffects): string[] =>
  effects.transitions.map((t) => `${t.from}→${t.to}`);

void describe('evaluateBatch', () => {
  void it('applies the results of one monitor in arrival order', () => {
    const m = monitor();
    const batch = [result(m.id, 'up'), result(m.id, 'down'), result(m.id, 'up')];
    const effects = evaluateBatch(batch, [], targets([m]));
    assert.deepEqual(arrows(effects), ['pending→up', 'up→down', 'down→up']);
    assert.deepEqual(
      effects.transitions.map((t) => t.checkId),
      batch.map((r) => r.id),
    );
    assert.equal(effects.openedIncidents.length, 1);
    const opened = effects.openedIncidents[0];
    assert.ok(opened);
    assert.equal(effects.resolvedIncidents.get(opened.id), batch[2]?.checkedAt);
    const state = stateOf(effects, m.id);
    assert.equal(state.status, 'up');
    assert.equal(state.lastCheckId, batch[2]?.id);
    assert.equal(state.openIncidentId, null);
    assert.equal(effects.states.length, 1);
  });

  void it('keeps each monitor apart, with its own policy', () => {
    const strict = monitor({ retries: 0 });
    const lenient = monitor({ retries: 1 });
    const batch = [
      result(strict.id, 'up'),
      result(lenient.id, 'up'),
      result(strict.id, 'down'),
      result(lenient.id, 'down'),
    ];
    const effects = evaluateBatch(batch, [], targets([strict], [lenient]));
    assert.equal(stateOf(effects, strict.id).status, 'down');
    assert.equal(stateOf(effects, lenient.id).status, 'up');
    assert.equal(stateOf(effects, lenient.id).consecutiveFailures, 1);
    assert.deepEqual(
      effects.transitions.map((t) => [t.monitorId, t.to]),
      [
        [strict.id, 'up'],
        [lenient.id, 'up'],
        [strict.id, 'down'],
      ],
    );
  });

  void it('starts from the stored state and keeps a paused monitor paused', () => {
    const m = monitor({ paused: true });
    const effects = evaluateBatch([result(m.id, 'down')], [], targets([m]));
    assert.equal(stateOf(effects, m.id).status, 'paused');
    assert.deepEqual(effects.transitions, []);
  });

  void it('re-announces the latest transition when its causing check is redelivered', () => {
    const m = monitor();
    const down = result(m.id, 'down');
    const first = evaluateBatch([down], [], targets([m]));
    const committed = stateOf(first, m.id);

    const again = evaluateBatch([], [down], targets([m, committed]));
    assert.deepEqual(again.transitions, first.transitions);
    assert.deepEqual(again.openedIncidents, []);
    assert.equal(again.resolvedIncidents.size, 0);
    assert.deepEqual(again.states, [committed]);
  });

  void it('does not re-announce for a duplicate that caused no transition', () => {
    const m = monitor();
    const up = result(m.id, 'up');
    const stillUp = result(m.id, 'up');
    const committed = stateOf(evaluateBatch([up, stillUp], [], targets([m])), m.id);
    const again = evaluateBatch([], [stillUp], targets([m, committed]));
    assert.deepEqual(again.transitions, []);
  });

  void it('does not re-announce an older transition than the latest', () => {
    const m = monitor();
    const down = result(m.id, 'down');
    const up = result(m.id, 'up');
    const committed = stateOf(evaluateBatch([down, up], [], targets([m])), m.id);
    assert.deepEqual(evaluateBatch([], [down], targets([m, committed])).transitions, []);
    assert.deepEqual(arrows(evaluateBatch([], [up], targets([m, committed]))), ['down→up']);
  });

  void it('puts a re-announced transition before the new ones of the same batch', () => {
    const m = monitor();
    const down = result(m.id, 'down');
    const committed = stateOf(evaluateBatch([down], [], targets([m])), m.id);
    const up = result(m.id, 'up');
    const effects = evaluateBatch([up], [down, down], targets([m, committed]));
    assert.deepEqual(arrows(effects), ['pending→down', 'down→up']);
    assert.equal(stateOf(effects, m.id).status, 'up');
  });

  void it('counts a result repeated within the batch once', () => {
    const m = monitor({ retries: 1 });
    const down = result(m.id, 'down');
    const effects = evaluateBatch([down, down], [], targets([m]));
    assert.equal(stateOf(effects, m.id).consecutiveFailures, 1);
    assert.deepEqual(effects.transitions, []);
  });

  void it('ignores results without a target', () => {
    const effects = evaluateBatch([result(newMonitorId(), 'down')], [], targets());
    assert.deepEqual(effects.states, []);
    assert.deepEqual(effects.transitions, []);
  });
});
