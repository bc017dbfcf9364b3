import { createOrderStore } from '../create-order-store.js';
import { describeWebhooks } from '../test-support/describe-webhooks.js';
import { describeOnPostgres } from '../test-support/postgres-test-database.js';

describeOnPostgres((database) => {
  describeWebhooks('PostgreSQL (pg)', async () => {
    const url = await database().newStoreUrl();
    return { store: await createOrderStore({ url }), openAgain: () => createOrderStore({ url }) };
  });
});
