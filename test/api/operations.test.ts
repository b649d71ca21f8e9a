import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTestApp, errorOf } from './helpers.js';

interface OpenApiDoc {
  openapi: string;
  components: { securitySchemes: Record<string, { type: string; scheme: string }> };
  paths: Record<
    string,
    Record<
      string,
      {
        responses: Record<string, unknown>;
        parameters?: { in: string; name: string; required: boolean }[];
      }
    >
  >;
}

void test('/healthz answers 200 without a token', async (t) => {
  const api = await createTestApp(t);
  const response = await api.call({ method: 'GET', url: '/healthz', token: null });
  assert.equal(response.statusCode, 200);
  assert.deepEqual(response.json(), { status: 'ok' });
});

void test('/readyz answers 200 when ready, else 503 naming the failing dependency', async (t) => {
  let failing: string | null = null;
  let broken = false;
  const api = await createTestApp(t, {
    deps: {
      readiness: () => {
        if (broken) return Promise.reject(new Error('probe crashed'));
        return Promise.resolve(failing === null ? { ok: true } : { ok: false, failing });
      },
    },
  });
  const ready = await api.call({ method: 'GET', url: '/readyz', token: null });
  assert.equal(ready.statusCode, 200);
  assert.deepEqual(ready.json(), { status: 'ready' });
  for (const name of ['store', 'bus', 'cache']) {
    failing = name;
    const response = await api.call({ method: 'GET', url: '/readyz', token: null });
    assert.equal(response.statusCode, 503);
    assert.deepEqual(response.json(), { status: 'unavailable', failing: name });
  }
  broken = true;
  const crashed = await api.call({ method: 'GET', url: '/readyz', token: null });
  assert.equal(crashed.statusCode, 503);
});

void test('/metrics needs the token unless metrics are public', async (t) => {
  const api = await createTestApp(t);
  const refused = await api.call({ method: 'GET', url: '/metrics', token: null });
  assert.equal(refused.statusCode, 401);
  assert.equal(errorOf(refused).code, 'unauthorized');
  const allowed = await api.call({ method: 'GET', url: '/metrics' });
  assert.equal(allowed.statusCode, 200);
  assert.equal(allowed.headers['content-type'], 'text/plain; version=0.0.4');
  assert.equal(allowed.body, 'uptime_up 1\n');

  const open = await createTestApp(t, { options: { metricsPublic: true } });
  const public_ = await open.call({ method: 'GET', url: '/metrics', token: null });
  assert.equal(public_.statusCode, 200);
  assert.equal(public_.body, 'uptime_up 1\n');
});

void test('/openapi.json is an OpenAPI 3.1 document of every route, without auth', async (t) => {
  const api = await createTestApp(t);
  const response = await api.call({ method: 'GET', url: '/openapi.json', token: null });
  assert.equal(response.statusCode, 200);
  const doc = response.json<OpenApiDoc>();
  assert.equal(doc.openapi, '3.1.0');
  assert.deepEqual(doc.components.securitySchemes.bearer, { type: 'http', scheme: 'bearer' });
  const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
  );
  const expected = [
    'GET /healthz',
    'GET /readyz',
    'GET /metrics',
    'GET /openapi.json',
    'POST /api/v1/monitors',
    'GET /api/v1/monitors',
    'GET /api/v1/monitors/{id}',
    'PATCH /api/v1/monitors/{id}',
    'DELETE /api/v1/monitors/{id}',
    'POST /api/v1/monitors/{id}/pause',
    'POST /api/v1/monitors/{id}/resume',
    'GET /api/v1/monitors/{id}/status',
    'GET /api/v1/monitors/{id}/results',
    'GET /api/v1/monitors/{id}/uptime',
    'GET /api/v1/incidents',
    'POST /api/v1/notification-channels',
    'GET /api/v1/notification-channels',
    'GET /api/v1/notification-channels/{id}',
    'PATCH /api/v1/notification-channels/{id}',
    'DELETE /api/v1/notification-channels/{id}',
    'POST /api/v1/notification-channels/{id}/test',
    'GET /api/v1/notification-channels/{id}/deliveries',
    'GET /api/v1/monitors/{id}/daily',
    'GET /api/v1/uptime',
    'POST /api/v1/status-pages',
    'GET /api/v1/status-pages',
    'GET /api/v1/status-pages/{id}',
    'PATCH /api/v1/status-pages/{id}',
    'DELETE /api/v1/status-pages/{id}',
    'GET /api/v1/stream',
    'GET /status/{slug}.json',
    'GET /status/{slug}',
    'GET /badge/{monitorId}/status.svg',
    'GET /badge/{monitorId}/uptime.svg',
  ];
  assert.deepEqual([...operations].sort(), [...expected].sort());
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      const success = Object.keys(operation.responses).filter((code) => code.startsWith('2'));
      assert.equal(success.length, 1, `${method} ${path} documents its answer`);
      if (path.startsWith('/api/v1')) {
        for (const range of ['4XX', '5XX']) {
          assert.deepEqual(
            (operation.responses[range] as { content: unknown }).content,
            { 'application/json': { schema: { $ref: '#/components/schemas/ApiError' } } },
            `${method} ${path} ${range}`,
          );
        }
      }
      for (const parameter of operation.parameters ?? []) {
        if (parameter.in === 'query') {
          assert.equal(
            parameter.required,
            false,
            `${method} ${path} ?${parameter.name} is optional`,
          );
        }
      }
    }
  }
});

void test('without the api role only /healthz, /readyz and /metrics are served', async (t) => {
  const api = await createTestApp(t, { options: { apiEnabled: false } });
  assert.equal((await api.call({ method: 'GET', url: '/healthz' })).statusCode, 200);
  assert.equal((await api.call({ method: 'GET', url: '/readyz' })).statusCode, 200);
  assert.equal((await api.call({ method: 'GET', url: '/metrics' })).statusCode, 200);
  for (const url of ['/api/v1/monitors', '/openapi.json']) {
    const response = await api.call({ method: 'GET', url });
    assert.equal(response.statusCode, 404, url);
    assert.equal(errorOf(response).code, 'not_found');
  }
});
