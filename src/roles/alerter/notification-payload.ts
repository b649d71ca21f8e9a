import type { StatusChanged } from '../../domain/events.js';
import {
  testNotification,
  type NotificationEvent,
  type NotificationPayload,
} from '../../domain/notification.js';

/**
 * The webhook body of a status change, as the contract defines it. It depends only on the event,
 * so a redelivered `StatusChanged` yields the same bytes (and the same signature).
 */
export function statusChangePayload(change: StatusChanged, event: NotificationEvent): string {
  const payload: NotificationPayload = {
    event,
    at: change.at,
    monitor: { id: change.monitor.id, name: change.monitor.name, url: change.monitor.url },
    status: change.status,
    previousStatus: change.previousStatus,
    incident: change.incident,
    result: change.result,
  };
  return JSON.stringify(payload);
}

/** The body of the `test` event a channel's test route sends. */
export function testPayload(at: string): string {
  return JSON.stringify(testNotification(at));
}
