import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  describeExpectedStatus,
  parseExpectedStatus,
  statusMatches,
} from '../../src/domain/expected-status.js';

test('single codes and ranges match inclusively', () => {
  const parsed = parseExpectedStatus(['200-299', '418', ' 301 - 302 ']);
  assert.ok(parsed.ok);
  for (const code of [200, 250, 299, 418, 301, 302])
    assert.ok(statusMatches(code, parsed.ranges), `${code}`);
  for (const code of [199, 300, 303, 417, 500])
    assert.ok(!statusMatches(code, parsed.ranges), `${code}`);
});

test('the default 200-399 accepts redirects and refuses errors', () => {
  const parsed = parseExpectedStatus(['200-399']);
  assert.ok(parsed.ok);
  assert.ok(statusMatches(399, parsed.ranges));
  assert.ok(!statusMatches(400, parsed.ranges));
});

test('malformed entries are refused with a sentence naming them', () => {
  for (const bad of ['abc', '', '99', '600', '2xx', '200-', '-200', '200-299-300', '1000']) {
    const parsed = parseExpectedStatus([bad]);
    assert.ok(!parsed.ok && /status code|range/.test(parsed.message), bad);
  }
});

test('a range whose start is after its end is refused', () => {
  const parsed = parseExpectedStatus(['399-200']);
  assert.ok(!parsed.ok && parsed.message.includes('start is after its end'));
});

test('ranges are described the way the contract writes them', () => {
  assert.equal(describeExpectedStatus(['200-399', ' 418']), '200-399, 418');
});
