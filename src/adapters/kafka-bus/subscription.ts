import {
  ConnectionPool,
  FetchIsolationLevels,
  type ConsumerGroupJoinPayload,
  type GroupOptions,
  type GroupProtocolSubscription,
} from '@platformatic/kafka';
import type { BatchHandler, Subscription } from '../../ports/event-bus.js';
import type { Logger } from '../../ports/logger.js';
import { Assignment } from './assignment.js';
import { describeError, wrapError } from './errors.js';
import { GroupConsumer } from './group-consumer.js';
import { TUNING, type ResolvedOptions } from './options.js';
import { ASSIGNMENT_PROTOCOL, encodeOwned, stickyAssigner } from './partition-assigner.js';
import { withTimeout } from './timing.js';

export interface SubscriptionSpec {
  readonly topic: string;
  readonly group: string;
  readonly handler: BatchHandler<unknown>;
  readonly maxBatchSize: number;
  readonly maxWaitMs: number;
  readonly onAssignment: ((partitions: readonly number[]) => void | Promise<void>) | undefined;
}

function ownedProtocol(topic: string, partitions: readonly number[]): GroupProtocolSubscription[] {
  return [{ name: ASSIGNMENT_PROTOCOL, version: 1, metadata: encodeOwned(topic, partitions) }];
}

/** Consecutive watchdog ticks without an active membership before the watchdog rejoins. */
const INACTIVE_TICKS_BEFORE_REJOIN = 3;

/**
 * One `subscribe` call: one member of the consumer group. It joins the group, and for every
 * generation's assignment runs an Assignment; every rejoin first stops the current one (see
 * GroupConsumer). It resolves from `open` once its first assignment is being consumed, so that
 * a message published after `subscribe` resolved is received.
 *
 * A watchdog rejoins when the membership is lost and the library stopped trying (it gives up
 * after a few failed rejoins, for instance while the broker restarts).
 */
export class KafkaSubscription implements Subscription {
  private readonly consumer: GroupConsumer;
  private readonly pool: ConnectionPool;
  private readonly logger: Logger;
  private readonly groupOptions: GroupOptions;
  /** Revocations and swaps of the current assignment, in order. */
  private transition: Promise<void> = Promise.resolve();
  private current: Assignment | undefined;
  /** The partition set last announced to `onAssignment`. */
  private owned: readonly number[] | undefined;
  private closing = false;
  private closed: Promise<void> | undefined;
  private watchdog: NodeJS.Timeout | undefined;
  private rejoining = false;
  private inactiveTicks = 0;
  private firstActivation: () => void = () => undefined;

  constructor(
    private readonly options: ResolvedOptions,
    private readonly spec: SubscriptionSpec,
  ) {
    this.logger = options.logger.child({ topic: spec.topic, group: spec.group });
    // The library keeps this object and reads it again at every rejoin: `protocols` is updated
    // with what this member owns, for the sticky assignment.
    this.groupOptions = {
      sessionTimeout: options.sessionTimeoutMs,
      heartbeatInterval: options.heartbeatIntervalMs,
      rebalanceTimeout: options.rebalanceTimeoutMs,
      partitionAssigner: stickyAssigner,
      protocols: ownedProtocol(spec.topic, []),
    };
    const connection = {
      connectTimeout: 3_000,
      // A JoinGroup request waits at the broker for the whole group, up to the rebalance timeout.
      requestTimeout: options.rebalanceTimeoutMs + TUNING.requestTimeoutMs,
    };
    this.consumer = new GroupConsumer({
      clientId: `${options.clientId}-consumer`,
      bootstrapBrokers: [...options.brokers],
      groupId: spec.group,
      ...this.groupOptions,
      ...connection,
      autocommit: false,
      isolationLevel: FetchIsolationLevels.READ_COMMITTED,
      retries: TUNING.retries,
      retryDelay: TUNING.retryDelayMs,
    });
    // Fetches get their own connections: a long-polling fetch must not delay heartbeats.
    this.pool = new ConnectionPool(`${options.clientId}-fetch`, {
      connectTimeout: connection.connectTimeout,
      requestTimeout: TUNING.requestTimeoutMs,
    });
  }

