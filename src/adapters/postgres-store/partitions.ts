import { DatabaseError, type Pool } from 'pg';
import type { Logger } from '../../ports/logger.js';
import { rowsOf, type Queryable } from './connection.js';

/** The tables partitioned by day, each on its time column. */
export const PARTITIONED_TABLES = ['results', 'rollups_minute'] as const;
export type PartitionedTable = (typeof PARTITIONED_TABLES)[number];

export const DAY_MS = 86_400_000;
/** Days made ahead of today, so that midnight never waits for a partition. */
export const DAYS_AHEAD = 3;

/** Days since the epoch, UTC: a partition holds one of them. */
export const dayOf = (ms: number): number => Math.floor(ms / DAY_MS);

const ymd = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);

export function partitionName(table: PartitionedTable, day: number): string {
  return `${table}_p${ymd(day).replaceAll('-', '')}`;
}

const NAME = /_p(\d{4})(\d\d)(\d\d)$/;

function dayOfName(name: string): number | null {
  const m = NAME.exec(name);
  if (m === null) return null;
  return dayOf(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
}

export interface Partition {
  readonly table: PartitionedTable;
  readonly name: string;
  readonly day: number;
  /** Interrupted by a crash during a concurrent detach: finish it before dropping. */
  readonly detachPending: boolean;
}

/** A partition named by this module or not, and the day range it covers. */
const LIST_PARTITIONS = {
  name: 'uptime_list_partitions',
  text: `SELECT parent.relname AS parent, child.relname AS name, i.inhdetachpending AS pending
         FROM pg_inherits i
         JOIN pg_class child ON child.oid = i.inhrelid
         JOIN pg_class parent ON parent.oid = i.inhparent
         WHERE i.inhparent = ANY (ARRAY['results'::regclass, 'rollups_minute'::regclass])`,
};

export async function listPartitions(db: Queryable): Promise<Partition[]> {
  const rows = await rowsOf<{ parent: string; name: string; pending: boolean }>(
    db,
    LIST_PARTITIONS,
  );
  const partitions: Partition[] = [];
  for (const row of rows) {
    const day = dayOfName(row.name);
    const table = PARTITIONED_TABLES.find((t) => t === row.parent);
    if (day === null || table === undefined) continue;
    partitions.push({ table, name: row.name, day, detachPending: row.pending });
  }
  return partitions;
}

/** Another process made the same partition at the same moment: it exists, which is the point. */
const ALREADY_THERE = new Set(['42P07', '23505', '42P17']);

async function createPartition(db: Queryable, table: PartitionedTable, day: number): Promise<void> {
  const from = new Date(day * DAY_MS).toISOString();
  const to = new Date((day + 1) * DAY_MS).toISOString();
  try {
    await db.query({
      text: `CREATE TABLE IF NOT EXISTS ${partitionName(table, day)} PARTITION OF ${table}
             FOR VALUES FROM ('${from}') TO ('${to}')`,
    });
  } catch (error) {
    if (!(error instanceof DatabaseError && ALREADY_THERE.has(error.code ?? ''))) throw error;
  }
}

/**
 * Knows which days have their partitions, so that a batch checks a set instead of the catalog.
 * A day is created on demand, in its own short transaction before the batch's (making a partition
 * takes a brief exclusive lock on the parent table; it never waits inside a batch).
 */
export interface DayPartitions {
  /** Makes sure every day given has a partition in each partitioned table. */
  ensure(pool: Pool, days: Iterable<number>): Promise<void>;
  /** Forgets what is known: another process may have dropped partitions. */
  forget(): void;
}

export function createDayPartitions(logger: Logger): DayPartitions {
  let known: Set<number> | undefined;
  const making = new Map<number, Promise<void>>();

  const load = async (db: Queryable): Promise<Set<number>> => {
    const perDay = new Map<number, number>();
    for (const p of await listPartitions(db)) {
      if (!p.detachPending) perDay.set(p.day, (perDay.get(p.day) ?? 0) + 1);
    }
    return new Set(
      [...perDay].filter(([, n]) => n === PARTITIONED_TABLES.length).map(([day]) => day),
    );
  };

  const make = (pool: Pool, day: number): Promise<void> => {
    let pending = making.get(day);
    if (pending === undefined) {
      pending = (async () => {
        for (const table of PARTITIONED_TABLES) await createPartition(pool, table, day);
        known?.add(day);
        logger.debug({ day: ymd(day) }, 'made the day partitions');
      })().finally(() => making.delete(day));
      making.set(day, pending);
    }
    return pending;
  };

  return {
    ensure: async (pool, days) => {
      known ??= await load(pool);
      const have = known;
      const missing = [...new Set(days)].filter((d) => !have.has(d));
      for (const day of missing) await make(pool, day);
    },
    forget: () => {
      known = undefined;
    },
  };
}

/** Today, yesterday (late results) and the days ahead, around `nowMs`. */
export function daysAround(nowMs: number): number[] {
  const today = dayOf(nowMs);
  return Array.from({ length: DAYS_AHEAD + 2 }, (_, i) => today - 1 + i);
}
