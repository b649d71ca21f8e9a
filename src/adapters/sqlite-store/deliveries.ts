import type { ChannelId, DeliveryId, MonitorId } from '../../domain/ids.js';
import type { Delivery, DeliveryState, NotificationEvent } from '../../domain/notification.js';
import type { AttemptOutcome, NewDelivery, Page, PageQuery } from '../../ports/store.js';
import { decodeCursor, pageLimit, toPage } from '../store-cursor.js';
import { lazyStatement, type SqliteDatabase } from './database.js';
import { toIso, toIsoOrNull, toMs } from './instant.js';

export interface DeliveryRepository {
  enqueue(deliveries: readonly NewDelivery[]): number;
  claimDue(nowMs: number, limit: number, leaseMs: number): Delivery[];
  complete(id: DeliveryId, outcome: AttemptOutcome): void;
  nextDueAt(): number | null;
  list(channelId: ChannelId, query: PageQuery): Page<Delivery>;
}

interface DeliveryRow {
  readonly id: string;
  readonly channel_id: string;
  readonly event_key: string;
  readonly event: string;
  readonly monitor_id: string | null;
  readonly payload: string;
  readonly state: string;
  readonly attempts: number;
  readonly last_error: string | null;
  readonly last_attempt_at: number | null;
  readonly delivered_at: number | null;
  readonly next_attempt_at: number | null;
  readonly created_at: number;
}

const COLUMNS = `id, channel_id, event_key, event, monitor_id, payload, state, attempts, last_error,
  last_attempt_at, delivered_at, next_attempt_at, created_at`;

function deliveryFromRow(row: DeliveryRow): Delivery {
  return {
    id: row.id as DeliveryId,
    channelId: row.channel_id as ChannelId,
    eventKey: row.event_key,
    event: row.event as NotificationEvent,
    monitorId: row.monitor_id as MonitorId | null,
    payload: row.payload,
    state: row.state as DeliveryState,
    attempts: row.attempts,
    lastError: row.last_error,
    lastAttemptAt: toIsoOrNull(row.last_attempt_at),
    deliveredAt: toIsoOrNull(row.delivered_at),
    nextAttemptAt: row.next_attempt_at,
    createdAt: toIso(row.created_at),
  };
}

/**
 * The durable delivery log. A claimed delivery carries a lease (`lease_until`) instead of a state
 * change, so that a crashed alerter's claims come due again when the lease runs out.
 */
export function createDeliveryRepository(db: SqliteDatabase): DeliveryRepository {
  // Skips deliveries to a channel deleted meanwhile instead of failing the whole batch.
  const insert = lazyStatement<[Record<string, unknown>]>(
    db,
    `INSERT INTO deliveries (id, channel_id, event_key, event, monitor_id, payload, state, attempts,
       next_attempt_at, created_at)
     SELECT @id, @channelId, @eventKey, @event, @monitorId, @payload, 'pending', 0,
       @nextAttemptAt, @createdAt
     WHERE EXISTS (SELECT 1 FROM channels WHERE id = @channelId)
     ON CONFLICT (channel_id, event_key) DO NOTHING`,
  );
  const selectDue = lazyStatement<[number, number, number], DeliveryRow>(
    db,
    `SELECT ${COLUMNS} FROM deliveries
     WHERE state = 'pending' AND next_attempt_at <= ? AND (lease_until IS NULL OR lease_until <= ?)
     ORDER BY next_attempt_at, id LIMIT ?`,
  );
  const lease = lazyStatement<[number, string]>(
    db,
    'UPDATE deliveries SET lease_until = ? WHERE id IN (SELECT value FROM json_each(?))',
  );
  const complete = lazyStatement<[Record<string, unknown>]>(
    db,
    `UPDATE deliveries SET
       attempts = attempts + 1, state = @state, last_error = @error, last_attempt_at = @at,
       delivered_at = @deliveredAt, next_attempt_at = @nextAttemptAt, lease_until = NULL
     WHERE id = @id AND state = 'pending'`,
  );
  // A leased delivery is not due before its lease ends (see claimDue).
  const nextDue = lazyStatement<[], number | null>(
    db,
    `SELECT min(max(next_attempt_at, coalesce(lease_until, next_attempt_at)))
     FROM deliveries WHERE state = 'pending'`,
  );
  const selectPage = lazyStatement<[string, string, number], DeliveryRow>(
    db,
    `SELECT ${COLUMNS} FROM deliveries WHERE channel_id = ? AND id < ? ORDER BY id DESC LIMIT ?`,
  );

  const enqueue = db.transaction((deliveries: readonly NewDelivery[]): number => {
    const statement = insert();
    let added = 0;
    for (const d of deliveries) {
      added += statement.run({
        id: d.id,
        channelId: d.channelId,
        eventKey: d.eventKey,
        event: d.event,
        monitorId: d.monitorId,
        payload: d.payload,
        nextAttemptAt: d.nextAttemptAt,
        createdAt: toMs(d.createdAt),
      }).changes;
    }
    return added;
  });

  const claim = db.transaction((nowMs: number, limit: number, leaseMs: number): Delivery[] => {
    const rows = selectDue().all(nowMs, nowMs, limit);
    if (rows.length > 0) lease().run(nowMs + leaseMs, JSON.stringify(rows.map((r) => r.id)));
    return rows.map(deliveryFromRow);
  });

  return {
    enqueue: (deliveries) => (deliveries.length === 0 ? 0 : enqueue.immediate(deliveries)),
    claimDue: (nowMs, limit, leaseMs) =>
      claim.immediate(nowMs, Math.max(0, Math.floor(limit)), leaseMs),
    complete: (id, outcome) => {
      const at = toMs(outcome.at);
      switch (outcome.kind) {
        case 'delivered':
          complete().run({
            id,
            at,
            state: 'delivered',
            error: null,
            deliveredAt: at,
            nextAttemptAt: null,
          });
          return;
        case 'retry':
          complete().run({
            id,
            at,
            state: 'pending',
            error: outcome.error,
            deliveredAt: null,
            nextAttemptAt: outcome.nextAttemptAt,
          });
          return;
        case 'failed':
          complete().run({
            id,
            at,
            state: 'failed',
            error: outcome.error,
            deliveredAt: null,
            nextAttemptAt: null,
          });
          return;
      }
    },
    nextDueAt: () => nextDue().pluck().get() ?? null,
    list: (channelId, query) => {
      const limit = pageLimit(query.limit);
      // Every id sorts before '~', so no cursor starts from the newest.
      const before = query.cursor === undefined ? '~' : decodeCursor('delivery', query.cursor);
      const rows = selectPage().all(channelId, before, limit + 1);
      return toPage('delivery', rows.map(deliveryFromRow), limit, (d) => d.id);
    },
  };
}
