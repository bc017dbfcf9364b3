import { beforeAll, describe } from 'vitest';
import { createOrderStore } from '../create-order-store.js';
import { describeIndexCoverage } from '../test-support/describe-index-coverage.js';
import {
  createPostgresTestDatabase,
  type PostgresTestDatabase,
} from '../test-support/postgres-test-database.js';

// Runs when a PostgreSQL server is given (`.ci/run` starts one: scripts/test-postgres.sh).
const serverUrl = process.env.ORDERBRIDGE_TEST_DATABASE_URL;

describe.skipIf(serverUrl === undefined)('PostgreSQL (ORDERBRIDGE_TEST_DATABASE_URL)', () => {
  let database: PostgresTestDatabase;
  beforeAll(async () => {
    database = await createPostgresTestDatabase(serverUrl as string);
    return () => database.drop();
  });
  describeIndexCoverage(
    'PostgreSQL (EXPLAIN (FORMAT JSON), enable_seqscan off)',
    async () => createOrderStore({ url: await database.newStoreUrl() }),
    'postgres',
  );
});
