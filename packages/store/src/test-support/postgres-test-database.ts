import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { beforeAll, describe } from 'vitest';

/** A database of its own for one test file, on the server `ORDERBRIDGE_TEST_DATABASE_URL` names. */
export interface PostgresTestDatabase {
  /** The URL of a new, empty schema in it (each call a new one), for one store. */
  newStoreUrl(): Promise<string>;
  /** Drops the database (and with it every schema). */
  drop(): Promise<void>;
}

/**
 * Creates a uniquely named database next to the one the URL names, so test files running in
 * parallel never share tables; each store then gets a schema of its own, chosen through the
 * connection's `search_path` (`options` in the URL, which `pg` sends at connect time).
 */
export async function createPostgresTestDatabase(serverUrl: string): Promise<PostgresTestDatabase> {
  const name = `orderbridge_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const databaseUrl = new URL(serverUrl);
  databaseUrl.pathname = `/${name}`;
  const client = new pg.Client({ connectionString: databaseUrl.toString() });
  await client.connect();
  let schemas = 0;
  return {
    async newStoreUrl() {
      const schema = `store_${++schemas}`;
      await client.query(`create schema ${schema}`);
      const url = new URL(databaseUrl);
      url.searchParams.set('options', `-c search_path=${schema}`);
      return url.toString();
    },
    async drop() {
      await client.end();
      const dropper = new pg.Client({ connectionString: serverUrl });
      await dropper.connect();
      try {
        await dropper.query(`drop database if exists ${name} with (force)`);
      } finally {
        await dropper.end();
      }
    },
  };
}

/**
 * A `describe` block that runs only when a PostgreSQL server is given (`.ci/run` starts one:
 * scripts/test-postgres.sh), with a database of its own for the file, dropped afterwards. `body`
 * reads the database through the getter once the block's `beforeAll` has created it.
 */
export function describeOnPostgres(body: (database: () => PostgresTestDatabase) => void): void {
  const serverUrl = process.env.ORDERBRIDGE_TEST_DATABASE_URL;
  describe.skipIf(serverUrl === undefined)('PostgreSQL (ORDERBRIDGE_TEST_DATABASE_URL)', () => {
    let database: PostgresTestDatabase | undefined;
    beforeAll(async () => {
      database = await createPostgresTestDatabase(serverUrl as string);
      return () => database?.drop();
    });
    body(() => {
      if (database === undefined) throw new Error('the PostgreSQL test database is not ready yet');
      return database;
    });
  });
}
