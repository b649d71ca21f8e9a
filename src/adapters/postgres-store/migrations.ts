import type { Pool } from 'pg';
import { StoreError } from '../../ports/store.js';
import { withClient } from './connection.js';
import { LOCK_PURPOSE, advisoryKey } from './advisory-locks.js';

/** One schema step. Numbered from 1, never edited once released, never reverted. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  /** The statements, given the schema's quoted name for the few references that must name it. */
  readonly sql: (schema: string) => string;
}

/**
 * Monitors refer to everything the recorder writes per result (results, roll-ups, state) by an
 * integer `seq`, never reused, rather than by their uuid: smaller rows and index keys on the hot
 * path. Settings are one `json` document (kept as written: key order and every string as given),
 * with a `revision` bumped on every write so that the recorder keeps parsed monitors between
 * batches; tags are also rows of `monitor_tags` so that the tag filter walks an index in id order.
 *
 * Results are partitioned by day on `checked_at` (partitions are made by partitions.ts, not
 * here). A key on a partitioned table must contain the partition key, so results are unique on
 * (monitor_seq, checked_at, id): a redelivered result is the same message, with the same monitor
 * and check time, so it meets its first copy in the same partition and is refused there. The same
 * index serves a monitor's history newest first, so results carry one index, not two.
 *
 * Roll-ups are one table per level; minutes, as many rows as results at a 60 s interval, are
 * partitioned by day like results and dropped whole by retention. A histogram is an int[] of
 * (code, count) pairs, code = -(bucket + 1) of src/domain/latency-histogram.ts, in no particular
 * order: codes are negative and counts positive, so `array_position` finds a bucket without
 * mistaking a count for it. `uptime_histogram_add` merges two in SQL inside the upsert: the
 * common case (one bucket added) is an inlined expression of built-ins, the rest a short loop.
 *
 * Results and roll-ups have no foreign keys: a per-row check would cost more than the insert.
 * Deleting a monitor deletes them explicitly, under a lock that waits for batches in flight.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: (schema) => `
      CREATE TABLE monitors (
        seq integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        id uuid NOT NULL UNIQUE,
        revision integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        settings json NOT NULL
      );

      CREATE TABLE monitor_tags (
        tag text NOT NULL,
        monitor_id uuid NOT NULL REFERENCES monitors (id) ON DELETE CASCADE,
        PRIMARY KEY (tag, monitor_id)
      );
      CREATE INDEX monitor_tags_monitor ON monitor_tags (monitor_id);

      -- Rewritten by every batch: room on each page keeps the updates HOT.
      CREATE TABLE monitor_state (
        monitor_seq integer PRIMARY KEY REFERENCES monitors (seq) ON DELETE CASCADE,
        status text NOT NULL CHECK (status IN ('pending', 'up', 'degraded', 'down', 'paused')),
        since timestamptz NOT NULL,
        consecutive_failures integer NOT NULL,
        last_check_id uuid,
        last_checked_at timestamptz,
        open_incident_id uuid,
        last_transition json
      ) WITH (fillfactor = 50);

      CREATE TABLE results (
        monitor_seq integer NOT NULL,
        checked_at timestamptz NOT NULL,
        id uuid NOT NULL,
        status text NOT NULL,
        latency_ms double precision NOT NULL,
        http_status integer,
        error text,
        failure_kind text,
        region text NOT NULL,
        dns_ms double precision,
        connect_ms double precision,
        tls_ms double precision,
        ttfb_ms double precision,
        total_ms double precision NOT NULL,
        tls_valid_to text,
        tls_days_left double precision,
        tls_issuer text,
        PRIMARY KEY (monitor_seq, checked_at, id)
      ) PARTITION BY RANGE (checked_at);

      CREATE TABLE rollups_minute (
        monitor_seq integer NOT NULL,
        bucket_start timestamptz NOT NULL,
        checks integer NOT NULL,
        failures integer NOT NULL,
        latency_sum double precision NOT NULL,
        histogram integer[] NOT NULL,
        PRIMARY KEY (monitor_seq, bucket_start)
      ) PARTITION BY RANGE (bucket_start);

      CREATE TABLE rollups_hour (
        monitor_seq integer NOT NULL,
        bucket_start timestamptz NOT NULL,
        checks integer NOT NULL,
        failures integer NOT NULL,
        latency_sum double precision NOT NULL,
        histogram integer[] NOT NULL,
        PRIMARY KEY (monitor_seq, bucket_start)
      ) WITH (fillfactor = 70);
      CREATE INDEX rollups_hour_time ON rollups_hour (bucket_start);

      CREATE TABLE rollups_day (
        monitor_seq integer NOT NULL,
        bucket_start timestamptz NOT NULL,
        checks integer NOT NULL,
        failures integer NOT NULL,
        latency_sum double precision NOT NULL,
        histogram integer[] NOT NULL,
        PRIMARY KEY (monitor_seq, bucket_start)
      ) WITH (fillfactor = 70);
      CREATE INDEX rollups_day_time ON rollups_day (bucket_start);

      CREATE FUNCTION uptime_histogram_add_any(a integer[], b integer[]) RETURNS integer[]
      LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $fn$
      DECLARE
        p integer;
      BEGIN
        IF a IS NULL THEN RETURN b; END IF;
        FOR i IN 1 .. coalesce(cardinality(b), 0) - 1 BY 2 LOOP
          p := array_position(a, b[i]);
          IF p IS NULL THEN
            a := a || b[i] || b[i + 1];
          ELSE
            a[p + 1] := a[p + 1] + b[i + 1];
          END IF;
        END LOOP;
        RETURN a;
      END
      $fn$;

      -- Not STRICT, and one expression: the planner inlines it into the upsert. The loop is named
      -- with its schema, so that the expression resolves whatever the caller's search path.
      CREATE FUNCTION uptime_histogram_add(a integer[], b integer[]) RETURNS integer[]
      LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
        SELECT CASE
          WHEN cardinality(b) = 0 THEN a
          WHEN cardinality(b) <> 2 THEN ${schema}.uptime_histogram_add_any(a, b)
          WHEN array_position(a, b[1]) IS NULL THEN a || b
          ELSE a[:array_position(a, b[1])]
            || (a[array_position(a, b[1]) + 1] + b[2])
            || a[array_position(a, b[1]) + 2:]
        END
      $fn$;

      CREATE TABLE incidents (
        id uuid PRIMARY KEY,
        monitor_id uuid NOT NULL REFERENCES monitors (id) ON DELETE CASCADE,
        state text NOT NULL CHECK (state IN ('open', 'resolved')),
        started_at timestamptz NOT NULL,
        resolved_at timestamptz,
        cause text
      );
      CREATE INDEX incidents_monitor ON incidents (monitor_id, id);
      CREATE INDEX incidents_state ON incidents (state, id);

      CREATE TABLE channels (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        type text NOT NULL,
        url text NOT NULL,
        secret text,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      );

      -- Instants the alerter computes with (next attempt, lease) are epoch milliseconds.
      CREATE TABLE deliveries (
        id uuid PRIMARY KEY,
        channel_id uuid NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
        event_key text NOT NULL,
        event text NOT NULL,
        monitor_id uuid,
        payload text NOT NULL,
        state text NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
        attempts integer NOT NULL,
        last_error text,
        last_attempt_at timestamptz,
        delivered_at timestamptz,
        next_attempt_at bigint,
        lease_until bigint,
        created_at timestamptz NOT NULL,
        UNIQUE (channel_id, event_key)
      );
      CREATE INDEX deliveries_channel ON deliveries (channel_id, id);
      CREATE INDEX deliveries_due ON deliveries (next_attempt_at, id) WHERE state = 'pending';

      -- monitor.changed, written with each monitor write, removed once published.
      CREATE TABLE monitor_outbox (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        change json NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'status pages',
    // A page's monitors are rows: deleting a monitor takes it off every page by cascade, and
    // "is this monitor on a page" is an index probe. The slug constraint is named because a
    // violation of it is told apart (status-pages.ts).
    sql: () => `
      CREATE TABLE status_pages (
        id uuid PRIMARY KEY,
        slug text NOT NULL,
        title text NOT NULL,
        description text,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        CONSTRAINT status_pages_slug_key UNIQUE (slug)
      );

      CREATE TABLE status_page_monitors (
        page_id uuid NOT NULL REFERENCES status_pages (id) ON DELETE CASCADE,
        position integer NOT NULL,
        monitor_id uuid NOT NULL REFERENCES monitors (id) ON DELETE CASCADE,
        PRIMARY KEY (page_id, position)
      );
      CREATE INDEX status_page_monitors_monitor ON status_page_monitors (monitor_id);
    `,
  },
];

const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/**
 * Applies the migrations not yet recorded in `schema_migrations`, each in its own transaction,
 * while holding a session advisory lock keyed by the schema: processes starting together queue
 * on the lock, and each one after the first finds nothing left to do. Creates the schema first
 * when the connection string names one. Returns the versions applied.
 */
