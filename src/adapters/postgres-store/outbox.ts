import type { Pool } from 'pg';
import type { MonitorChanged } from '../../domain/events.js';
import type { OutboxEntry } from '../../ports/store.js';
import { rowsOf } from './connection.js';
import { arrayLiteral } from './sql-arrays.js';

/**
 * The outbox of `monitor.changed`. Each monitor write inserts its change in the same statement or
 * transaction, after it has written (and so locked) the monitor's row: two changes of one monitor
 * get their sequence numbers in commit order. Changes of different monitors may commit out of
 * sequence order; a publisher reads whatever is pending and acknowledges by number, so a late
 * commit is simply picked up by its next read.
 */
export interface Outbox {
  pending(limit: number): Promise<OutboxEntry[]>;
  acknowledge(seqs: readonly number[]): Promise<void>;
}

export const changeJson = (change: MonitorChanged): string => JSON.stringify(change);

const SELECT = {
  name: 'uptime_outbox_pending',
  text: 'SELECT seq, change FROM monitor_outbox ORDER BY seq LIMIT $1',
};

const DELETE = {
  name: 'uptime_outbox_acknowledge',
  text: 'DELETE FROM monitor_outbox WHERE seq = ANY ($1::bigint[])',
};

export function createOutbox(pool: Pool): Outbox {
  return {
    pending: async (limit) => {
      const take = Math.max(0, Math.floor(limit));
      if (take === 0) return [];
      const rows = await rowsOf<{ seq: number; change: MonitorChanged }>(pool, SELECT, [take]);
      return rows.map((r) => ({ seq: r.seq, change: r.change }));
    },
    acknowledge: async (seqs) => {
      const known = seqs.filter((s) => Number.isSafeInteger(s));
      if (known.length === 0) return;
      await pool.query({ ...DELETE, values: [arrayLiteral(known)] });
    },
  };
}
