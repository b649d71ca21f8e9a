import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import {
  createMemoryEventBus,
  type MemoryEventBus,
} from '../../src/adapters/memory-bus/memory-event-bus.js';
import { createMemoryStatusCache } from '../../src/adapters/memory-cache/memory-status-cache.js';
import { createSqliteStore } from '../../src/adapters/sqlite-store/sqlite-store.js';
import {
  createHttpServer,
  type HttpServerDeps,
  type HttpServerOptions,
} from '../../src/api/http-server.js';
import type { MonitorId } from '../../src/domain/ids.js';
import type { Incident } from '../../src/domain/incident.js';
import type { Monitor } from '../../src/domain/monitor.js';
import {
  evaluate,
  type MonitorState,
  type StatusTransition,
} from '../../src/domain/status-machine.js';
import type { StatusCache } from '../../src/ports/status-cache.js';
import type { BatchEvaluator, Store } from '../../src/ports/store.js';

export const TOKEN = 'test-admin-token-0123456789';

export interface TestApp {
  readonly app: FastifyInstance;
  readonly store: Store;
  readonly bus: MemoryEventBus;
  readonly cache: StatusCache;
  /** `inject` with the admin token, JSON bodies, and a parsed answer. */
  readonly call: (options: CallOptions) => Promise<LightMyRequestResponse>;
}

export interface CallOptions {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  readonly url: string;
  readonly body?: unknown;
  /** null: no Authorization header. Default: the admin token. */
  readonly token?: string | null;
  readonly headers?: Record<string, string>;
  readonly remoteAddress?: string;
}

export interface TestAppOverrides {
  readonly options?: Partial<HttpServerOptions>;
  readonly deps?: Partial<
    Pick<HttpServerDeps, 'readiness' | 'renderMetrics' | 'onDeliveryEnqueued' | 'clock' | 'logger'>
  >;
}

/** The HTTP server on the real embedded adapters (SQLite in memory); all closed after the test. */
export async function createTestApp(
  t: TestContext,
  overrides: TestAppOverrides = {},
): Promise<TestApp> {
  const store = createSqliteStore({ path: ':memory:' });
  await store.migrate();
  const bus = createMemoryEventBus();
  const cache = createMemoryStatusCache();
  const app = await createHttpServer(
    {
      store,
      bus,
      cache,
      logger: silent,
      readiness: () => Promise.resolve({ ok: true }),
      renderMetrics: () =>
        Promise.resolve({ contentType: 'text/plain; version=0.0.4', body: 'uptime_up 1\n' }),
      ...overrides.deps,
    },
    { adminToken: TOKEN, metricsPublic: false, apiEnabled: true, ...overrides.options },
  );
  t.after(async () => {
    await app.close();
    await bus.close();
    await cache.close();
    await store.close();
  });
  const call = (options: CallOptions): Promise<LightMyRequestResponse> => {
    const token = options.token === undefined ? TOKEN : options.token;
    const headers: Record<string, string> = {
      ...(token === null ? {} : { authorization: `Bearer ${token}` }),
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...options.headers,
    };
    return app.inject({
      method: options.method,
      url: options.url,
      headers,
      ...(options.body === undefined
        ? {}
        : {
            payload: typeof options.body === 'string' ? options.body : JSON.stringify(options.body),
          }),
      ...(options.remoteAddress === undefined ? {} : { remoteAddress: options.remoteAddress }),
    });
  };
  return { app, store, bus, cache, call };
}

const silent = {
  error: () => undefined,
  warn: () => undefined,
  info: () => undefined,
  debug: () => undefined,
  child: () => silent,
};

/** The contract's error body, parsed. */
export interface ErrorBody {
  error: { code: string; message: string; details: { path: string; message: string }[] };
}

export function errorOf(response: LightMyRequestResponse): ErrorBody['error'] {
  return response.json<ErrorBody>().error;
}

export const monitorBody = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  name: 'Example',
  url: 'https://example.com/health',
  ...overrides,
});

/** Creates a monitor through the API and returns it, failing the test on anything but 201. */
export async function createMonitor(
  api: TestApp,
  overrides: Record<string, unknown> = {},
): Promise<Monitor> {
  const response = await api.call({
    method: 'POST',
    url: '/api/v1/monitors',
    body: monitorBody(overrides),
  });
  assert.equal(response.statusCode, 201, response.body);
  return response.json<Monitor>();
}

/** The status machine applied in arrival order, as the recorder would. */
export const simpleEvaluator: BatchEvaluator = (fresh, _duplicates, targets) => {
  const states = new Map<MonitorId, MonitorState>();
  const openedIncidents: Incident[] = [];
  const resolvedIncidents = new Map<string, string>();
  const transitions: StatusTransition[] = [];
  for (const result of fresh) {
    const target = targets.get(result.monitorId);
    if (target === undefined) continue;
    const step = evaluate(states.get(result.monitorId) ?? target.state, result, {
      retries: target.monitor.retries,
      paused: target.monitor.paused,
    });
    states.set(result.monitorId, step.state);
    if (step.openedIncident) openedIncidents.push(step.openedIncident);
    if (step.resolvedIncidentId) resolvedIncidents.set(step.resolvedIncidentId, result.checkedAt);
    if (step.transition) transitions.push(step.transition);
  }
  return { states: [...states.values()], openedIncidents, resolvedIncidents, transitions };
};