export async function runMigrations(
  pool: Pool,
  schema: string | null,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<number[]> {
  return withClient(pool, async (client) => {
    const target =
      schema ??
      (await client.query<{ schema: string | null }>('SELECT current_schema() AS schema')).rows[0]
        ?.schema;
    if (target === null || target === undefined) {
      throw new StoreError(
        'STORE_FAILED',
        'no schema to migrate: the search path names no existing schema',
      );
    }
    const [lockSpace, lockKey] = advisoryKey(target, LOCK_PURPOSE.migrations);
    await client.query('SELECT pg_advisory_lock($1, $2)', [lockSpace, lockKey]);
    try {
      if (schema !== null) await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
      await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version integer PRIMARY KEY,
        name text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
      const done = new Set(
        (await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map(
          (r) => r.version,
        ),
      );
      const known = Math.max(0, ...migrations.map((m) => m.version));
      const newest = Math.max(0, ...done);
      if (newest > known) {
        throw new StoreError(
          'STORE_FAILED',
          `the database is at schema version ${newest}, newer than this build knows (${known})`,
        );
      }
      const applied: number[] = [];
      for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
        if (done.has(migration.version)) continue;
        await client.query('BEGIN');
        try {
          await client.query(migration.sql(quoteIdent(target)));
          await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
            migration.version,
            migration.name,
          ]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK');
          throw error;
        }
        applied.push(migration.version);
      }
      return applied;
    } finally {
      await client.query('SELECT pg_advisory_unlock($1, $2)', [lockSpace, lockKey]);
    }
  });
}
