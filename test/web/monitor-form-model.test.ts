import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  bodyOf,
  fieldOfPointer,
  NEW_MONITOR,
  parseHeaders,
  valuesOf,
} from '../../web/src/lib/monitor-form-model.js';

void test('a new monitor leaves empty optional fields to the server defaults', () => {
  const body = bodyOf(
    { ...NEW_MONITOR, name: ' Shop ', url: 'https://shop.example', tags: 'a, b,,' },
    'create',
    {},
  );
  assert.deepEqual(body, {
    name: 'Shop',
    type: 'http',
    url: 'https://shop.example',
    method: 'GET',
    headers: {},
    body: null,
    keyword: null,
    invertKeyword: false,
    followRedirects: true,
    verifyTls: true,
    paused: false,
    notificationChannelIds: [],
    tags: ['a', 'b'],
    intervalSeconds: 60,
    timeoutSeconds: 10,
    retries: 0,
    expectedStatus: ['200-399'],
  });
});

void test('an edit clears nullable fields, and text that is no number goes as typed', () => {
  const body = bodyOf(
    { ...NEW_MONITOR, intervalSeconds: '0', timeoutSeconds: 'soon', maxLatencyMs: '' },
    'edit',
    {},
  );
  assert.equal(body.intervalSeconds, 0);
  assert.equal(body.timeoutSeconds, 'soon');
  assert.equal(body.maxLatencyMs, null);
  assert.equal(body.retryIntervalSeconds, null);
});

void test('a monitor read back into the form gives the same settings', () => {
  const monitor = {
    name: 'API',
    url: 'https://api.example/health',
    method: 'HEAD',
    headers: { 'X-Probe': 'uptime', Accept: 'a: b' },
    body: null,
    intervalSeconds: 30,
    timeoutSeconds: 2.5,
    expectedStatus: ['200', '300-399'],
    keyword: 'ok',
    invertKeyword: true,
    maxLatencyMs: 800,
    retries: 2,
    retryIntervalSeconds: 10,
    followRedirects: false,
    verifyTls: false,
    paused: true,
    notificationChannelIds: ['c1'],
    tags: ['prod'],
  };
  const values = valuesOf(monitor);
  const headers = parseHeaders(values.headers);
  assert.ok(headers.ok);
  const { type, ...body } = bodyOf(values, 'edit', headers.headers);
  assert.equal(type, 'http');
  assert.deepEqual(body, monitor);
});

void test('header lines without a name are refused with their line number', () => {
  assert.deepEqual(parseHeaders('A: 1\n\n: x'), { ok: false, line: 3 });
});

void test('a JSON pointer names the form field it concerns', () => {
  const fields = Object.keys(NEW_MONITOR);
  assert.equal(fieldOfPointer('/intervalSeconds', fields), 'intervalSeconds');
  assert.equal(fieldOfPointer('/headers/X-A~1b', fields), 'headers');
  assert.equal(fieldOfPointer('/expectedStatus/0', fields), 'expectedStatus');
  assert.equal(fieldOfPointer('', fields), null);
  assert.equal(fieldOfPointer('/id', fields), null);
});
