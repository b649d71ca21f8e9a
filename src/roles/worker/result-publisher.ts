import type { CheckResult } from '../../domain/check.js';
import type { Clock } from '../../ports/clock.js';
import type { EventBus } from '../../ports/event-bus.js';
import type { Logger } from '../../ports/logger.js';

export interface ResultPublisher {
  add(result: CheckResult): void;
  /**
   * Publishes everything added so far and resolves; after `flushAttempts` failed attempts in a
   * row it gives up, logs what is lost, and resolves. Later `add`s are refused.
   */
  close(): Promise<void>;
}

export interface ResultPublisherOptions {
  readonly maxBatchSize?: number;
  /** Results held while the bus refuses them; past this the oldest are dropped. */
  readonly maxPending?: number;
  readonly flushAttempts?: number;
}

const DEFAULTS = { maxBatchSize: 500, maxPending: 100_000, flushAttempts: 3 } as const;
const RETRY_MS = { first: 200, max: 5_000 } as const;

/**
 * Publishes results on `results` (key: monitor id) in batches, one publish at a time so that the
 * results of a monitor stay in order. Batches form by themselves: results that finish in the
 * same turn of the event loop, or while a publish is under way, go out together, so a result is
 * never held back on purpose. A publish that fails is retried with backoff.
 */
export function createResultPublisher(
  deps: { readonly bus: EventBus; readonly clock: Clock; readonly logger: Logger },
  options: ResultPublisherOptions = {},
): ResultPublisher {
  const { bus, clock, logger } = deps;
  const maxBatchSize = options.maxBatchSize ?? DEFAULTS.maxBatchSize;
  const maxPending = options.maxPending ?? DEFAULTS.maxPending;
  const flushAttempts = options.flushAttempts ?? DEFAULTS.flushAttempts;
  let pending: CheckResult[] = [];
  let loop: Promise<void> | null = null;
  let armed = false;
  let closing = false;
  let closed = false;

  const wait = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      clock.setTimer(resolve, ms);
    });

  async function publishAll(): Promise<void> {
    let failures = 0;
    while (pending.length > 0) {
      const batch = pending.splice(0, maxBatchSize);
      try {
        await bus.publish(
          'results',
          batch.map((result) => ({ key: result.monitorId, value: result })),
        );
        failures = 0;
      } catch (error) {
        // Back in front of what came meanwhile, so that each monitor's results keep their order.
        pending = batch.concat(pending);
        trim();
        failures += 1;
        if (closing && failures >= flushAttempts) {
          logger.error(
            { err: error, lost: pending.length },
            `could not publish ${pending.length} check results before stopping; they are lost`,
          );
          pending = [];
          return;
        }
        logger.warn(
          { err: error, pending: pending.length, attempt: failures },
          'publishing check results failed; retrying',
        );
        await wait(Math.min(RETRY_MS.max, RETRY_MS.first * 2 ** (failures - 1)));
      }
    }
  }

  function trim(): void {
    if (pending.length <= maxPending) return;
    const dropped = pending.length - maxPending;
    pending = pending.slice(dropped);
    logger.error({ dropped }, 'too many unpublished check results; dropped the oldest');
  }

  function start(): void {
    armed = false;
    loop ??= publishAll().finally(() => {
      loop = null;
      if (pending.length > 0 && !closed) start();
    });
  }

  return {
    add(result) {
      if (closed) {
        logger.warn(
          { checkId: result.id },
          'a check result arrived after the worker stopped; not published',
        );
        return;
      }
      pending.push(result);
      trim();
      if (loop !== null || armed) return;
      armed = true;
      setImmediate(start);
    },

    async close() {
      closing = true;
      if (loop === null && pending.length > 0) start();
      while (loop !== null) await loop;
      closed = true;
    },
  };
}
