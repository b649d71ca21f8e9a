import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lastDays, dayLevel } from '../../web/src/lib/days.js';
import { formatPercent } from '../../web/src/lib/format.js';
import { bucketLatency, dailyLatency, quantile } from '../../web/src/lib/latency-series.js';

void test('quantiles by nearest rank', () => {
  const values = Array.from({ length: 100 }, (_, i) => i + 1);
  assert.equal(quantile(values, 0.5), 50);
  assert.equal(quantile(values, 0.95), 95);
  assert.equal(quantile([7], 0.95), 7);
  assert.equal(quantile([], 0.5), null);
});

void test('results fall into equal slices; an empty slice is a gap', () => {
  const from = Date.parse('2026-01-01T00:00:00Z');
  const at = (minute: number, latencyMs: number) => ({
    checkedAt: new Date(from + minute * 60_000).toISOString(),
    latencyMs,
  });
  const series = bucketLatency(
    [at(0, 10), at(1, 30), at(2, 20), at(45, 100), at(61, 5)],
    from,
    from + 3_600_000,
    4,
  );
  assert.deepEqual(
    series.times,
    [0, 900, 1800, 2700].map((s) => from / 1000 + s),
  );
  assert.deepEqual(series.p50, [20, null, null, 100]);
  assert.deepEqual(series.p95, [30, null, null, 100]);
});

void test('daily points use per-day percentiles when given, else the window figures flat', () => {
  const days = [{ date: '2026-01-02' }, { date: '2026-01-01' }];
  const flat = dailyLatency(days, { p50: 40, p95: 90 });
  assert.equal(flat.perDay, false);
  assert.deepEqual(flat.p50, [40, 40]);
  assert.equal(flat.times[0], Date.parse('2026-01-01T00:00:00Z') / 1000);
  const perDay = dailyLatency([{ date: '2026-01-01', latencyMs: { p50: 12, p95: 50 } }], {
    p50: 40,
    p95: 90,
  });
  assert.deepEqual([perDay.perDay, perDay.p50, perDay.p95], [true, [12], [50]]);
});

void test('the strip covers 90 UTC days ending today; levels and percentages never round up', () => {
  const days = lastDays(90, Date.parse('2026-03-01T23:30:00Z'));
  assert.equal(days.length, 90);
  assert.equal(days.at(-1), '2026-03-01');
  assert.equal(days[0], '2025-12-02');
  assert.equal(dayLevel(null, 0), 'none');
  assert.equal(dayLevel(1, 10), 'ok');
  assert.equal(dayLevel(0.5, 10), 'bad');
  assert.equal(formatPercent(0.99999), '99.99%');
  assert.equal(formatPercent(1), '100%');
  assert.equal(formatPercent(null), '—');
});
