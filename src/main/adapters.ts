import { join } from 'node:path';
import type { Config } from '../config/config.js';
import type { EventBus } from '../ports/event-bus.js';
import type { Logger } from '../ports/logger.js';
import type { StatusCache } from '../ports/status-cache.js';
import type { Store } from '../ports/store.js';

/** The infrastructure one process runs on, chosen from the configuration. */
export interface Infrastructure {
  readonly store: Store;
  readonly bus: EventBus;
  readonly cache: StatusCache;
  /** Which adapter serves each port, for the start-up log line. */
  readonly describe: { store: string; bus: string; cache: string };
  /**
   * Resolves once everything published so far has been handled by this process's consumers.
   * Between the stops of two stages at shutdown, so that an in-process bus hands on what it
   * holds; a durable bus (Kafka) keeps it for whoever consumes next, so it resolves at once.
   */
  drain(): Promise<void>;
}

/**
 * SQLite, the in-process bus and the in-process cache unless DATABASE_URL, KAFKA_BROKERS and
 * REDIS_URL name PostgreSQL, Kafka and Redis. Each choice is independent. Only the chosen
 * adapters are loaded: the embedded default never pays for the drivers it does not use.
 */
export async function openInfrastructure(config: Config, logger: Logger): Promise<Infrastructure> {
  let store: Store;
  if (config.databaseUrl === null) {
    const { createSqliteStore } = await import('../adapters/sqlite-store/sqlite-store.js');
    store = createSqliteStore({ path: join(config.dataDir, 'uptime.db') });
  } else {
    const { createPostgresStore } = await import('../adapters/postgres-store/postgres-store.js');
    store = createPostgresStore({
      connectionString: config.databaseUrl,
      poolSize: config.databasePoolSize,
      logger,
    });
  }

  let bus: EventBus;
  let drain: () => Promise<void>;
  if (config.kafkaBrokers === null) {
    const { createMemoryEventBus } = await import('../adapters/memory-bus/memory-event-bus.js');
    const memoryBus = createMemoryEventBus();
    bus = memoryBus;
    drain = async () => {
      await memoryBus.drain();
    };
  } else {
    const { createKafkaEventBus } = await import('../adapters/kafka-bus/kafka-event-bus.js');
    bus = createKafkaEventBus({
      brokers: config.kafkaBrokers,
      topicPrefix: config.kafkaTopicPrefix,
      partitions: config.kafkaPartitions,
      clientId: `${config.kafkaTopicPrefix}-${[...config.roles].join('-')}`,
      logger,
    });
    drain = () => Promise.resolve();
  }

  let cache: StatusCache;
  if (config.redisUrl === null) {
    const { createMemoryStatusCache } =
      await import('../adapters/memory-cache/memory-status-cache.js');
    cache = createMemoryStatusCache();
  } else {
    const { createRedisStatusCache } =
      await import('../adapters/redis-cache/redis-status-cache.js');
    cache = createRedisStatusCache({
      url: config.redisUrl,
      keyPrefix: `${config.kafkaTopicPrefix}:`,
      logger,
    });
  }

  return {
    store,
    bus,
    cache,
    drain,
    describe: {
      store: config.databaseUrl === null ? 'sqlite' : 'postgres',
      bus: config.kafkaBrokers === null ? 'memory' : 'kafka',
      cache: config.redisUrl === null ? 'memory' : 'redis',
    },
  };
}
