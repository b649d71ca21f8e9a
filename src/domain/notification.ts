import type { CheckResult } from './check.js';
import type { ChannelId, DeliveryId, MonitorId } from './ids.js';
import type { Incident } from './incident.js';
import type { MonitorStatus } from './status.js';

export type NotificationEvent = 'monitor.down' | 'monitor.up' | 'monitor.degraded' | 'test';

/**
 * The event a status change sends, or null when it sends nothing. Into `down` from anything:
 * `monitor.down`; from `down` or `degraded` into `up`, and from `down` into `degraded`:
 * `monitor.up`; from `up` or `pending` into `degraded`: `monitor.degraded`; the rest (such as
 * `pending` → `up`, pause and resume) send nothing.
 */
export function eventForTransition(
  from: MonitorStatus,
  to: MonitorStatus,
): NotificationEvent | null {
  if (from === to) return null;
  if (to === 'down') return 'monitor.down';
  if (to === 'up' && (from === 'down' || from === 'degraded')) return 'monitor.up';
  if (to === 'degraded' && from === 'down') return 'monitor.up';
  if (to === 'degraded' && (from === 'up' || from === 'pending')) return 'monitor.degraded';
  return null;
}

/** The JSON body of a webhook. */
export interface NotificationPayload {
  readonly event: NotificationEvent;
  readonly at: string;
  readonly monitor: { readonly id: MonitorId; readonly name: string; readonly url: string } | null;
  readonly status: MonitorStatus | null;
  readonly previousStatus: MonitorStatus | null;
  readonly incident: Incident | null;
  readonly result: CheckResult | null;
}

/** The body of a channel's `test` event: no monitor, status or incident. */
export function testNotification(at: string): NotificationPayload {
  return {
    event: 'test',
    at,
    monitor: null,
    status: null,
    previousStatus: null,
    incident: null,
    result: null,
  };
}

export type DeliveryState = 'pending' | 'delivered' | 'failed';

/** One notification to one channel, with its attempts: the durable delivery log. */
export interface Delivery {
  readonly id: DeliveryId;
  readonly channelId: ChannelId;
  /** Unique per channel: the same event reaching the alerter twice makes one delivery. */
  readonly eventKey: string;
  readonly event: NotificationEvent;
  readonly monitorId: MonitorId | null;
  /** The exact body sent (and signed) on every attempt. */
  readonly payload: string;
  readonly state: DeliveryState;
  readonly attempts: number;
  readonly lastError: string | null;
  readonly lastAttemptAt: string | null;
  readonly deliveredAt: string | null;
  /** Epoch ms of the next attempt; null once delivered or failed. */
  readonly nextAttemptAt: number | null;
  readonly createdAt: string;
}

/**
 * Delay before each retry, in ms: the first retry within 5 s, then backing off; eight attempts
 * over about nine minutes before a delivery is marked failed.
 */
export const RETRY_DELAYS_MS: readonly number[] = [
  2_000, 5_000, 15_000, 30_000, 60_000, 120_000, 300_000,
];

/** When to try again after `attempts` failed attempts, or null to give up. */
export function nextAttemptDelayMs(attempts: number): number | null {
  return RETRY_DELAYS_MS[attempts - 1] ?? null;
}
