import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newMonitorId } from '../../src/domain/ids.js';
import {
  firstDueAfterStart,
  hash32,
  nextOnGrid,
  phaseOffsetMs,
} from '../../src/domain/schedule.js';

void test('hash32 is FNV-1a: stable, unsigned 32-bit', () => {
  // Published FNV-1a test vectors.
  assert.equal(hash32(''), 0x811c9dc5);
  assert.equal(hash32('a'), 0xe40c292c);
  assert.equal(hash32('foobar'), 0xbf9cf968);
  for (const id of ['x', newMonitorId(), 'a longer key with spaces']) {
    const h = hash32(id);
    assert.ok(Number.isInteger(h) && h >= 0 && h < 2 ** 32);
    assert.equal(hash32(id), h);
  }
});

void test('hash32 spreads ids over 8 partitions evenly', () => {
  const counts = new Array<number>(8).fill(0);
  const n = 80_000;
  for (let i = 0; i < n; i++) {
    const p = hash32(newMonitorId()) % 8;
    counts[p] = (counts[p] ?? 0) + 1;
  }
  for (const c of counts) assert.ok(Math.abs(c - n / 8) < n / 8 / 10, `counts ${counts.join(',')}`);
});

void test('phaseOffsetMs lies within the interval and depends only on the id', () => {
  const id = newMonitorId();
  for (const interval of [1_000, 60_000, 86_400_000]) {
    const phase = phaseOffsetMs(id, interval);
    assert.ok(phase >= 0 && phase < interval);
    assert.equal(phaseOffsetMs(id, interval), phase);
  }
});

void test('nextOnGrid is the first slot strictly after the instant', () => {
  assert.equal(nextOnGrid(1_000, 60_000, 1_000), 61_000);
  assert.equal(nextOnGrid(1_000, 60_000, 999), 1_000);
  assert.equal(nextOnGrid(1_000, 60_000, 60_999), 61_000);
  assert.equal(nextOnGrid(1_000, 60_000, 61_000), 121_000);
  // Anchors in the future and instants before the epoch work the same way.
  assert.equal(nextOnGrid(500_000, 60_000, 0), 20_000);
  assert.equal(nextOnGrid(0, 1_000, -1), 0);
});

void test('nextOnGrid skips missed slots instead of making them up, and never drifts', () => {
  const anchor = Date.UTC(2026, 0, 1);
  // Ten and a half intervals late: the next slot is the 11th, not the 1st.
  assert.equal(nextOnGrid(anchor, 60_000, anchor + 630_000), anchor + 660_000);
  let due = anchor;
  for (let k = 1; k <= 10_000; k++) {
    // Each firing a little late; the slots stay exact multiples of the interval.
    due = nextOnGrid(anchor, 1_000, due + (k % 7));
    assert.equal(due, anchor + k * 1_000);
  }
});

void test('firstDueAfterStart is within one interval of the start, on the id phase', () => {
  const now = Date.UTC(2026, 0, 1, 12, 34, 56, 789);
  for (let i = 0; i < 1_000; i++) {
    const id = newMonitorId();
    for (const interval of [1_000, 30_000, 3_600_000]) {
      const due = firstDueAfterStart(id, interval, now);
      assert.ok(due >= now && due < now + interval, `${due - now} for ${interval}`);
      assert.equal(((due % interval) + interval) % interval, phaseOffsetMs(id, interval));
    }
  }
  // Due exactly now when the phase falls on it.
  const id = newMonitorId();
  const slot = nextOnGrid(phaseOffsetMs(id, 60_000), 60_000, now);
  assert.equal(firstDueAfterStart(id, 60_000, slot), slot);
});

void test('firstDueAfterStart spreads many monitors evenly over the interval', () => {
  const now = Date.UTC(2026, 0, 1);
  const perSecond = new Array<number>(60).fill(0);
  const n = 60_000;
  for (let i = 0; i < n; i++) {
    const second = Math.floor((firstDueAfterStart(newMonitorId(), 60_000, now) - now) / 1000);
    perSecond[second] = (perSecond[second] ?? 0) + 1;
  }
  const mean = n / 60;
  assert.ok(Math.max(...perSecond) < mean * 1.2, `max ${Math.max(...perSecond)} of mean ${mean}`);
  assert.ok(Math.min(...perSecond) > mean * 0.8, `min ${Math.min(...perSecond)} of mean ${mean}`);
});
