import type { ChannelId } from '../../domain/ids.js';
import { newDeliveryId } from '../../domain/ids.js';
import type { StatusChanged } from '../../domain/events.js';
import { eventForTransition } from '../../domain/notification.js';
import type { NewDelivery, Store } from '../../ports/store.js';
import { statusChangePayload } from './notification-payload.js';

/**
 * Turns status changes into one pending delivery per channel of the monitor, due at `nowMs`.
 * Changes that send nothing (such as `pending` → `up`) and monitors without channels are skipped,
 * and so are channels deleted since. The store ignores a (channel, event key) pair it already has,
 * so a redelivered change makes no second delivery. Returns how many deliveries were new.
 */
export async function enqueueNotifications(
  changes: readonly StatusChanged[],
  store: Pick<Store, 'getChannels' | 'enqueueDeliveries'>,
  nowMs: number,
): Promise<number> {
  const notifying = changes.flatMap((change) => {
    const event = eventForTransition(change.previousStatus, change.status);
    return event === null || change.monitor.notificationChannelIds.length === 0
      ? []
      : [{ change, event }];
  });
  if (notifying.length === 0) return 0;

  const wanted = new Set<ChannelId>(
    notifying.flatMap(({ change }) => change.monitor.notificationChannelIds),
  );
  const channels = new Set<ChannelId>((await store.getChannels([...wanted])).map((c) => c.id));
  const createdAt = new Date(nowMs).toISOString();

  const deliveries: NewDelivery[] = [];
  for (const { change, event } of notifying) {
    const payload = statusChangePayload(change, event);
    for (const channelId of new Set(change.monitor.notificationChannelIds)) {
      if (!channels.has(channelId)) continue;
      deliveries.push({
        id: newDeliveryId(),
        channelId,
        eventKey: change.eventKey,
        event,
        monitorId: change.monitor.id,
        payload,
        createdAt,
        nextAttemptAt: nowMs,
      });
    }
  }
  return deliveries.length === 0 ? 0 : store.enqueueDeliveries(deliveries);
}
