import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dailySeries, uptimeOfDays } from '../../src/domain/daily-uptime.js';
import { newMonitorId } from '../../src/domain/ids.js';
import {
  isSlug,
  overallStatus,
  publicCause,
  validateStatusPage,
  type StatusPageSettings,
} from '../../src/domain/status-page.js';

const page = (overrides: Partial<StatusPageSettings> = {}): StatusPageSettings => ({
  slug: 'acme',
  title: 'Acme',
  description: null,
  monitorIds: [],
  ...overrides,
});

void test('slugs are lower-case letters, digits and inner hyphens, 1 to 64 long', () => {
  for (const ok of ['a', '0', 'acme', 'acme-prod-2', 'a'.repeat(64)]) assert.ok(isSlug(ok), ok);
  for (const bad of ['', '-a', 'a-', 'A', 'a_b', 'a.b', 'a b', 'a'.repeat(65), 'ä']) {
    assert.ok(!isSlug(bad), bad);
  }
});

void test('a page is checked field by field', () => {
  assert.deepEqual(validateStatusPage(page()), []);
  const id = newMonitorId();
  const paths = validateStatusPage(
    page({
      slug: 'Bad',
      title: ' ',
      description: 'x'.repeat(2001),
      monitorIds: [id, newMonitorId(), id],
    }),
  ).map((e) => e.path);
  assert.deepEqual(paths, ['/slug', '/title', '/description', '/monitorIds/2']);
  assert.deepEqual(
    validateStatusPage(page({ title: 'a\0b', description: '\0' })).map((e) => e.path),
    ['/title', '/description'],
  );
  const many = Array.from({ length: 1001 }, () => newMonitorId());
  assert.deepEqual(
    validateStatusPage(page({ monitorIds: many })).map((e) => e.path),
    ['/monitorIds'],
  );
});

void test('the overall state is the worst of up, degraded and down; paused and pending say nothing', () => {
  assert.equal(overallStatus([]), 'unknown');
  assert.equal(overallStatus(['paused', 'pending']), 'unknown');
  assert.equal(overallStatus(['up', 'paused']), 'up');
  assert.equal(overallStatus(['up', 'degraded', 'pending']), 'degraded');
  assert.equal(overallStatus(['down', 'up', 'degraded']), 'down');
});

void test('a daily series has exactly the days asked for, ending with today', () => {
  const now = Date.UTC(2026, 0, 15, 0, 0, 0);
  const day = 86_400_000;
  const series = dailySeries(3, now, new Map([[now - 2 * day, { checks: 4, failures: 1 }]]));
  assert.deepEqual(series, [
    { date: '2026-01-13', checks: 4, failures: 1, uptime: 0.75 },
    { date: '2026-01-14', checks: 0, failures: 0, uptime: null },
    { date: '2026-01-15', checks: 0, failures: 0, uptime: null },
  ]);
  assert.equal(uptimeOfDays(series), 0.75);
  assert.equal(uptimeOfDays(dailySeries(2, now, new Map())), null);
});

void test('a public cause hides addresses, the host and quoted values', () => {
  const url = 'https://api.secret.internal:8443/health';
  assert.equal(publicCause('status 503 not in 200-399', url), 'status 503 not in 200-399');
  assert.equal(publicCause('timeout after 10000 ms', url), 'timeout after 10000 ms');
  assert.equal(
    publicCause('redirect loop at https://api.secret.internal/login?next=/x', url),
    'redirect loop at …',
  );
  assert.equal(
    publicCause('DNS lookup failed for api.secret.internal: not found', url),
    'DNS lookup failed for …: not found',
  );
  assert.equal(publicCause('keyword "tok-123" not found', url), 'keyword "…" not found');
  assert.equal(publicCause('connection refused', 'not a url'), 'connection refused');
});
