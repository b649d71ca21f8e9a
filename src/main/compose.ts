import { mkdir } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import { createThreadPoolChecker } from '../adapters/http-checker/thread-pool-checker.js';
import { createPromMetrics } from '../adapters/prom-metrics/prom-metrics.js';
import { createWebhookNotifier } from '../adapters/webhook-notifier/webhook-notifier.js';
import { createHttpServer } from '../api/http-server.js';
import type { Config } from '../config/config.js';
import type { Checker } from '../ports/checker.js';
import { systemClock } from '../ports/clock.js';
import type { EventBus } from '../ports/event-bus.js';
import type { Logger } from '../ports/logger.js';
import type { StatusCache } from '../ports/status-cache.js';
import type { Store } from '../ports/store.js';
import { createAlerter } from '../roles/alerter/alerter.js';
import { createRecorder } from '../roles/recorder/recorder.js';
import type { Role } from '../roles/role.js';
import { createScheduler } from '../roles/scheduler/scheduler.js';
import { createWorker } from '../roles/worker/worker.js';
import { openInfrastructure } from './adapters.js';
import { resolveAdminToken } from './admin-token.js';
import { startRetention } from './retention.js';

/** A running service: the roles of one process, wired to their adapters. */
export interface Service {
  /** The HTTP address the process listens on, e.g. http://127.0.0.1:3000. */
  readonly url: string;
  readonly adminToken: string;
  /** Stops taking work, lets running checks finish, writes what is held, closes everything. */
  stop(): Promise<void>;
}

/**
 * The composition root: chooses an adapter per port from the configuration, builds the roles
 * this process runs, starts them in dependency order and listens. Nothing else constructs
 * adapters.
 */
export async function startService(config: Config, logger: Logger): Promise<Service> {
  await mkdir(config.dataDir, { recursive: true });
  const roles = config.roles;
  const clock = systemClock;
  const metrics = createPromMetrics();

  const infrastructure = await openInfrastructure(config, logger);
  const { store, bus, cache } = infrastructure;
  logger.info(infrastructure.describe, 'infrastructure');
  await store.migrate();
  const adminToken = await resolveAdminToken(config.adminToken, config.dataDir, logger);

  let checker: Checker | undefined;
  const started: Role[] = [];
  let server: FastifyInstance | undefined;
  let stopRetention: (() => Promise<void>) | undefined;

  const stop = async (): Promise<void> => {
    // Stop taking work first (HTTP, then the schedule), then let each stage hand its
    // output to the next before that one stops, so nothing accepted is lost.
    await server?.close();
    await stopRetention?.();
    for (const role of [...started].reverse()) {
      await role.stop();
      await infrastructure.drain();
    }
    await checker?.close(10_000);
    await bus.close();
    await cache.close();
    await store.close();
  };

  try {
    // Downstream roles first, so that every message an upstream role emits has a consumer.
    let wakeAlerter: (() => void) | undefined;
    if (roles.has('alerter')) {
      const alerter = createAlerter({
        bus,
        store,
        notifiers: { webhook: createWebhookNotifier() },
        clock,
        metrics,
        logger: logger.child({ role: 'alerter' }),
      });
      wakeAlerter = () => {
        alerter.wake();
      };
      await alerter.start();
      started.push(alerter);
    }
    if (roles.has('recorder')) {
      const recorder = createRecorder(
        { bus, store, cache, metrics, logger: logger.child({ role: 'recorder' }) },
        // PostgreSQL writes big batches best; SQLite's transactions run on this thread.
        infrastructure.describe.store === 'postgres' ? { maxBatchSize: 1000 } : {},
      );
      await recorder.start();
      started.push(recorder);
      stopRetention = startRetention(store, config.retentionDays, clock, logger);
    }
    if (roles.has('worker')) {
      checker = createThreadPoolChecker({
        threads: config.checkerThreads,
        concurrencyPerThread: config.checkerConcurrency,
      });
      const worker = createWorker(
        { bus, checker, clock, metrics, logger: logger.child({ role: 'worker' }) },
        { region: config.region },
      );
      await worker.start();
      started.push(worker);
    }
    if (roles.has('scheduler')) {
      const scheduler = createScheduler(
        { bus, store, clock, metrics, logger: logger.child({ role: 'scheduler' }) },
        { region: config.region },
      );
      await scheduler.start();
      started.push(scheduler);
    }

    server = await createHttpServer(
      {
        store,
        bus,
        cache,
        logger,
        readiness: () => readiness(store, bus, cache),
        renderMetrics: () => metrics.render(),
        ...(wakeAlerter ? { onDeliveryEnqueued: wakeAlerter } : {}),
      },
      { adminToken, metricsPublic: config.metricsPublic, apiEnabled: roles.has('api') },
    );
    await server.listen({ port: config.port, host: config.host });
  } catch (error) {
    await stop().catch((stopError: unknown) => {
      logger.error({ err: stopError }, 'stopping after a failed start also failed');
    });
    throw error;
  }

  const address = server.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  return { url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`, adminToken, stop };
}

async function readiness(
  store: Store,
  bus: EventBus,
  cache: StatusCache,
): Promise<{ ok: true } | { ok: false; failing: string }> {
  const checks: [string, () => Promise<void>][] = [
    ['store', () => store.ping()],
    ['bus', () => bus.ping()],
    ['cache', () => cache.ping()],
  ];
  for (const [name, ping] of checks) {
    try {
      await ping();
    } catch {
      return { ok: false, failing: name };
    }
  }
  return { ok: true };
}