  /** Joins the group and resolves once the first assignment is being consumed. */
  async open(): Promise<void> {
    const activated = new Promise<void>((resolve) => {
      this.firstActivation = resolve;
    });
    this.consumer.on('consumer:group:join', (payload) => {
      this.assigned(payload);
    });
    this.consumer.on('error', (error) => {
      this.logger.warn({ err: describeError(error) }, 'kafka bus: group membership error');
    });
    this.consumer.setJoinGate(() => this.revoke());
    this.consumer.topics.track(this.spec.topic);
    try {
      await withTimeout(
        Promise.all([this.consumer.join(this.groupOptions), activated]),
        this.options.rebalanceTimeoutMs + 30_000,
        'joining the group',
      );
    } catch (error) {
      await this.close();
      throw wrapError(
        'KAFKA_SUBSCRIBE_FAILED',
        `subscribing ${this.spec.group} to ${this.spec.topic}`,
        error,
      );
    }
    this.watchdog = setInterval(() => {
      this.checkMembership();
    }, this.options.heartbeatIntervalMs);
    this.watchdog.unref();
  }

  close(): Promise<void> {
    this.closed ??= this.shutDown();
    return this.closed;
  }

  /** The group's JoinGroup gate: stop the current assignment before (re)joining. */
  private revoke(): Promise<boolean> {
    this.transition = this.transition.then(async () => {
      const previous = this.current;
      this.current = undefined;
      await previous?.stop();
    });
    return this.transition.then(() => !this.closing);
  }

  private assigned(payload: ConsumerGroupJoinPayload): void {
    if (this.closing) return;
    const partitions = (payload.assignments ?? [])
      .filter((a) => a.topic === this.spec.topic)
      .flatMap((a) => a.partitions)
      .sort((a, b) => a - b);
    this.logger.debug(
      { generation: payload.generationId, partitions },
      'kafka bus: partitions assigned',
    );
    this.groupOptions.protocols = ownedProtocol(this.spec.topic, partitions);
    const next = new Assignment(
      {
        consumer: this.consumer,
        pool: this.pool,
        topic: this.spec.topic,
        handler: this.spec.handler,
        maxBatchSize: this.spec.maxBatchSize,
        maxWaitMs: this.spec.maxWaitMs,
        logger: this.logger,
        announce: (owned) => this.announce(owned),
      },
      partitions,
    );
    this.transition = this.transition.then(async () => {
      // Normally the gate stopped the previous assignment before this join.
      const previous = this.current;
      this.current = next;
      await previous?.stop();
      if (this.closing) {
        await next.stop();
        return;
      }
      void next.activate().then((running) => {
        if (running) this.firstActivation();
      });
    });
  }

  /** Tells `onAssignment` the owned set when it changed (and once at the start). */
  private async announce(partitions: readonly number[]): Promise<void> {
    const owned = this.owned;
    const same =
      owned !== undefined &&
      owned.length === partitions.length &&
      owned.every((p, i) => p === partitions[i]);
    if (same) return;
    await this.spec.onAssignment?.(partitions);
    this.owned = partitions;
  }

  private checkMembership(): void {
    if (this.closing || this.rejoining) return;
    if (this.consumer.isActive()) {
      this.inactiveTicks = 0;
      return;
    }
    // A rejoin by the library itself may be under way; give it a few heartbeats.
    if (++this.inactiveTicks < INACTIVE_TICKS_BEFORE_REJOIN) return;
    this.rejoining = true;
    this.consumer
      .join(this.groupOptions)
      .catch((error: unknown) => {
        this.logger.warn({ err: describeError(error) }, 'kafka bus: rejoining the group failed');
      })
      .finally(() => {
        this.rejoining = false;
        this.inactiveTicks = 0;
      });
  }

  private async shutDown(): Promise<void> {
    this.closing = true;
    clearInterval(this.watchdog);
    await this.revoke();
    try {
      const left = new Promise<void>((resolve, reject) => {
        this.consumer.leaveGroup(false, (error) => {
          if (error === null) resolve();
          else reject(error);
        });
      });
      await withTimeout(left, TUNING.leaveTimeoutMs, 'leaving the group');
    } catch (error) {
      this.logger.debug({ err: describeError(error) }, 'kafka bus: leaving the group');
    }
    try {
      await withTimeout(this.consumer.close(), TUNING.leaveTimeoutMs, 'closing the consumer');
    } catch (error) {
      this.logger.debug({ err: describeError(error) }, 'kafka bus: closing the consumer');
      await this.consumer.connections.close().catch(() => undefined);
    }
    await this.pool.close().catch(() => undefined);
  }
}
