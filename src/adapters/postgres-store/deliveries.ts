import type { Pool } from 'pg';
import type { ChannelId, DeliveryId, MonitorId } from '../../domain/ids.js';
import type { Delivery, DeliveryState, NotificationEvent } from '../../domain/notification.js';
import type { AttemptOutcome, NewDelivery, Page, PageQuery } from '../../ports/store.js';
import { countOf, rowsOf } from './connection.js';
import { decodeCursor, pageLimit, toPage } from '../store-cursor.js';
import { knownShape } from './known-ids.js';
import { pgText } from './result-rows.js';

export interface DeliveryRepository {
  enqueue(deliveries: readonly NewDelivery[]): Promise<number>;
  claimDue(nowMs: number, limit: number, leaseMs: number): Promise<Delivery[]>;
  complete(id: DeliveryId, outcome: AttemptOutcome): Promise<void>;
  nextDueAt(): Promise<number | null>;
  list(channelId: ChannelId, query: PageQuery): Promise<Page<Delivery>>;
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
  readonly last_attempt_at: string | null;
  readonly delivered_at: string | null;
  readonly next_attempt_at: number | null;
  readonly created_at: string;
}

const COLUMNS = `id, channel_id, event_key, event, monitor_id, payload, state, attempts,
  last_error, last_attempt_at, delivered_at, next_attempt_at, created_at`;

/**
 * The live channels are locked (KEY SHARE) before the insert: a channel being deleted meanwhile
 * is waited for and then skipped, instead of failing the whole call on its foreign key.
 */
const INSERT = {
  name: 'uptime_deliveries_insert',
  text: `WITH live AS (
           SELECT id FROM channels WHERE id = ANY ($2::uuid[]) FOR KEY SHARE)
         INSERT INTO deliveries (id, channel_id, event_key, event, monitor_id, payload, state,
           attempts, next_attempt_at, created_at)
         SELECT d.id, d.channel_id, d.event_key, d.event, d.monitor_id, d.payload, 'pending', 0,
           d.next_attempt_at, d.created_at
         FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::uuid[], $6::text[],
           $7::bigint[], $8::timestamptz[])
           WITH ORDINALITY AS d (id, channel_id, event_key, event, monitor_id, payload,
             next_attempt_at, created_at, n)
         WHERE d.channel_id IN (SELECT id FROM live)
         ORDER BY d.n
         ON CONFLICT DO NOTHING`,
};

/**
 * Due rows are locked with SKIP LOCKED, so that alerters claiming at once each take different
 * deliveries and none waits for another; the lease then keeps them from being claimed again
 * until it ends or the attempt completes.
 */
const CLAIM = {
  name: 'uptime_deliveries_claim',
  text: `WITH due AS (
           SELECT id FROM deliveries
           WHERE state = 'pending' AND next_attempt_at <= $1
             AND (lease_until IS NULL OR lease_until <= $1)
           ORDER BY next_attempt_at, id LIMIT $2
           FOR UPDATE SKIP LOCKED)
         UPDATE deliveries d SET lease_until = $3 FROM due WHERE d.id = due.id
         RETURNING ${COLUMNS.split(',')
           .map((c) => `d.${c.trim()}`)
           .join(', ')}`,
};

const COMPLETE = {
  name: 'uptime_deliveries_complete',
  text: `UPDATE deliveries SET attempts = attempts + 1, state = $2, last_error = $3,
           last_attempt_at = $4, delivered_at = $5, next_attempt_at = $6, lease_until = NULL
         WHERE id = $1 AND state = 'pending'`,
};

/** A leased delivery is not due before its lease ends. */
const NEXT_DUE = {
  name: 'uptime_deliveries_next_due',
  text: `SELECT min(greatest(next_attempt_at, coalesce(lease_until, next_attempt_at))) AS at
         FROM deliveries WHERE state = 'pending'`,
};

const SELECT_FIRST_PAGE = {
  name: 'uptime_deliveries_first_page',
  text: `SELECT ${COLUMNS} FROM deliveries WHERE channel_id = $1 ORDER BY id DESC LIMIT $2`,
};
const SELECT_PAGE = {
  name: 'uptime_deliveries_page',
  text: `SELECT ${COLUMNS} FROM deliveries WHERE channel_id = $1 AND id < $3
         ORDER BY id DESC LIMIT $2`,
};

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
    lastAttemptAt: row.last_attempt_at,
    deliveredAt: row.delivered_at,
    nextAttemptAt: row.next_attempt_at,
    createdAt: row.created_at,
  };
}

const dueOrder = (a: DeliveryRow, b: DeliveryRow): number =>
  (a.next_attempt_at ?? 0) - (b.next_attempt_at ?? 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * The durable delivery log. A claim sets a lease (`lease_until`) rather than a state, so that
 * the claims of an alerter that crashed come due again when their lease runs out.
 */
export function createDeliveryRepository(pool: Pool): DeliveryRepository {
  return {
    enqueue: async (deliveries) => {
      const list = deliveries.filter((d) => knownShape([d.id, d.channelId]).length === 2);
      if (list.length === 0) return 0;
      return countOf(pool, INSERT, [
        list.map((d) => d.id),
        list.map((d) => d.channelId),
        list.map((d) => pgText(d.eventKey)),
        list.map((d) => d.event),
        list.map((d) => d.monitorId),
        list.map((d) => pgText(d.payload)),
        list.map((d) => d.nextAttemptAt),
        list.map((d) => d.createdAt),
      ]);
    },
    claimDue: async (nowMs, limit, leaseMs) => {
      const take = Math.max(0, Math.floor(limit));
      if (take === 0) return [];
      const rows = await rowsOf<DeliveryRow>(pool, CLAIM, [nowMs, take, nowMs + leaseMs]);
      return rows.sort(dueOrder).map(deliveryFromRow);
    },
    complete: async (id, outcome) => {
      if (knownShape([id]).length === 0) return;
      const fields = ((): [string, string | null, string | null, number | null] => {
        switch (outcome.kind) {
          case 'delivered':
            return ['delivered', null, outcome.at, null];
          case 'retry':
            return ['pending', pgText(outcome.error), null, outcome.nextAttemptAt];
          case 'failed':
            return ['failed', pgText(outcome.error), null, null];
        }
      })();
      const [state, error, deliveredAt, nextAttemptAt] = fields;
      await pool.query({
        ...COMPLETE,
        values: [id, state, error, outcome.at, deliveredAt, nextAttemptAt],
      });
    },
    nextDueAt: async () => {
      const [row] = await rowsOf<{ at: number | null }>(pool, NEXT_DUE);
      return row?.at ?? null;
    },
    list: async (channelId, query) => {
      const limit = pageLimit(query.limit);
      if (knownShape([channelId]).length === 0) return { items: [], nextCursor: null };
      const rows =
        query.cursor === undefined
          ? await rowsOf<DeliveryRow>(pool, SELECT_FIRST_PAGE, [channelId, limit + 1])
          : await rowsOf<DeliveryRow>(pool, SELECT_PAGE, [
              channelId,
              limit + 1,
              decodeCursor('delivery', query.cursor),
            ]);
      return toPage('delivery', rows.map(deliveryFromRow), limit, (d) => d.id);
    },
  };
}
