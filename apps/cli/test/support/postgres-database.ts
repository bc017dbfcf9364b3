import { randomBytes } from 'node:crypto';
import { afterAll } from 'vitest';

/** A database of its own on the test server, for one test file. */
export interface FreshPostgresDatabase {
  /** Its URL. */
  url: string;
  /** Drops it (closing any connection a test left open). */
  drop(): Promise<void>;
}

/**
 * Creates a new, empty database next to the one `serverUrl` names
 * (`ORDERBRIDGE_TEST_DATABASE_URL`), so test files and runs never share tables.
 */
export async function freshPostgresDatabase(
  serverUrl: string,
  prefix: string,
): Promise<FreshPostgresDatabase> {
  // Loaded only here: the tests that use it skip without a test server.
  const { default: pg } = await import('pg');
  const admin = async (statement: string) => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  const name = `${prefix}_${process.pid}_${randomBytes(5).toString('hex')}`;
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

/**
 * For a test file's list of backends: each call of the returned function creates a database
 * (`freshPostgresDatabase`) and gives its URL; every one is dropped when the file ends. Call it at
 * the top level of the file (it registers the file's `afterAll`).
 */
export function postgresDatabaseUrls(serverUrl: string, prefix: string): () => Promise<string> {
  const databases: FreshPostgresDatabase[] = [];
  afterAll(async () => {
    await Promise.all(databases.map((database) => database.drop()));
  });
  return async () => {
    const database = await freshPostgresDatabase(serverUrl, prefix);
    databases.push(database);
    return database.url;
  };
}
