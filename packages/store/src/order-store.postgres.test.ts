import { createOrderStore } from './create-order-store.js';
import { describeOrderStoreContract } from './test-support/describe-order-store-contract.js';
import { describeOnPostgres } from './test-support/postgres-test-database.js';

describeOnPostgres((database) => {
  describeOrderStoreContract('PostgreSQL (pg)', async (options) => {
    const url = await database().newStoreUrl();
    return {
      store: await createOrderStore({ url, ...options }),
      reopen: (reopenOptions) => createOrderStore({ url, ...reopenOptions }),
    };
  });
});
