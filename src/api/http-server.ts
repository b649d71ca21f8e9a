import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance } from 'fastify';
import { systemClock, type Clock } from '../ports/clock.js';
import type { EventBus } from '../ports/event-bus.js';
import type { Logger } from '../ports/logger.js';
import type { StatusCache } from '../ports/status-cache.js';
import type { Store } from '../ports/store.js';
import { createApiServices } from '../roles/api/api-services.js';
import { createOutboxRelay } from '../roles/api/outbox-relay.js';
import { createStreamHub, type StreamHubOptions } from '../roles/api/stream-hub.js';
import { createBearerAuth } from './auth.js';
import { installBodyParsers } from './body-parsers.js';
import { installErrorHandler, notFoundHandler } from './error-handler.js';
import { badgeRoutes } from './routes/badges.js';
import { channelRoutes } from './routes/channels.js';
import { DASHBOARD_DIR, dashboardBuilt, dashboardRoutes } from './routes/dashboard.js';
import { incidentRoutes } from './routes/incidents.js';
import { monitorRoutes } from './routes/monitors.js';
import { operationRoutes, type Readiness } from './routes/operations.js';
import { publicPageRoutes } from './routes/public-pages.js';
import { statusPageRoutes } from './routes/status-pages.js';
import { streamRoutes } from './routes/stream.js';
import { uptimeRoutes } from './routes/uptime.js';
import { ApiErrorSchema } from './schemas/common.js';
import { validatorCompiler } from './validator-compiler.js';

export interface HttpServerDeps {
  readonly store: Store;
  readonly bus: EventBus;
  readonly cache: StatusCache;
  readonly logger: Logger;
  readonly readiness: Readiness;
  /** The Prometheus exposition, rendered by whoever owns the registry. */
  readonly renderMetrics: () => Promise<{ contentType: string; body: string }>;
  /** Wakes an alerter in this process when the API enqueues a delivery. */
  readonly onDeliveryEnqueued?: () => void;
  readonly clock?: Clock;
}

export interface HttpServerOptions {
  /** The bearer token of every `/api/v1` route (and of `/metrics` unless it is public). */
  readonly adminToken: string;
  readonly metricsPublic: boolean;
  /** false: only `/healthz`, `/readyz` and `/metrics` (processes without the api role). */
  readonly apiEnabled: boolean;
  /** Take the client address from X-Forwarded-For; only behind a proxy you run. Default false. */
  readonly trustProxy?: boolean;
  /** Tuning of `/api/v1/stream` (ping interval, per-client backlog bounds); defaults otherwise. */
  readonly stream?: StreamHubOptions;
  /** The built dashboard served at `/` with the API; default `dist/web`, null for none. */
  readonly dashboardDir?: string | null;
}

export const API_PREFIX = '/api/v1';
export const BODY_LIMIT_BYTES = 1024 * 1024;
/** Room for a query naming 1,000 monitor ids (`/api/v1/uptime?ids=`, 37 KiB); Node's default is 16 KiB. */
export const MAX_HEADER_BYTES = 64 * 1024;

/** The HTTP face of a process, ready to `listen` (or to `inject` in tests). */
export async function createHttpServer(
  deps: HttpServerDeps,
  options: HttpServerOptions,
): Promise<FastifyInstance> {
  const clock = deps.clock ?? systemClock;
  const { logger } = deps;
  const auth = createBearerAuth({ token: options.adminToken, clock });

  const app = Fastify({
    logger: false,
    bodyLimit: BODY_LIMIT_BYTES,
    return503OnClosing: true,
    trustProxy: options.trustProxy ?? false,
    http: { maxHeaderSize: MAX_HEADER_BYTES },
  });
  app.setValidatorCompiler(validatorCompiler);
  installBodyParsers(app);
  installErrorHandler(app, logger);
  app.addSchema(ApiErrorSchema);
  app.addHook('onResponse', async (request, reply) => {
    logger.debug(
      {
        method: request.method,
        url: request.url,
        statusCode: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      'request',
    );
  });

  if (options.apiEnabled) await app.register(swagger, openApiOptions());
  await app.register(operationRoutes, {
    readiness: deps.readiness,
    renderMetrics: deps.renderMetrics,
    metricsAuth: options.metricsPublic ? undefined : auth,
    openApi: options.apiEnabled,
  });

  if (options.apiEnabled) {
    // Live updates: subscribed before the first request; streams end before the server closes.
    const hub = createStreamHub({ bus: deps.bus, clock, logger }, options.stream);
    await hub.start();
    app.addHook('preClose', (done) => {
      hub.disconnectAll();
      done();
    });
    app.addHook('onClose', () => hub.stop());
    const outbox = createOutboxRelay({ store: deps.store, bus: deps.bus, clock, logger });
    outbox.start();
    app.addHook('onClose', () => outbox.stop());
    const services = createApiServices({
      store: deps.store,
      outbox,
      cache: deps.cache,
      clock,
      logger,
      onDeliveryEnqueued: deps.onDeliveryEnqueued,
    });
    await app.register(
      async (api) => {
        api.addHook('onRequest', auth);
        // Unknown routes under the API need the token too, so they reveal nothing.
        api.setNotFoundHandler(notFoundHandler);
        await api.register(monitorRoutes, { services });
        await api.register(incidentRoutes, { services });
        await api.register(channelRoutes, { services });
        await api.register(uptimeRoutes, { services });
        await api.register(statusPageRoutes, { services });
        await api.register(streamRoutes, { hub });
      },
      { prefix: API_PREFIX },
    );
    // Served without a token: they show only what status pages list.
    await app.register(publicPageRoutes, { services, clock });
    await app.register(badgeRoutes, { services });
    const dashboardDir = options.dashboardDir === undefined ? DASHBOARD_DIR : options.dashboardDir;
    if (dashboardDir !== null && dashboardBuilt(dashboardDir)) {
      await app.register(dashboardRoutes, { root: dashboardDir });
    } else if (dashboardDir !== null) {
      logger.warn({ dir: dashboardDir }, 'dashboard not built (npm run build): API only');
    }
  }

  await app.ready();
  return app;
}

function openApiOptions(): Parameters<typeof swagger>[1] {
  return {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Uptime',
        version: '1',
        description: 'Website uptime monitoring: monitors, status, history, incidents and alerts.',
      },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      },
      security: [{ bearer: [] }],
    },
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) =>
        typeof json.$id === 'string' ? json.$id : `def-${i}`,
    },
  };
}
