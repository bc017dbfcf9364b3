import { createOrderStore } from '../create-order-store.js';
import { describeReports } from '../test-support/describe-reports.js';
import { describeOnPostgres } from '../test-support/postgres-test-database.js';

describeOnPostgres((database) => {
  describeReports('PostgreSQL (pg)', async () =>
    createOrderStore({ url: await database().newStoreUrl() }),
  );
});
