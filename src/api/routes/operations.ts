import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import type { AuthHook } from '../auth.js';
import { errorResponses } from '../schemas/common.js';
import {
  HealthSchema,
  MetricsText,
  NotReadySchema,
  OpenApiDocument,
  ReadySchema,
} from '../schemas/operations.js';

export type Readiness = () => Promise<{ ok: true } | { ok: false; failing: string }>;

export interface OperationRoutesOptions {
  readonly readiness: Readiness;
  readonly renderMetrics: () => Promise<{ contentType: string; body: string }>;
  /** The token check for `/metrics`; absent when metrics are public. */
  readonly metricsAuth?: AuthHook | undefined;
  /** Serve `/openapi.json` (processes with the api role). */
  readonly openApi: boolean;
}

const tags = ['operations'];
const open: Record<string, string[]>[] = [];

/** Health, readiness, metrics and the API document: served by every process. */
export const operationRoutes: FastifyPluginCallbackTypebox<OperationRoutesOptions> = (
  app,
  options,
  done,
) => {
  app.get(
    '/healthz',
    {
      schema: {
        tags,
        summary: 'The process is alive',
        security: open,
        response: { 200: HealthSchema },
      },
    },
    () => Promise.resolve({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      schema: {
        tags,
        summary: 'The store, bus and cache answer; 503 names the one that does not',
        security: open,
        response: { 200: ReadySchema, 503: NotReadySchema },
      },
    },
    async (_request, reply) => {
      const ready = await options
        .readiness()
        .catch(() => ({ ok: false, failing: 'readiness' }) as const);
      if (ready.ok) return { status: 'ready' as const };
      return reply.code(503).send({ status: 'unavailable', failing: ready.failing });
    },
  );

  app.get(
    '/metrics',
    {
      ...(options.metricsAuth ? { onRequest: options.metricsAuth } : {}),
      schema: {
        tags,
        summary: 'Prometheus metrics',
        ...(options.metricsAuth ? {} : { security: open }),
        response: {
          200: { description: 'the metrics', content: { 'text/plain': { schema: MetricsText } } },
          ...errorResponses,
        },
      },
    },
    async (_request, reply) => {
      const metrics = await options.renderMetrics();
      return reply.type(metrics.contentType).send(metrics.body);
    },
  );

  if (options.openApi) {
    app.get(
      '/openapi.json',
      {
        schema: {
          tags,
          summary: 'This document (OpenAPI 3.1)',
          security: open,
          response: { 200: OpenApiDocument },
        },
      },
      () => Promise.resolve(app.swagger() as unknown as Record<string, unknown>),
    );
  }
  done();
};
