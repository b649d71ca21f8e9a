import { StoreError } from '../../ports/store.js';
import type { SqliteDatabase } from './database.js';

/** One schema step. Numbered from 1, never edited once released, never reverted. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/**
 * Instants are epoch milliseconds (INTEGER). Monitor settings are one JSON document (read whole,
 * never queried by field), with a `revision` bumped on every write so that the recorder can keep
 * parsed monitors between batches; tags are also kept in `monitor_tags` so that the tag filter
 * uses an index. What the recorder writes for every result (results, roll-ups, state) refers to a
 * monitor by its integer `seq` rather than its 36-character id: smaller rows and indexes, cheaper
 * key comparisons on the hot path. Results and roll-ups are WITHOUT ROWID tables clustered on
 * their keys, one B-tree less per insert.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
      CREATE TABLE monitors (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        revision INTEGER NOT NULL DEFAULT 1,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        settings TEXT NOT NULL
      );

      CREATE TABLE monitor_tags (
        tag TEXT NOT NULL,
        monitor_id TEXT NOT NULL REFERENCES monitors (id) ON DELETE CASCADE,
        PRIMARY KEY (tag, monitor_id)
      ) WITHOUT ROWID;
      CREATE INDEX monitor_tags_monitor ON monitor_tags (monitor_id);

      CREATE TABLE monitor_state (
        monitor_seq INTEGER PRIMARY KEY REFERENCES monitors (seq) ON DELETE CASCADE,
        status TEXT NOT NULL CHECK (status IN ('pending', 'up', 'degraded', 'down', 'paused')),
        since INTEGER NOT NULL,
        consecutive_failures INTEGER NOT NULL,
        last_check_id TEXT,
        last_checked_at INTEGER,
        open_incident_id TEXT,
        last_transition TEXT
      );

      CREATE TABLE results (
        id TEXT PRIMARY KEY,
        monitor_seq INTEGER NOT NULL REFERENCES monitors (seq) ON DELETE CASCADE,
        checked_at INTEGER NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('up', 'degraded', 'down')),
        latency_ms REAL NOT NULL,
        http_status INTEGER,
        error TEXT,
        failure_kind TEXT,
        region TEXT NOT NULL,
        dns_ms REAL,
        connect_ms REAL,
        tls_ms REAL,
        ttfb_ms REAL,
        total_ms REAL NOT NULL,
        tls_valid_to TEXT,
        tls_days_left REAL,
        tls_issuer TEXT
      ) WITHOUT ROWID;
      CREATE INDEX results_monitor_time ON results (monitor_seq, checked_at);

      CREATE TABLE rollups (
        monitor_seq INTEGER NOT NULL REFERENCES monitors (seq) ON DELETE CASCADE,
        level TEXT NOT NULL CHECK (level IN ('minute', 'hour', 'day')),
        bucket_start INTEGER NOT NULL,
        checks INTEGER NOT NULL,
        failures INTEGER NOT NULL,
        latency_sum REAL NOT NULL,
        histogram BLOB NOT NULL,
        PRIMARY KEY (monitor_seq, level, bucket_start)
      ) WITHOUT ROWID;

      CREATE TABLE incidents (
        id TEXT PRIMARY KEY,
        monitor_id TEXT NOT NULL REFERENCES monitors (id) ON DELETE CASCADE,
        state TEXT NOT NULL CHECK (state IN ('open', 'resolved')),
        started_at INTEGER NOT NULL,
        resolved_at INTEGER,
        cause TEXT
      );
      CREATE INDEX incidents_monitor ON incidents (monitor_id, id);
      CREATE INDEX incidents_state ON incidents (state, id);

      CREATE TABLE channels (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        type TEXT NOT NULL,
        url TEXT NOT NULL,
        secret TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );

      CREATE TABLE deliveries (
        id TEXT PRIMARY KEY,
        channel_id TEXT NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
        event_key TEXT NOT NULL,
        event TEXT NOT NULL,
        monitor_id TEXT,
        payload TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
        attempts INTEGER NOT NULL,
        last_error TEXT,
        last_attempt_at INTEGER,
        delivered_at INTEGER,
        next_attempt_at INTEGER,
        lease_until INTEGER,
        created_at INTEGER NOT NULL,
        UNIQUE (channel_id, event_key)
      );
      CREATE INDEX deliveries_channel ON deliveries (channel_id, id);
      CREATE INDEX deliveries_due ON deliveries (next_attempt_at, id) WHERE state = 'pending';
    `,
  },
  {
    version: 2,
    name: 'monitor change outbox',
    sql: `
      CREATE TABLE monitor_outbox (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        change TEXT NOT NULL
      );
    `,
  },
  {
    version: 3,
    name: 'status pages',
    // A page's monitors are rows, not a JSON list, so that deleting a monitor takes it off every
    // page by cascade and "is this monitor on a page" is an index probe.
    sql: `
      CREATE TABLE status_pages (
        id TEXT PRIMARY KEY,
        slug TEXT NOT NULL UNIQUE,
        title TEXT NOT NULL,
        description TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );

      CREATE TABLE status_page_monitors (
        page_id TEXT NOT NULL REFERENCES status_pages (id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        monitor_id TEXT NOT NULL REFERENCES monitors (id) ON DELETE CASCADE,
        PRIMARY KEY (page_id, position)
      ) WITHOUT ROWID;
      CREATE INDEX status_page_monitors_monitor ON status_page_monitors (monitor_id);
    `,
  },
];

/**
 * Applies the migrations not yet recorded in `schema_migrations`, all in one IMMEDIATE
 * transaction: a second process running this at the same time waits for the first (busy
 * timeout), then finds nothing left to do. Returns the versions applied.
 */
export function runMigrations(
  db: SqliteDatabase,
  migrations: readonly Migration[] = MIGRATIONS,
): number[] {
  const apply = db.transaction((): number[] => {
    db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY,
      name TEXT NOT NULL,
      applied_at INTEGER NOT NULL
    )`);
    const done = new Set(
      db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[],
    );
    const known = Math.max(0, ...migrations.map((m) => m.version));
    const newest = Math.max(0, ...done);
    if (newest > known) {
      throw new StoreError(
        'STORE_FAILED',
        `the database is at schema version ${newest}, newer than this build knows (${known})`,
      );
    }
    const record = db.prepare(
      'INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)',
    );
    const applied: number[] = [];
    for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
      if (done.has(migration.version)) continue;
      db.exec(migration.sql);
      record.run(migration.version, migration.name, Date.now());
      applied.push(migration.version);
    }
    return applied;
  });
  return apply.immediate();
}
