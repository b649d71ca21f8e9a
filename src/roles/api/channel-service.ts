import {
  validateChannel,
  publicChannel,
  type Channel,
  type ChannelType,
  type PublicChannel,
} from '../../domain/channel.js';
import { isId, newChannelId, newDeliveryId, uuidv7, type ChannelId } from '../../domain/ids.js';
import { testNotification, type Delivery } from '../../domain/notification.js';
import type { Clock } from '../../ports/clock.js';
import type { Logger } from '../../ports/logger.js';
import type { NewDelivery, Page, Store } from '../../ports/store.js';
import { notFound, validationFailed } from './api-errors.js';
import { pageLimit, withCursor, type PageRequest } from './paging.js';

export interface ChannelDraft {
  readonly name: string;
  readonly type: ChannelType;
  readonly url: string;
  readonly secret?: string | null;
}

/** `secret: null` clears the secret; an absent field keeps what is stored. */
export interface ChannelPatch {
  readonly name?: string;
  readonly url?: string;
  readonly secret?: string | null;
}

/** One delivery as the API shows it: never the payload or the idempotency key. */
export type DeliveryView = Pick<
  Delivery,
  | 'id'
  | 'event'
  | 'monitorId'
  | 'state'
  | 'attempts'
  | 'lastError'
  | 'lastAttemptAt'
  | 'deliveredAt'
  | 'createdAt'
>;

export interface ChannelServiceDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Called after a delivery is enqueued, so that an alerter in this process wakes at once. */
  readonly onDeliveryEnqueued?: (() => void) | undefined;
}

/** Use cases on notification channels. Reads never carry the secret, only `hasSecret`. */
export interface ChannelService {
  create(draft: ChannelDraft): Promise<PublicChannel>;
  get(id: string): Promise<PublicChannel>;
  list(query: PageRequest): Promise<Page<PublicChannel>>;
  update(id: string, patch: ChannelPatch): Promise<PublicChannel>;
  delete(id: string): Promise<void>;
  /** Enqueues a `test` delivery to the channel; the alerter sends it. */
  test(id: string): Promise<DeliveryView>;
  deliveries(id: string, query: PageRequest): Promise<Page<DeliveryView>>;
}

export function createChannelService(deps: ChannelServiceDeps): ChannelService {
  const { store, clock, logger, onDeliveryEnqueued } = deps;
  const nowIso = (): string => new Date(clock.now()).toISOString();

  const load = async (id: string): Promise<Channel> => {
    const channel = isId(id) ? await store.getChannel(id as ChannelId) : undefined;
    if (channel === undefined) throw notFound('notification channel');
    return channel;
  };

  const wakeAlerter = (): void => {
    try {
      onDeliveryEnqueued?.();
    } catch (error) {
      // The delivery is durable; an alerter that was not woken finds it on its next poll.
      logger.warn({ err: error }, 'waking the alerter failed');
    }
  };

  return {
    async create(draft) {
      const at = nowIso();
      const channel: Channel = {
        id: newChannelId(),
        name: draft.name,
        type: draft.type,
        url: draft.url,
        secret: draft.secret ?? null,
        createdAt: at,
        updatedAt: at,
      };
      assertValid(channel);
      await store.createChannel(channel);
      return publicChannel(channel);
    },

    async get(id) {
      return publicChannel(await load(id));
    },

    async list(query) {
      const page = await withCursor(() =>
        store.listChannels({ limit: pageLimit(query.limit), cursor: query.cursor }),
      );
      return { items: page.items.map(publicChannel), nextCursor: page.nextCursor };
    },

    async update(id, patch) {
      const stored = await load(id);
      const next: Channel = {
        ...stored,
        ...(patch.name !== undefined ? { name: patch.name } : {}),
        ...(patch.url !== undefined ? { url: patch.url } : {}),
        ...(patch.secret !== undefined ? { secret: patch.secret } : {}),
        updatedAt: nowIso(),
      };
      assertValid(next);
      if (!(await store.updateChannel(next))) throw notFound('notification channel');
      return publicChannel(next);
    },

    async delete(id) {
      if (!isId(id) || !(await store.deleteChannel(id as ChannelId))) {
        throw notFound('notification channel');
      }
    },

    async test(id) {
      const channel = await load(id);
      const nowMs = clock.now();
      const at = new Date(nowMs).toISOString();
      const payload = testNotification(at);
      const delivery: NewDelivery = {
        id: newDeliveryId(),
        channelId: channel.id,
        // Every test is its own event, so repeated tests are each delivered.
        eventKey: uuidv7(nowMs),
        event: 'test',
        monitorId: null,
        payload: JSON.stringify(payload),
        createdAt: at,
        nextAttemptAt: nowMs,
      };
      await store.enqueueDeliveries([delivery]);
      wakeAlerter();
      return {
        id: delivery.id,
        event: 'test',
        monitorId: null,
        state: 'pending',
        attempts: 0,
        lastError: null,
        lastAttemptAt: null,
        deliveredAt: null,
        createdAt: at,
      };
    },

    async deliveries(id, query) {
      const channel = await load(id);
      const page = await withCursor(() =>
        store.listDeliveries(channel.id, { limit: pageLimit(query.limit), cursor: query.cursor }),
      );
      return { items: page.items.map(deliveryView), nextCursor: page.nextCursor };
    },
  };
}

function deliveryView(d: Delivery): DeliveryView {
  return {
    id: d.id,
    event: d.event,
    monitorId: d.monitorId,
    state: d.state,
    attempts: d.attempts,
    lastError: d.lastError,
    lastAttemptAt: d.lastAttemptAt,
    deliveredAt: d.deliveredAt,
    createdAt: d.createdAt,
  };
}

function assertValid(channel: Channel): void {
  const errors = validateChannel(channel);
  if (errors.length > 0) throw validationFailed(errors);
}
