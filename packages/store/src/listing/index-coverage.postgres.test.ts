import { createOrderStore } from '../create-order-store.js';
import { describeIndexCoverage } from '../test-support/describe-index-coverage.js';
import { describeOnPostgres } from '../test-support/postgres-test-database.js';

describeOnPostgres((database) => {
  describeIndexCoverage(
    'PostgreSQL (EXPLAIN (FORMAT JSON), enable_seqscan off)',
    async () => createOrderStore({ url: await database().newStoreUrl() }),
    'postgres',
  );
});
