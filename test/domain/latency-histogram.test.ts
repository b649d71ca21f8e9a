import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  addToHistogram,
  bucketOf,
  mergeHistograms,
  quantile,
  type SparseHistogram,
} from '../../src/domain/latency-histogram.js';

test('percentiles are within 5 % of the exact value', () => {
  const h: SparseHistogram = {};
  const values = Array.from({ length: 1000 }, (_, i) => 20 + i * 0.5); // 20 … 519.5 ms
  for (const v of values) addToHistogram(h, v);
  const exact = (q: number): number => values[Math.ceil(q * values.length) - 1] ?? NaN;
  for (const q of [0.5, 0.95, 0.99]) {
    const got = quantile(h, q);
    assert.ok(got !== null);
    assert.ok(Math.abs(got - exact(q)) / exact(q) <= 0.05, `q${q}: ${got} vs ${exact(q)}`);
  }
});

test('merging adds counts and an empty histogram has no percentiles', () => {
  const a: SparseHistogram = {};
  const b: SparseHistogram = {};
  addToHistogram(a, 10, 3);
  addToHistogram(b, 10, 2);
  addToHistogram(b, 1000);
  mergeHistograms(a, b);
  assert.equal(a[bucketOf(10)], 5);
  assert.equal(a[bucketOf(1000)], 1);
  assert.equal(quantile({}, 0.5), null);
});

test('sub-millisecond and huge latencies land in the end buckets', () => {
  assert.equal(bucketOf(0), 0);
  assert.equal(bucketOf(0.4), 0);
  assert.ok(bucketOf(10_000_000) <= 129);
});
