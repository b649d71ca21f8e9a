import assert from 'node:assert/strict';
import { test } from 'node:test';
import Fastify from 'fastify';
import { installErrorHandler } from '../../src/api/error-handler.js';
import { API_ERROR_STATUS, ApiError, type ApiErrorCode } from '../../src/roles/api/api-errors.js';
import { StoreError } from '../../src/ports/store.js';
import { createTestApp, errorOf, monitorBody } from './helpers.js';

void test('a body over 1 MiB is 413 payload_too_large', async (t) => {
  const api = await createTestApp(t);
  const response = await api.call({
    method: 'POST',
    url: '/api/v1/monitors',
    body: monitorBody({ body: 'x'.repeat(1024 * 1024) }),
  });
  assert.equal(response.statusCode, 413);
  assert.equal(errorOf(response).code, 'payload_too_large');
});

void test('a body that is not application/json is 415 unsupported_media_type', async (t) => {
  const api = await createTestApp(t);
  for (const [method, url, type] of [
    ['POST', '/api/v1/monitors', 'text/plain'],
    ['POST', '/api/v1/notification-channels', 'application/x-www-form-urlencoded'],
    ['PATCH', '/api/v1/monitors/01a21c68-bfde-7e18-a577-f292001d5b83', 'text/plain'],
  ] as const) {
    const response = await api.call({
      method,
      url,
      body: JSON.stringify(monitorBody()),
      headers: { 'content-type': type },
    });
    assert.equal(response.statusCode, 415, `${method} ${url} ${type}`);
    assert.equal(errorOf(response).code, 'unsupported_media_type');
  }
  const charset = await api.call({
    method: 'POST',
    url: '/api/v1/monitors',
    body: monitorBody(),
    headers: { 'content-type': 'application/json; charset=utf-8' },
  });
  assert.equal(charset.statusCode, 201, 'a charset parameter is fine');
});

void test('routes without a body accept an empty one with or without a content type', async (t) => {
  const api = await createTestApp(t);
  const id = (
    await api.call({ method: 'POST', url: '/api/v1/monitors', body: monitorBody() })
  ).json<{
    id: string;
  }>().id;
  for (const headers of [
    {},
    { 'content-type': 'application/json' },
    { 'content-type': 'text/plain' },
  ]) {
    const response = await api.call({
      method: 'POST',
      url: `/api/v1/monitors/${id}/pause`,
      headers,
    });
    assert.equal(response.statusCode, 200, JSON.stringify(headers));
  }
});

void test('malformed JSON, and JSON that is not an object, are 400 validation_failed', async (t) => {
  const api = await createTestApp(t);
  for (const body of ['{"name": ', '{name: "x"}', '[]', '"monitor"', '42', 'null']) {
    const response = await api.call({ method: 'POST', url: '/api/v1/monitors', body });
    assert.equal(response.statusCode, 400, body);
    const error = errorOf(response);
    assert.equal(error.code, 'validation_failed', body);
    assert.ok(Array.isArray(error.details));
  }
  const empty = await api.call({
    method: 'POST',
    url: '/api/v1/monitors',
    headers: { 'content-type': 'application/json' },
  });
  assert.equal(empty.statusCode, 400, 'a create needs a body');
  const poisoned = await api.call({
    method: 'POST',
    url: '/api/v1/monitors',
    body: '{"name":"x","url":"https://example.com","__proto__":{"paused":true}}',
  });
  assert.equal(poisoned.statusCode, 400, 'prototype poisoning is refused');
});

void test('unknown routes are 404 not_found in the error shape', async (t) => {
  const api = await createTestApp(t);
  const response = await api.call({ method: 'GET', url: '/nothing-here', token: null });
  assert.equal(response.statusCode, 404);
  assert.equal(errorOf(response).code, 'not_found');
  const method = await api.call({ method: 'PUT', url: '/api/v1/monitors' });
  assert.equal(method.statusCode, 404);
});

void test('an unexpected failure is 500 internal, logged, without a stack trace', async (t) => {
  const logged: { obj: object; msg: string | undefined }[] = [];
  const logger = {
    error: (obj: object, msg?: string) => void logged.push({ obj, msg }),
    warn: () => undefined,
    info: () => undefined,
    debug: () => undefined,
    child: () => logger,
  };
  const api = await createTestApp(t, { deps: { logger } });
  api.store.listMonitors = () =>
    Promise.reject(new StoreError('STORE_FAILED', 'disk I/O error at /var/lib/secret.db'));
  const response = await api.call({ method: 'GET', url: '/api/v1/monitors' });
  assert.equal(response.statusCode, 500);
  assert.deepEqual(response.json(), {
    error: { code: 'internal', message: 'internal error', details: [] },
  });
  assert.ok(!response.body.includes('secret.db') && !response.body.includes(' at '));
  assert.equal(logged.length, 1);
  assert.equal(logged[0]?.msg, 'request failed');
});

void test('the catalogue decides each status: every code leaves with its own', async (t) => {
  const app = Fastify();
  installErrorHandler(app, {
    error: () => undefined,
    warn: () => undefined,
    info: () => undefined,
    debug: () => undefined,
    child() {
      return this;
    },
  });
  app.get<{ Params: { code: ApiErrorCode } }>('/fail/:code', (request) => {
    throw new ApiError(request.params.code, `failed with ${request.params.code}`, [
      { path: '/x', message: 'why' },
    ]);
  });
  t.after(() => app.close());
  const expected = {
    validation_failed: 400,
    unauthorized: 401,
    not_found: 404,
    conflict: 409,
    payload_too_large: 413,
    unsupported_media_type: 415,
    rate_limited: 429,
    internal: 500,
  };
  assert.deepEqual(API_ERROR_STATUS, expected);
  for (const [code, status] of Object.entries(expected)) {
    const response = await app.inject({ method: 'GET', url: `/fail/${code}` });
    assert.equal(response.statusCode, status, code);
    assert.deepEqual(response.json(), {
      error: { code, message: `failed with ${code}`, details: [{ path: '/x', message: 'why' }] },
    });
  }
});
