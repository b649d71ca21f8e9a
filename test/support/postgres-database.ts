import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * A database of its own for one test file or benchmark run, on the server that `DATABASE_URL`
 * names (default: the local one). Runs share the server with other runs, so the name carries the
 * run id (`UPTIME_TEST_RUN_ID`, else random) and a random part, and `drop()` removes it, with any
 * connection still open to it.
 */
export interface TestDatabase {
  readonly name: string;
  /** The connection string of the new database (same server, user and parameters). */
  readonly url: string;
  /** `url` with `?schema=…` set. */
  urlWithSchema(schema: string): string;
  /** A plain client on the new database, for inspecting what the store wrote. */
  connect(): Promise<pg.Client>;
  drop(): Promise<void>;
}

const DEFAULT_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

const identifier = (text: string): string =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_')
    .slice(0, 30);

export async function createTestDatabase(): Promise<TestDatabase> {
  const base = new URL(process.env['DATABASE_URL'] ?? DEFAULT_URL);
  base.searchParams.delete('schema');
  const runId = identifier(process.env['UPTIME_TEST_RUN_ID'] ?? randomBytes(4).toString('hex'));
  const name = `uptime_${runId}_${randomBytes(4).toString('hex')}`;
  const admin = new URL(base);
  admin.pathname = '/postgres';
  const adminClient = async (): Promise<pg.Client> => {
    const client = new pg.Client({ connectionString: admin.toString() });
    await client.connect();
    return client;
  };

  const creator = await adminClient();
  try {
    await creator.query(`CREATE DATABASE ${name}`);
  } finally {
    await creator.end();
  }

  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    urlWithSchema: (schema) => {
      const withSchema = new URL(url);
      withSchema.searchParams.set('schema', schema);
      return withSchema.toString();
    },
    connect: async () => {
      const client = new pg.Client({ connectionString: url.toString() });
      await client.connect();
      return client;
    },
    drop: async () => {
      const dropper = await adminClient();
      try {
        await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await dropper.end();
      }
    },
  };
}
