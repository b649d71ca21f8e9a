import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  MONITOR_DEFAULTS,
  probeSpecOf,
  retryIntervalSecondsOf,
  validateMonitorSettings,
  withDefaults,
  type MonitorSettings,
} from '../../src/domain/monitor.js';
import type { ChannelId } from '../../src/domain/ids.js';

const valid = (over: Partial<MonitorSettings> = {}): MonitorSettings => ({
  ...withDefaults({ name: 'Example', url: 'https://example.com/health' }),
  ...over,
});

const paths = (settings: MonitorSettings): string[] =>
  validateMonitorSettings(settings).map((e) => e.path);

test('defaults follow the contract', () => {
  const m = withDefaults({ name: 'x', url: 'http://a.example' });
  assert.equal(m.type, 'http');
  assert.equal(m.method, 'GET');
  assert.equal(m.intervalSeconds, 60);
  assert.equal(m.timeoutSeconds, 10);
  assert.deepEqual(m.expectedStatus, ['200-399']);
  assert.equal(m.retries, 0);
  assert.equal(m.retryIntervalSeconds, null);
  assert.equal(m.followRedirects, true);
  assert.equal(m.verifyTls, true);
  assert.equal(m.paused, false);
  assert.deepEqual(m.tags, []);
  assert.deepEqual(validateMonitorSettings(m), []);
  assert.equal(MONITOR_DEFAULTS.keyword, null);
});

test('a complete valid monitor has no errors', () => {
  const m = valid({
    method: 'POST',
    headers: { 'X-Token': 'abc' },
    body: '{"a":1}',
    intervalSeconds: 1,
    timeoutSeconds: 0.1,
    expectedStatus: ['200', '300-399'],
    keyword: 'ok',
    invertKeyword: true,
    maxLatencyMs: 500,
    retries: 10,
    retryIntervalSeconds: 5,
    notificationChannelIds: ['0190a1b2-0000-7000-8000-000000000001' as ChannelId],
    tags: ['prod', 'eu'],
  });
  assert.deepEqual(validateMonitorSettings(m), []);
});

test('each rule names its field', () => {
  assert.deepEqual(paths(valid({ name: '' })), ['/name']);
  assert.deepEqual(paths(valid({ name: 'x'.repeat(201) })), ['/name']);
  assert.deepEqual(paths(valid({ url: 'ftp://example.com' })), ['/url']);
  assert.deepEqual(paths(valid({ url: '/relative' })), ['/url']);
  assert.deepEqual(paths(valid({ url: `https://example.com/${'a'.repeat(2048)}` })), ['/url']);
  assert.deepEqual(paths(valid({ intervalSeconds: 0 })), ['/intervalSeconds']);
  assert.deepEqual(paths(valid({ intervalSeconds: 1.5 })), ['/intervalSeconds']);
  assert.deepEqual(paths(valid({ intervalSeconds: 86_401 })), ['/intervalSeconds']);
  assert.deepEqual(paths(valid({ timeoutSeconds: 0.05 })), ['/timeoutSeconds']);
  assert.deepEqual(paths(valid({ timeoutSeconds: 121 })), ['/timeoutSeconds']);
  assert.deepEqual(paths(valid({ expectedStatus: [] })), ['/expectedStatus']);
  assert.deepEqual(paths(valid({ expectedStatus: ['200', 'abc'] })), ['/expectedStatus/1']);
  assert.deepEqual(paths(valid({ retries: 11 })), ['/retries']);
  assert.deepEqual(paths(valid({ retryIntervalSeconds: 0 })), ['/retryIntervalSeconds']);
  assert.deepEqual(paths(valid({ maxLatencyMs: 0 })), ['/maxLatencyMs']);
  assert.deepEqual(paths(valid({ keyword: '' })), ['/keyword']);
  assert.deepEqual(paths(valid({ invertKeyword: true })), ['/invertKeyword']);
  assert.deepEqual(paths(valid({ body: 'x'.repeat(64 * 1024 + 1) })), ['/body']);
  assert.deepEqual(paths(valid({ headers: { 'Bad Name': 'x' } })), ['/headers/Bad Name']);
  assert.deepEqual(paths(valid({ headers: { 'X-A': 'a\r\nX-B: b' } })), ['/headers/X-A']);
  assert.deepEqual(paths(valid({ tags: ['ok', ''] })), ['/tags/1']);
  const id = '0190a1b2-0000-7000-8000-000000000001' as ChannelId;
  assert.deepEqual(paths(valid({ notificationChannelIds: [id, id] })), ['/notificationChannelIds']);
});

test('too many headers are refused', () => {
  const headers = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`X-H${i}`, 'v']));
  assert.deepEqual(paths(valid({ headers })), ['/headers']);
});

test('every problem is reported at once', () => {
  assert.deepEqual(paths(valid({ name: '', intervalSeconds: 0, retries: -1 })), [
    '/name',
    '/intervalSeconds',
    '/retries',
  ]);
});

test('the retry pace follows the interval unless set', () => {
  assert.equal(retryIntervalSecondsOf(valid({ intervalSeconds: 30 })), 30);
  assert.equal(retryIntervalSecondsOf(valid({ intervalSeconds: 30, retryIntervalSeconds: 5 })), 5);
});

test('the probe spec carries the deadline in milliseconds', () => {
  const spec = probeSpecOf(valid({ timeoutSeconds: 2.5 }));
  assert.equal(spec.timeoutMs, 2500);
  assert.equal(spec.url, 'https://example.com/health');
});
