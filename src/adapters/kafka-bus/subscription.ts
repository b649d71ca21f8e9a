import {
  ConnectionPool,
  type ConsumerGroupJoinPayload,
  type GroupOptions,
  type GroupProtocolSubscription,
} from '@platformatic/kafka';
import type { BatchHandler, Subscription } from '../../ports/event-bus.js';
import type { Logger } from '../../ports/logger.js';
import { Assignment } from './assignment.js';
import { describeError, isBrokerError, wrapError } from './errors.js';
import { closeGroupConsumer, createGroupConsumer, type GroupConsumer } from './group-consumer.js';
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
/** Failed heartbeats for coordinator reasons, or failed rejoins, before the client is replaced. */
const FAILURES_BEFORE_REPLACING = 5;
const COORDINATOR_ERRORS = ['NOT_COORDINATOR', 'COORDINATOR_NOT_AVAILABLE'];

/**
 * One `subscribe` call: one member of the consumer group. It joins the group, and for every
 * generation's assignment runs an Assignment; every rejoin first stops the current one (see
 * GroupConsumer). It resolves from `open` once its first assignment is being consumed, so that
 * a message published after `subscribe` resolved is received.
 *
 * A watchdog keeps the membership alive: it rejoins when the library stopped trying (it gives up
 * after a few failed rejoins, for instance while the broker restarts), and replaces the library's
 * client when that keeps failing or keeps reporting that its group coordinator moved (the client
 * never looks the coordinator up again once it found it).
 */
export class KafkaSubscription implements Subscription {
  private consumer: GroupConsumer;
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
  private replacing: Promise<void> | undefined;
  private inactiveTicks = 0;
  private failedRejoins = 0;
  private coordinatorErrors = 0;
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
    this.consumer = this.createConsumer();
    // Fetches get their own connections: a long-polling fetch must not delay heartbeats.
    this.pool = new ConnectionPool(`${options.clientId}-fetch`, {
      connectTimeout: 3_000,
      requestTimeout: TUNING.requestTimeoutMs,
    });
  }

  /** Joins the group and resolves once the first assignment is being consumed. */
  async open(): Promise<void> {
    const activated = new Promise<void>((resolve) => {
      this.firstActivation = resolve;
    });
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

  private createConsumer(): GroupConsumer {
    const consumer = createGroupConsumer(this.options, this.spec.group, this.groupOptions);
    const mine = (): boolean => consumer === this.consumer && !this.closing;
    consumer.on('consumer:group:join', (payload) => {
      if (mine()) this.assigned(payload);
    });
    consumer.on('consumer:heartbeat:end', () => {
      this.coordinatorErrors = 0;
    });
    consumer.on('consumer:heartbeat:error', ({ error }) => {
      if (!mine() || !COORDINATOR_ERRORS.some((id) => isBrokerError(error, id))) return;
      if (++this.coordinatorErrors >= FAILURES_BEFORE_REPLACING) {
        this.replaceConsumer(`heartbeats: ${describeError(error)}`);
      }
    });
    consumer.on('error', (error) => {
      this.logger.warn({ err: describeError(error) }, 'kafka bus: group membership error');
    });
    consumer.setJoinGate(() => (mine() ? this.revoke() : Promise.resolve(false)));
    consumer.topics.track(this.spec.topic);
    return consumer;
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
    if (this.closing || this.rejoining || this.replacing !== undefined) return;
    if (this.consumer.isActive()) {
      this.inactiveTicks = 0;
      return;
    }
    // A rejoin by the library itself may be under way; give it a few heartbeats.
    if (++this.inactiveTicks < INACTIVE_TICKS_BEFORE_REJOIN) return;
    this.rejoining = true;
    this.consumer
      .join(this.groupOptions)
      .then(() => {
        this.failedRejoins = 0;
      })
      .catch((error: unknown) => {
        this.logger.warn({ err: describeError(error) }, 'kafka bus: rejoining the group failed');
        if (++this.failedRejoins >= FAILURES_BEFORE_REPLACING) {
          this.replaceConsumer(`rejoins: ${describeError(error)}`);
        }
      })
      .finally(() => {
        this.rejoining = false;
        this.inactiveTicks = 0;
      });
  }

  /** A new client for this member: the current assignment stops first, as for a rejoin. */
  private replaceConsumer(reason: string): void {
    if (this.closing || this.replacing !== undefined) return;
    this.logger.warn({ reason }, 'kafka bus: replacing the group client');
    this.replacing = (async () => {
      const old = this.consumer;
      await this.revoke();
      this.consumer = this.createConsumer();
      this.coordinatorErrors = 0;
      this.failedRejoins = 0;
      this.inactiveTicks = 0;
      await closeGroupConsumer(old, this.logger);
      if (this.closing) return;
      await this.consumer.join(this.groupOptions).catch((error: unknown) => {
        this.logger.warn({ err: describeError(error) }, 'kafka bus: joining with a new client');
      });
    })().finally(() => {
      this.replacing = undefined;
    });
  }

  private async shutDown(): Promise<void> {
    this.closing = true;
    clearInterval(this.watchdog);
    await this.replacing;
    await this.revoke();
    await closeGroupConsumer(this.consumer, this.logger);
    await this.pool.close().catch(() => undefined);
  }
}
