import type { ChannelType } from '../../domain/channel.js';
import type { StatusChanged } from '../../domain/events.js';
import type { Clock } from '../../ports/clock.js';
import type { BusMessage, EventBus, Subscription } from '../../ports/event-bus.js';
import type { Logger } from '../../ports/logger.js';
import type { Metrics } from '../../ports/metrics.js';
import type { Notifier } from '../../ports/notifier.js';
import type { Store } from '../../ports/store.js';
import type { Role } from '../role.js';
import { createDeliverySender } from './delivery-sender.js';
import { enqueueNotifications } from './enqueue-notifications.js';

export interface AlerterDeps {
  readonly bus: EventBus;
  readonly store: Store;
  readonly notifiers: Readonly<Record<ChannelType, Notifier>>;
  readonly clock: Clock;
  readonly metrics: Metrics;
  readonly logger: Logger;
}

export interface AlerterOptions {
  /** Consumer group on `status`. */
  readonly group?: string;
  /** Longest sleep between looks at the delivery log (the test route relies on it). */
  readonly pollIntervalMs?: number;
  /** How long a claimed delivery is reserved; must exceed the notifiers' timeout. */
  readonly leaseMs?: number;
  /** Notifications in flight at most. */
  readonly concurrency?: number;
  /** Delay before each retry; default the domain's `RETRY_DELAYS_MS`. */
  readonly retryDelaysMs?: readonly number[];
}

const DEFAULTS = { group: 'alerter', pollIntervalMs: 1000, leaseMs: 30_000, concurrency: 16 };

export type Alerter = Role & {
  /** Makes the sender look at the delivery log now (after enqueueing a delivery elsewhere). */
  wake(): void;
};

/**
 * Turns status changes into notifications: each change that sends an event becomes one durable
 * delivery per channel of its monitor (deduplicated by the change's event key, so redelivered
 * changes notify once), and a sender loop delivers them with retries, also after a restart.
 */
export function createAlerter(deps: AlerterDeps, options: AlerterOptions = {}): Alerter {
  const group = options.group ?? DEFAULTS.group;
  const pollIntervalMs = positive(
    'pollIntervalMs',
    options.pollIntervalMs ?? DEFAULTS.pollIntervalMs,
  );
  const leaseMs = positive('leaseMs', options.leaseMs ?? DEFAULTS.leaseMs);
  const concurrency = positive('concurrency', options.concurrency ?? DEFAULTS.concurrency);
  const retryDelaysMs = options.retryDelaysMs;
  if (retryDelaysMs?.some((ms) => !Number.isFinite(ms) || ms < 0) === true) {
    throw new RangeError('alerter retryDelaysMs must hold non-negative numbers');
  }

  const { bus, store, clock } = deps;
  const log = deps.logger;
  const sender = createDeliverySender(
    { store, notifiers: deps.notifiers, clock, metrics: deps.metrics, logger: log },
    { pollIntervalMs, leaseMs, concurrency, retryDelaysMs },
  );
  let subscription: Subscription | null = null;

  async function handle(messages: readonly BusMessage<StatusChanged>[]): Promise<void> {
    const added = await enqueueNotifications(
      messages.map((m) => m.value),
      store,
      clock.now(),
    );
    if (added > 0) {
      log.debug({ deliveries: added }, 'notifications queued');
      sender.wake();
    }
  }

  return {
    name: 'alerter',
    async start() {
      if (subscription !== null) return;
      sender.start();
      try {
        subscription = await bus.subscribe('status', group, handle);
      } catch (error) {
        await sender.stop();
        throw error;
      }
    },
    async stop() {
      const current = subscription;
      subscription = null;
      await current?.close();
      await sender.stop();
    },
    wake: () => {
      sender.wake();
    },
  };
}

function positive(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`alerter ${name} must be a positive integer, got ${value}`);
  }
  return value;
}
