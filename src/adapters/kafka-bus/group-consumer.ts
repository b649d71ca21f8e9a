import {
  Consumer,
  FetchIsolationLevels,
  kGetApi,
  type API,
  type Callback,
  type CallbackWithPromise,
  type Connection,
  type GroupOptions,
} from '@platformatic/kafka';
import type { Logger } from '../../ports/logger.js';
import { describeError } from './errors.js';
import { TUNING, type ResolvedOptions } from './options.js';
import { withTimeout } from './timing.js';

/**
 * Runs before every JoinGroup request this member sends; resolves true to let it go, false to
 * abort it (the subscription is closing).
 */
export type JoinGate = () => Promise<boolean>;

/**
 * The client library's group member (classic protocol, eager rebalancing), with the one hook it
 * lacks: a rebalance listener. The library rejoins on its own when a heartbeat reports a
 * rebalance, and would send JoinGroup while handler calls on the old partitions still run; the
 * new owner of a partition could then handle a key while the old owner still does. Here every
 * JoinGroup first waits for the gate, which stops the current partitions (their running handler
 * calls finish, what they handled is committed), as Kafka's own consumer does in
 * onPartitionsRevoked. The group's join phase waits for this member, so no other member gets a
 * partition before its previous owner let go of it.
 *
 * The library also rejoins from inside a failed commit. That path is refused: a commit running
 * inside the gate would otherwise wait for the join that waits for the gate. The heartbeat (or
 * the subscription's watchdog) rejoins through the gate instead.
 */
export class GroupConsumer extends Consumer {
  private gate: JoinGate = () => Promise.resolve(true);

  setJoinGate(gate: JoinGate): void {
    this.gate = gate;
  }

  /** Joins the group, or rejoins it after the library gave up rejoining on its own. */
  join(options: GroupOptions): Promise<string> {
    return super.joinGroup(options);
  }

  override joinGroup(options: GroupOptions, callback: CallbackWithPromise<string>): void;
  override joinGroup(options?: GroupOptions): Promise<string>;
  override joinGroup(
    _options?: GroupOptions,
    callback?: CallbackWithPromise<string>,
  ): void | Promise<string> {
    const refused = new Error('rejoining is left to the heartbeat, which revokes partitions first');
    if (callback === undefined) return Promise.reject(refused);
    process.nextTick(() => {
      callback(refused);
    });
  }

  override [kGetApi]<RequestArguments extends unknown[], ResponseType>(
    name: string,
    callback: Callback<API<RequestArguments, ResponseType>>,
  ): void {
    if (name !== 'JoinGroup') {
      super[kGetApi](name, callback);
      return;
    }
    super[kGetApi]<RequestArguments, ResponseType>(name, (error, api) => {
      if (error !== null || api === undefined) {
        callback(error);
        return;
      }
      callback(null, this.gated(api));
    });
  }

  private gated<RequestArguments extends unknown[], ResponseType>(
    api: API<RequestArguments, ResponseType>,
  ): API<RequestArguments, ResponseType> {
    const send = api as unknown as (connection: Connection, ...args: unknown[]) => void;
    const gated = (connection: Connection, ...args: unknown[]): void => {
      void this.gate()
        .catch(() => true)
        .then((proceed) => {
          if (proceed) {
            send(connection, ...args);
            return;
          }
          const done = args.at(-1);
          if (typeof done === 'function') {
            (done as (error: Error) => void)(new Error('the subscription is closing'));
          }
        });
    };
    return Object.assign(gated, { async: api.async, key: api.key, version: api.version });
  }
}

/** A member of `groupId`, set up as the bus needs it: no autocommit, classic protocol. */
export function createGroupConsumer(
  options: ResolvedOptions,
  groupId: string,
  groupOptions: GroupOptions,
): GroupConsumer {
  return new GroupConsumer({
    clientId: `${options.clientId}-consumer`,
    bootstrapBrokers: [...options.brokers],
    groupId,
    ...groupOptions,
    connectTimeout: 3_000,
    // A JoinGroup request waits at the broker for the whole group, up to the rebalance timeout.
    requestTimeout: options.rebalanceTimeoutMs + TUNING.requestTimeoutMs,
    autocommit: false,
    isolationLevel: FetchIsolationLevels.READ_COMMITTED,
    retries: TUNING.retries,
    retryDelay: TUNING.retryDelayMs,
  });
}

/** Leaves the group (so that the others rebalance at once) and closes, within bounded time. */
export async function closeGroupConsumer(consumer: GroupConsumer, logger: Logger): Promise<void> {
  consumer.setJoinGate(() => Promise.resolve(false));
  try {
    const left = new Promise<void>((resolve, reject) => {
      consumer.leaveGroup(false, (error) => {
        if (error === null) resolve();
        else reject(error);
      });
    });
    await withTimeout(left, TUNING.leaveTimeoutMs, 'leaving the group');
  } catch (error) {
    logger.debug({ err: describeError(error) }, 'kafka bus: leaving the group');
  }
  try {
    await withTimeout(consumer.close(), TUNING.leaveTimeoutMs, 'closing the consumer');
  } catch (error) {
    logger.debug({ err: describeError(error) }, 'kafka bus: closing the consumer');
    await consumer.connections.close().catch(() => undefined);
  }
}
