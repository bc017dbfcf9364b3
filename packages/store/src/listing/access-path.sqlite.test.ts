import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  matchesQuery,
  type Order,
  type OrderQuery,
  orderComparator,
  sortOf,
} from '@orderbridge/core';
import { sampleOrders } from '@orderbridge/testkit';
import { CompiledQuery } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrderStore } from '../create-order-store.js';
import type { KyselyOrderStore } from '../kysely-order-store.js';

const folder = mkdtempSync(join(tmpdir(), 'orderbridge-access-path-'));
let store: KyselyOrderStore;
let orders: Order[];

// More matching rows than the store sorts (2,000): a filter on `paid` is walked along the sort's
// index, one on a single customer read through its own index and sorted.
beforeAll(async () => {
  store = (await createOrderStore({
    url: `sqlite:${join(folder, 'store.db')}`,
  })) as KyselyOrderStore;
  orders = sampleOrders({ count: 5000, provider: 'alpha', seed: 3 }).map((order, index) => ({
    ...order,
    paymentStatus: index % 10 === 0 ? 'pending' : 'paid',
    customer: order.customer && { ...order.customer, id: `cus_${index % 500}` },
  }));
  await store.applyBatch({
    provider: 'alpha',
    runId: 'run-1',
    observedAt: '2025-03-01T00:00:00.000Z',
    orders,
    progress: {
      runId: 'run-1',
      mode: 'full',
      startedAt: '2025-03-01T00:00:00.000Z',
      cursor: null,
      query: {},
      counts: { fetched: 0, created: 0, updated: 0, unchanged: 0, vanished: 0, rejected: 0 },
      requests: 0,
    },
  });
});
afterAll(async () => {
  await store?.close();
  rmSync(folder, { recursive: true, force: true });
});

async function plan(query: OrderQuery): Promise<string> {
  const [statement] = await store.listingStatements({ query });
  const result = await store.reportDatabase.executeQuery<{ detail: string }>(
    CompiledQuery.raw(`explain query plan ${statement!.sql}`, [...statement!.parameters]),
  );
  return result.rows.map((row) => row.detail).join(' / ');
}

async function walk(query: OrderQuery): Promise<string[]> {
  const keys: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listOrders({
      query: { ...query, limit: 700, ...(cursor ? { cursor } : {}) },
    });
    keys.push(...page.orders.map((order) => order.key));
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return keys;
}

describe('SQLite access paths of a filter under another sort', () => {
  it.each<[string, OrderQuery, RegExp]>([
    [
      'many matches: walks the sort index',
      { paymentStatus: ['paid'], sort: { field: 'updatedAt', direction: 'desc' } },
      /^SEARCH orders USING INDEX orders_by_updated \(scope=\? AND provider=\?\)$/,
    ],
    [
      'few matches: reads the filter index and sorts',
      { customerId: 'cus_7', sort: { field: 'id', direction: 'asc' } },
      /^SEARCH orders USING INDEX orders_by_customer .* \/ USE TEMP B-TREE FOR ORDER BY$/,
    ],
    [
      'no match: reads the filter index',
      { paymentStatus: ['refunded'], sort: { field: 'total', direction: 'desc' }, currency: 'EUR' },
      /USING INDEX orders_by_payment_status/,
    ],
  ])('%s, and answers exactly', async (_name, query, expectedPlan) => {
    expect(await plan(query)).toMatch(expectedPlan);
    const expected = orders
      .filter((order) => matchesQuery(order, query))
      .sort(orderComparator(sortOf(query)))
      .map((order) => order.key);
    expect(await walk(query)).toEqual(expected);
  });
});
