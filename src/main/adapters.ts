import { join } from 'node:path';
import { createKafkaEventBus } from '../adapters/kafka-bus/kafka-event-bus.js';
import { createMemoryEventBus } from '../adapters/memory-bus/memory-event-bus.js';
import { createMemoryStatusCache } from '../adapters/memory-cache/memory-status-cache.js';
import { createPostgresStore } from '../adapters/postgres-store/postgres-store.js';
import { createRedisStatusCache } from '../adapters/redis-cache/redis-status-cache.js';
import { createSqliteStore } from '../adapters/sqlite-store/sqlite-store.js';
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
 * REDIS_URL name PostgreSQL, Kafka and Redis. Each choice is independent.
 */
export function openInfrastructure(config: Config, logger: Logger): Infrastructure {
  const store: Store =
    config.databaseUrl === null
      ? createSqliteStore({ path: join(config.dataDir, 'uptime.db') })
      : createPostgresStore({
          connectionString: config.databaseUrl,
          poolSize: config.databasePoolSize,
          logger,
        });

  let bus: EventBus;
  let drain: () => Promise<void>;
  if (config.kafkaBrokers === null) {
    const memoryBus = createMemoryEventBus();
    bus = memoryBus;
    drain = async () => {
      await memoryBus.drain();
    };
  } else {
    bus = createKafkaEventBus({
      brokers: config.kafkaBrokers,
      topicPrefix: config.kafkaTopicPrefix,
      partitions: config.kafkaPartitions,
      clientId: `${config.kafkaTopicPrefix}-${[...config.roles].join('-')}`,
      logger,
    });
    drain = () => Promise.resolve();
  }

  const cache: StatusCache =
    config.redisUrl === null
      ? createMemoryStatusCache()
      : createRedisStatusCache({
          url: config.redisUrl,
          keyPrefix: `${config.kafkaTopicPrefix}:`,
          logger,
        });

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
