import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { orderComparator } from '@orderbridge/core';
import { sampleOrders } from '@orderbridge/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { createOrderStore } from './create-order-store.js';
import { describeOrderStoreContract } from './test-support/describe-order-store-contract.js';

const folder = mkdtempSync(join(tmpdir(), 'orderbridge-store-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));
let databases = 0;

describeOrderStoreContract('SQLite (node:sqlite)', async (options) => {
  const url = `sqlite:${join(folder, `store-${++databases}.db`)}`;
  return {
    store: await createOrderStore({ url, ...options }),
    reopen: (reopenOptions) => createOrderStore({ url, ...reopenOptions }),
  };
});

describe('SQLite status ranks', () => {
  it("re-ranks every row on open when the stored status vocabulary is not core's", async () => {
    const url = `sqlite:${join(folder, 'ranks.db')}`;
    const orders = sampleOrders({ count: 40, provider: 'alpha' });
    const store = await createOrderStore({ url });
    await store.applyBatch({
      provider: 'alpha',
      runId: 'run-1',
      observedAt: '2026-01-01T00:00:00.000Z',
      orders,
      progress: {
        runId: 'run-1',
        mode: 'full',
        startedAt: '2026-01-01T00:00:00.000Z',
        cursor: null,
        query: {},
        counts: { fetched: 0, created: 0, updated: 0, unchanged: 0, vanished: 0, rejected: 0 },
        requests: 0,
      },
    });
    await store.close();
    // As if an older core had written the ranks with another lifecycle order.
    const database = new DatabaseSync(join(folder, 'ranks.db'));
    database.exec("update orders set status_rank = 0; update store_meta set value = '[]'");
    database.close();

    const reopened = await createOrderStore({ url });
    const sort = { field: 'status', direction: 'asc' } as const;
    const page = await reopened.listOrders({ query: { sort, limit: 1000 } });
    expect(page.orders.map((order) => order.key)).toEqual(
      [...orders].sort(orderComparator(sort)).map((order) => order.key),
    );
    await reopened.close();
  });
});
