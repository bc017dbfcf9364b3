import { makeOrder } from '@orderbridge/testkit';
import pg from 'pg';
import { expect, it } from 'vitest';
import { createOrderStore } from '../create-order-store.js';
import { emptyCounts } from '../sync/sync-orders.js';
import { describeOnPostgres } from '../test-support/postgres-test-database.js';

/** Whether the planner has statistics on `orders.scope` in the store's schema. */
async function hasScopeStatistics(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ analyzed: boolean }>(
      `select exists (select from pg_stats where schemaname = current_schema()
         and tablename = 'orders' and attname = 'scope') as analyzed`,
    );
    return rows[0]?.analyzed === true;
  } finally {
    await client.end();
  }
}

describeOnPostgres((database) => {
  it('gives a new store planner statistics once its first orders are written', async () => {
    const url = await database().newStoreUrl();
    const store = await createOrderStore({ url });
    try {
      expect(await hasScopeStatistics(url)).toBe(false);
      const runId = 'run-statistics';
      await store.beginRun('default', 'shop', {
        runId,
        mode: 'full',
        startedAt: '2026-01-01T00:00:00.000Z',
        cursor: null,
        query: {} as never,
        counts: emptyCounts(),
        requests: 0,
      });
      // A batch that creates nothing (no orders) leaves the table as it is.
      const progress = (await store.syncState('default', 'shop'))!.progress!;
      await store.applyBatch({
        provider: 'shop',
        runId,
        observedAt: '2026-01-01T00:00:01.000Z',
        orders: [],
        progress,
      });
      expect(await hasScopeStatistics(url)).toBe(false);
      await store.applyBatch({
        provider: 'shop',
        runId,
        observedAt: '2026-01-01T00:00:02.000Z',
        orders: Array.from({ length: 20 }, (_, index) => makeOrder('shop', `o${index}`)),
        progress,
      });
      expect(await hasScopeStatistics(url)).toBe(true);
    } finally {
      await store.close();
    }
  });
});
