// The PostgreSQL server the scenarios measure on, and a new database on it per run.
import pg from 'pg';

/** Where to find the server, in order: the benchmarks' own variables, then the tests' one. */
const SERVER_VARIABLES = [
  'ORDERBRIDGE_BENCH_DATABASE_URL',
  'ORDERBRIDGE_BENCH_POSTGRES_URL',
  'ORDERBRIDGE_TEST_DATABASE_URL',
] as const;

/** Why a scenario measured no PostgreSQL side, for its notes. */
export const NO_POSTGRES_SERVER = `PostgreSQL was not measured: set ORDERBRIDGE_BENCH_DATABASE_URL (or ORDERBRIDGE_TEST_DATABASE_URL; scripts/test-postgres.sh starts one) to a server on which the benchmark may create databases.`;

/**
 * The server's URL from the environment (any database on it: the scenarios create their own), or
 * undefined when none is set. `ORDERBRIDGE_BENCH_POSTGRES_URL` is the name two scenarios read
 * before the variables were unified.
 */
export function benchPostgresServer(): string | undefined {
  for (const name of SERVER_VARIABLES) {
    const value = process.env[name];
    if (value) return value;
  }
  return undefined;
}

/** Creates a new, empty database on the server (so runs never share state); returns its URL. */
export async function freshPostgresDatabase(serverUrl: string, label: string): Promise<string> {
  const name = `bench_${label}_${process.pid}_${Date.now().toString(36)}`;
  await runStatement(serverUrl, `create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Drops a database `freshPostgresDatabase` created, closing its connections. */
export async function dropPostgresDatabase(serverUrl: string, databaseUrl: string): Promise<void> {
  const name = new URL(databaseUrl).pathname.slice(1);
  await runStatement(serverUrl, `drop database if exists ${name} with (force)`);
}

/** Runs one statement on its own connection to `url` (a server or one of its databases). */
export async function runStatement(url: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
