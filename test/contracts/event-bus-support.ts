import type { CheckRequest } from '../../src/domain/check.js';
import type { CheckId, MonitorId } from '../../src/domain/ids.js';
import type { BusMessage } from '../../src/ports/event-bus.js';

export interface EventBusContractOptions {
  /** Deadline for each awaited delivery; a broker with group rebalances may need more. */
  readonly timeoutMs?: number;
  /**
   * Deadline for a group's assignment to settle after a member joins or leaves (a broker waits
   * out its rebalance delays and session timeouts). Default 30 s.
   */
  readonly assignmentTimeoutMs?: number;
}

/** A check request whose `scheduledAt` carries a sequence number, keyed as given. */
export function message(key: string, sequence: number): BusMessage<CheckRequest> {
  return {
    key,
    value: {
      checkId: `check-${key}-${sequence}` as CheckId,
      monitorId: key as MonitorId,
      scheduledAt: sequence,
      intervalMs: 60_000,
      region: 'contract',
      probe: {
        url: 'https://example.com/health',
        method: 'GET',
        headers: { accept: 'application/json' },
        body: null,
        timeoutMs: 10_000,
        expectedStatus: ['200-399'],
        keyword: null,
        invertKeyword: false,
        maxLatencyMs: null,
        followRedirects: true,
        verifyTls: true,
      },
    },
  };
}

export const seq = (m: BusMessage<CheckRequest>): number => m.value.scheduledAt;
export const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/** Distinct sequence numbers, sorted: which messages arrived, whatever the duplicates. */
export function sequences(messages: readonly BusMessage<CheckRequest>[]): number[] {
  return [...new Set(messages.map(seq))].sort((a, b) => a - b);
}

/**
 * The order in which a key's messages were first seen. At-least-once delivery may repeat a
 * message (a redelivered batch), but never lets a later message overtake an earlier one.
 */
export function firstSeenOrder(
  messages: readonly BusMessage<CheckRequest>[],
  key: string,
): number[] {
  const order: number[] = [];
  const known = new Set<number>();
  for (const m of messages) {
    if (m.key !== key || known.has(seq(m))) continue;
    known.add(seq(m));
    order.push(seq(m));
  }
  return order;
}
