import type { Channel } from '../../src/domain/channel.js';
import type { CheckResult } from '../../src/domain/check.js';
import {
  newChannelId,
  newCheckId,
  newDeliveryId,
  newMonitorId,
  uuidv7,
  type ChannelId,
  type CheckId,
  type DeliveryId,
  type MonitorId,
} from '../../src/domain/ids.js';
import { withDefaults, type Monitor } from '../../src/domain/monitor.js';
import type { NewDelivery } from '../../src/ports/store.js';

/**
 * Builders of valid domain objects for tests: every field has a plausible default and any of them
 * can be overridden. Times are ISO strings as the service makes them (`toISOString()`).
 */

export const iso = (ms: number): string => new Date(ms).toISOString();

/** Ids of each kind, ordered by `atMs` (UUIDv7): for tests that need a known creation order. */
export const monitorIdAt = (atMs: number): MonitorId => uuidv7(atMs) as MonitorId;
export const channelIdAt = (atMs: number): ChannelId => uuidv7(atMs) as ChannelId;
export const checkIdAt = (atMs: number): CheckId => uuidv7(atMs) as CheckId;
export const deliveryIdAt = (atMs: number): DeliveryId => uuidv7(atMs) as DeliveryId;

export function makeMonitor(overrides: Partial<Monitor> = {}): Monitor {
  const at = iso(Date.now());
  return {
    ...withDefaults({ name: 'Example', url: 'https://example.com/' }),
    id: newMonitorId(),
    createdAt: at,
    updatedAt: at,
    ...overrides,
  };
}

/** A monitor where no setting has its default value, for round trips. */
export function makeFullMonitor(overrides: Partial<Monitor> = {}): Monitor {
  return makeMonitor({
    name: 'Checkout API — EU',
    url: 'https://shop.example.com/api/health?deep=1',
    method: 'POST',
    headers: { 'X-Api-Key': 'k-123', Accept: 'application/json' },
    body: '{"probe":true}',
    intervalSeconds: 30,
    timeoutSeconds: 2.5,
    expectedStatus: ['200', '300-308'],
    keyword: 'ok',
    invertKeyword: true,
    maxLatencyMs: 750,
    retries: 3,
    retryIntervalSeconds: 10,
    followRedirects: false,
    verifyTls: false,
    paused: false,
    notificationChannelIds: [newChannelId(), newChannelId()],
    tags: ['prod', 'eu-west', 'checkout'],
    ...overrides,
  });
}

export function makeResult(
  monitorId: MonitorId,
  overrides: Partial<CheckResult> = {},
): CheckResult {
  const status = overrides.status ?? 'up';
  const latencyMs = overrides.latencyMs ?? 42;
  return {
    id: newCheckId(),
    monitorId,
    checkedAt: iso(Date.now()),
    status,
    latencyMs,
    httpStatus: status === 'down' ? 503 : 200,
    error: status === 'down' ? 'status 503 not in 200-399' : null,
    failureKind: status === 'down' ? 'status' : null,
    region: 'default',
    timings: { dnsMs: 1.5, connectMs: 3, tlsMs: 8.25, ttfbMs: 30, totalMs: latencyMs },
    tls: { validTo: '2027-03-01T12:00:00.000Z', daysLeft: 90, issuer: "Let's Encrypt R11" },
    ...overrides,
  };
}

export function makeChannel(overrides: Partial<Channel> = {}): Channel {
  const at = iso(Date.now());
  return {
    id: newChannelId(),
    name: 'Ops webhook',
    type: 'webhook',
    url: 'https://hooks.example.com/uptime',
    secret: null,
    createdAt: at,
    updatedAt: at,
    ...overrides,
  };
}

export function makeDelivery(
  channelId: ChannelId,
  overrides: Partial<NewDelivery> = {},
): NewDelivery {
  const now = Date.now();
  const id = overrides.id ?? newDeliveryId();
  return {
    id,
    channelId,
    eventKey: `check-${id}`,
    event: 'monitor.down',
    monitorId: null,
    payload: '{"event":"monitor.down"}',
    createdAt: iso(now),
    nextAttemptAt: now,
    ...overrides,
  };
}
