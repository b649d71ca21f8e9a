import { silentLogger, type Logger } from '../../ports/logger.js';
import { KafkaBusError } from './errors.js';

export interface KafkaEventBusOptions {
  /** Bootstrap brokers, `host:port` each. */
  readonly brokers: readonly string[];
  /** Topics are `<prefix>.<topic>`, consumer groups `<prefix>.<group>`. */
  readonly topicPrefix: string;
  /**
   * Partitions of every topic this bus creates: the unit of parallelism and of a scheduler's
   * shard. Every process of a deployment must agree on it; an existing topic with another count
   * is refused. Default 12.
   */
  readonly partitions?: number;
  /** Names this process's connections in the broker's logs. Default `uptime`. */
  readonly clientId?: string;
  /** A member silent for this long leaves its group and its partitions move on. Default 10 s. */
  readonly sessionTimeoutMs?: number;
  /** Default 1 s; must be below the session timeout. */
  readonly heartbeatIntervalMs?: number;
  /** How long a rebalance waits for members to finish their running handler calls. Default 30 s. */
  readonly rebalanceTimeoutMs?: number;
  /** `publish` retries through broker outages for this long before it rejects. Default 30 s. */
  readonly publishTimeoutMs?: number;
  readonly logger?: Logger;
}

export interface ResolvedOptions {
  readonly brokers: readonly string[];
  readonly topicPrefix: string;
  readonly partitions: number;
  readonly clientId: string;
  readonly sessionTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  readonly rebalanceTimeoutMs: number;
  readonly publishTimeoutMs: number;
  readonly logger: Logger;
}

const DEFAULTS = {
  partitions: 12,
  clientId: 'uptime',
  sessionTimeoutMs: 10_000,
  heartbeatIntervalMs: 1_000,
  rebalanceTimeoutMs: 30_000,
  publishTimeoutMs: 30_000,
} as const;

/** Fixed settings, named so that the code reads by intent. */
export const TUNING = {
  /** The subscription's defaults, as the port states them. */
  maxBatchSize: 500,
  maxWaitMs: 0,
  /** Redelivery backoff of a failed handler call: 100 ms, doubling up to 5 s. */
  retryBackoffMs: 100,
  maxRetryBackoffMs: 5_000,
  /** How long a fetch waits at the broker for data (also bounds how late a stop is noticed). */
  fetchMaxWaitMs: 500,
  fetchMaxBytes: 16 * 1024 * 1024,
  partitionMaxBytes: 1024 * 1024,
  /** Fetching of a partition pauses while this many messages wait for its handler. */
  minBufferedPerPartition: 1_000,
  /** One produce request carries at most this much: the broker refuses batches over 1 MB. */
  maxSendBytes: 512 * 1024,
  maxSendMessages: 5_000,
  /** Client library: per-request timeout and retries of retriable broker errors. */
  requestTimeoutMs: 10_000,
  retries: 3,
  retryDelayMs: 250,
  /** Bounds on waits that must not hang a rebalance or a shutdown. */
  commitFlushTimeoutMs: 10_000,
  leaveTimeoutMs: 5_000,
  pingTimeoutMs: 2_000,
  topicReadyTimeoutMs: 15_000,
} as const;

/** The options merged over the defaults and validated once. */
export function resolveOptions(options: KafkaEventBusOptions): ResolvedOptions {
  const resolved: ResolvedOptions = {
    brokers: [...options.brokers],
    topicPrefix: options.topicPrefix,
    partitions: options.partitions ?? DEFAULTS.partitions,
    clientId: options.clientId ?? DEFAULTS.clientId,
    sessionTimeoutMs: options.sessionTimeoutMs ?? DEFAULTS.sessionTimeoutMs,
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? DEFAULTS.heartbeatIntervalMs,
    rebalanceTimeoutMs: options.rebalanceTimeoutMs ?? DEFAULTS.rebalanceTimeoutMs,
    publishTimeoutMs: options.publishTimeoutMs ?? DEFAULTS.publishTimeoutMs,
    logger: options.logger ?? silentLogger,
  };
  const problem = findProblem(resolved);
  if (problem !== undefined) throw new KafkaBusError('KAFKA_INVALID_OPTIONS', problem);
  return resolved;
}

function findProblem(o: ResolvedOptions): string | undefined {
  if (o.brokers.length === 0) return 'brokers must name at least one broker';
  const badBroker = o.brokers.find((b) => !/^[^\s:]+:\d{1,5}$/.test(b));
  if (badBroker !== undefined) return `broker "${badBroker}" is not host:port`;
  if (!/^[A-Za-z0-9._-]{1,100}$/.test(o.topicPrefix)) {
    return 'topicPrefix must be 1-100 of the characters A-Z a-z 0-9 . _ -';
  }
  if (!/^[A-Za-z0-9._-]{1,100}$/.test(o.clientId)) {
    return 'clientId must be 1-100 of the characters A-Z a-z 0-9 . _ -';
  }
  if (!Number.isInteger(o.partitions) || o.partitions < 1 || o.partitions > 10_000) {
    return 'partitions must be an integer from 1 to 10000';
  }
  for (const name of [
    'sessionTimeoutMs',
    'heartbeatIntervalMs',
    'rebalanceTimeoutMs',
    'publishTimeoutMs',
  ] as const) {
    if (!Number.isInteger(o[name]) || o[name] < 1) return `${name} must be a positive integer`;
  }
  if (o.heartbeatIntervalMs >= o.sessionTimeoutMs) {
    return 'heartbeatIntervalMs must be below sessionTimeoutMs';
  }
  if (o.rebalanceTimeoutMs < o.sessionTimeoutMs) {
    return 'rebalanceTimeoutMs must be at least sessionTimeoutMs';
  }
  return undefined;
}

/** The redelivery delay before attempt `attempt` (1 for the first retry). */
export function retryDelayMs(attempt: number): number {
  return Math.min(TUNING.maxRetryBackoffMs, TUNING.retryBackoffMs * 2 ** (attempt - 1));
}
