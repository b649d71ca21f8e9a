import type { Channel, ChannelType } from '../../domain/channel.js';
import type { ChannelId } from '../../domain/ids.js';
import { nextAttemptDelayMs, type Delivery } from '../../domain/notification.js';
import type { Clock } from '../../ports/clock.js';
import type { Logger } from '../../ports/logger.js';
import type { Metrics } from '../../ports/metrics.js';
import type { Notifier, SendOutcome } from '../../ports/notifier.js';
import type { AttemptOutcome, Store } from '../../ports/store.js';

export interface DeliverySenderDeps {
  readonly store: Store;
  readonly notifiers: Readonly<Record<ChannelType, Notifier>>;
  readonly clock: Clock;
  readonly metrics: Metrics;
  readonly logger: Logger;
}

export interface DeliverySenderOptions {
  /** Longest sleep between looks at the store, whatever the store says is due next. */
  readonly pollIntervalMs: number;
  /** How long a claimed delivery stays reserved; longer than a notifier's timeout. */
  readonly leaseMs: number;
  /** Sends in flight at most. */
  readonly concurrency: number;
  /** Delay before each retry; absent: the domain's `RETRY_DELAYS_MS`. */
  readonly retryDelaysMs?: readonly number[] | undefined;
}

export interface DeliverySender {
  /** Starts the loop; it first takes whatever is due, including deliveries of a previous run. */
  start(): void;
  /** Looks at the store now instead of at the next planned time. */
  wake(): void;
  /** Stops claiming, then resolves once every send in flight has been recorded. */
  stop(): Promise<void>;
}

/**
 * Sends due deliveries from the store's delivery log and records each attempt: delivered, retry
 * after a backoff, or failed once no retry remains. Every claimed delivery is leased, so several
 * alerters can share one store; a delivery whose alerter died is taken again when its lease ends.
 */
export function createDeliverySender(
  deps: DeliverySenderDeps,
  options: DeliverySenderOptions,
): DeliverySender {
  const { store, notifiers, clock, metrics, logger: log } = deps;
  const { pollIntervalMs, leaseMs, concurrency } = options;
  const delays = options.retryDelaysMs;
  const retryDelayMs =
    delays === undefined ? nextAttemptDelayMs : (attempts: number) => delays[attempts - 1] ?? null;

  const inFlight = new Set<Promise<void>>();
  let loop: Promise<void> | null = null;
  let stopping = false;
  let woken = false;
  let interruptSleep: (() => void) | null = null;

  function wake(): void {
    woken = true;
    interruptSleep?.();
  }

  function sleep(ms: number): Promise<void> {
    if (woken || stopping) return Promise.resolve();
    return new Promise((resolve) => {
      let cancel: (() => void) | null = null;
      const done = (): void => {
        cancel?.();
        interruptSleep = null;
        resolve();
      };
      interruptSleep = done;
      cancel = clock.setTimer(done, ms);
    });
  }

  async function run(): Promise<void> {
    while (!stopping) {
      woken = false;
      let waitMs: number;
      try {
        waitMs = await step();
      } catch (error) {
        log.error({ err: error }, 'delivery loop failed; retrying');
        waitMs = pollIntervalMs;
      }
      if (waitMs > 0) await sleep(waitMs);
    }
  }

  /** Claims and starts what is due; returns how long to wait before the next look. */
  async function step(): Promise<number> {
    const free = concurrency - inFlight.size;
    // Every finished send wakes the loop, so a full pool just waits for one.
    if (free <= 0) return pollIntervalMs;
    const claimedAt = clock.now();
    const claimed = await store.claimDueDeliveries(claimedAt, free, leaseMs);
    if (claimed.length > 0) {
      const channels = await channelsOf(claimed);
      for (const delivery of claimed) track(attempt(delivery, channels.get(delivery.channelId)));
      return 0;
    }
    const nextDueAt = await store.nextDeliveryDueAt();
    // Due at claim time yet not claimed: leased (in flight here or elsewhere); look again later.
    if (nextDueAt === null || nextDueAt <= claimedAt) return pollIntervalMs;
    return Math.min(pollIntervalMs, Math.max(0, nextDueAt - clock.now()));
  }

  async function channelsOf(deliveries: readonly Delivery[]): Promise<Map<ChannelId, Channel>> {
    const ids = [...new Set(deliveries.map((d) => d.channelId))];
    return new Map((await store.getChannels(ids)).map((c) => [c.id, c]));
  }

  function track(send: Promise<void>): void {
    const tracked: Promise<void> = send
      .catch((error: unknown) => {
        log.error({ err: error }, 'delivery attempt failed unexpectedly');
      })
      .finally(() => {
        inFlight.delete(tracked);
        wake();
      });
    inFlight.add(tracked);
  }

  async function attempt(delivery: Delivery, channel: Channel | undefined): Promise<void> {
    const sent = await send(delivery, channel);
    const nowMs = clock.now();
    const at = new Date(nowMs).toISOString();
    const attempts = delivery.attempts + 1;
    const retryInMs = sent.ok || sent.permanent === true ? null : retryDelayMs(attempts);
    const outcome: AttemptOutcome = sent.ok
      ? { kind: 'delivered', at }
      : retryInMs === null
        ? { kind: 'failed', at, error: sent.error }
        : { kind: 'retry', at, error: sent.error, nextAttemptAt: nowMs + retryInMs };
    await store.completeAttempt(delivery.id, outcome);
    metrics.notificationAttempt(outcome.kind);

    const fields = {
      deliveryId: delivery.id,
      channelId: delivery.channelId,
      event: delivery.event,
      monitorId: delivery.monitorId,
      attempts,
    };
    switch (outcome.kind) {
      case 'delivered':
        log.debug(fields, 'notification delivered');
        break;
      case 'retry':
        log.info({ ...fields, error: outcome.error, retryInMs }, 'notification failed; will retry');
        break;
      case 'failed':
        log.warn({ ...fields, error: outcome.error }, 'notification failed; giving up');
        break;
    }
  }

  /** A permanent failure is not retried: no later attempt could succeed. */
  async function send(
    delivery: Delivery,
    channel: Channel | undefined,
  ): Promise<SendOutcome & { readonly permanent?: true }> {
    if (channel === undefined) {
      return { ok: false, error: 'channel deleted before delivery', permanent: true };
    }
    const notifier = notifiers[channel.type] as Notifier | undefined;
    if (notifier === undefined) {
      return {
        ok: false,
        error: `no notifier for channel type "${channel.type}"`,
        permanent: true,
      };
    }
    try {
      return await notifier.send(channel, delivery.event, delivery.payload);
    } catch (error) {
      // The port says failures are outcomes; a rejection is still treated as one.
      return { ok: false, error: error instanceof Error ? error.message : String(error) };
    }
  }

  return {
    start() {
      if (loop !== null) return;
      stopping = false;
      loop = run();
    },
    wake,
    async stop() {
      stopping = true;
      interruptSleep?.();
      await loop;
      loop = null;
      await Promise.all([...inFlight]);
    },
  };
}
