import { randomBytes } from 'node:crypto';
import pg from 'pg';

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
