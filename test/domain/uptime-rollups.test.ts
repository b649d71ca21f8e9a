import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UPTIME_WINDOWS, WINDOW_MS } from '../../src/domain/uptime.js';
import { ROLLUP_LEVEL_MS, WINDOW_LEVEL, windowSpans } from '../../src/domain/uptime-rollups.js';

/** The window's own buckets, as `uptime` reads them: from (now - window) floored, up to now. */
function fineBuckets(window: (typeof UPTIME_WINDOWS)[number], nowMs: number): number[] {
  const size = ROLLUP_LEVEL_MS[WINDOW_LEVEL[window]];
  const out: number[] = [];
  for (let b = Math.floor((nowMs - WINDOW_MS[window]) / size) * size; b <= nowMs; b += size) {
    out.push(b);
  }
  return out;
}

void test('the spans of a window cover exactly its buckets, each once, in few rows', () => {
  const base = Date.UTC(2026, 0, 15);
  const nows = [0, 1, 30_000, 60_000, 3_599_999, 3_600_000, 43_230_500, 86_399_999].map(
    (offset) => base + offset,
  );
  for (const window of UPTIME_WINDOWS) {
    const fine = WINDOW_LEVEL[window];
    const size = ROLLUP_LEVEL_MS[fine];
    for (const now of nows) {
      const covered: number[] = [];
      let rows = 0;
      for (const span of windowSpans(window, now)) {
        const step = ROLLUP_LEVEL_MS[span.level];
        assert.equal(span.fromMs % step, 0, `${window} span start on its bucket`);
        for (let b = span.fromMs; b < span.untilMs; b += step) {
          rows += 1;
          for (let f = b; f < b + step && f <= now; f += size) covered.push(f);
        }
      }
      assert.deepEqual(covered, fineBuckets(window, now), `${window} at ${now}`);
      const limit = {
        '1h': 61,
        '24h': 60 + 24 + 60,
        '7d': 24 + 7 + 24,
        '30d': 24 + 30 + 24,
        '90d': 91,
      };
      assert.ok(rows <= limit[window], `${window}: ${rows} rows`);
    }
  }
});
