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
import { progressOf } from '../test-support/contract-orders.js';
import {
  createPostgresTestDatabase,
  type PostgresTestDatabase,
} from '../test-support/postgres-test-database.js';

const folder = mkdtempSync(join(tmpdir(), 'orderbridge-access-path-'));
// PostgreSQL too when a server is given (`.ci/run` starts one: scripts/test-postgres.sh).
const serverUrl = process.env.ORDERBRIDGE_TEST_DATABASE_URL;
let postgres: PostgresTestDatabase | undefined;
const backends: Array<['sqlite' | 'postgres', () => Promise<string>]> = [
  ['sqlite', async () => `sqlite:${join(folder, 'store.db')}`],
];
if (serverUrl !== undefined) {
  backends.push([
    'postgres',
    async () => {
      postgres = await createPostgresTestDatabase(serverUrl);
      return postgres.newStoreUrl();
    },
  ]);
}

afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe.each(backends)('%s', (dialect, openUrl) => {
  let store: KyselyOrderStore;
  let orders: Order[];
  let url: string;

  // More matching rows than the store sorts (2,000): a filter on `paid` is walked along the sort's
  // index, one on a single customer read through its own index and sorted.
  beforeAll(async () => {
    url = await openUrl();
    store = (await createOrderStore({ url })) as KyselyOrderStore;
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
      progress: progressOf('run-1', { startedAt: '2025-03-01T00:00:00.000Z' }),
    });
    // Plans as a deployment gets them: with the statistics autovacuum / `pragma optimize` keep.
    await store.reportDatabase.executeQuery(CompiledQuery.raw('analyze'));
  });
  afterAll(async () => {
    await store?.close();
    if (dialect === 'postgres') await postgres?.drop();
  });

  /** SQLite's plan in its own words; PostgreSQL's as `<node> using <index>` lines. */
  async function plan(query: OrderQuery): Promise<string> {
    const [statement] = await store.listingStatements({ query });
    if (dialect === 'sqlite') {
      const result = await store.reportDatabase.executeQuery<{ detail: string }>(
        CompiledQuery.raw(`explain query plan ${statement!.sql}`, [...statement!.parameters]),
      );
      return result.rows.map((row) => row.detail).join(' / ');
    }
    // As in the index coverage test: a table of 5,000 rows is cheaper to read whole, which a
    // table of a million is not.
    const result = await store.reportDatabase.connection().execute(async (connection) => {
      await connection.executeQuery(CompiledQuery.raw('set enable_seqscan = off'));
      const explained = await connection.executeQuery<{ 'QUERY PLAN': unknown }>(
        CompiledQuery.raw(`explain (format json) ${statement!.sql}`, [...statement!.parameters]),
      );
      await connection.executeQuery(CompiledQuery.raw('reset enable_seqscan'));
      return explained;
    });
    const column = result.rows[0]!['QUERY PLAN'];
    type Node = { 'Node Type': string; 'Index Name'?: string; Plans?: Node[] };
    const lines: string[] = [];
    const visit = (node: Node) => {
      lines.push(`${node['Node Type']}${node['Index Name'] ? ` using ${node['Index Name']}` : ''}`);
      for (const child of node.Plans ?? []) visit(child);
    };
    const document = (typeof column === 'string' ? JSON.parse(column) : column) as Array<{
      Plan: Node;
    }>;
    visit(document[0]!.Plan);
    return lines.join(' / ');
  }

  async function walk(
    query: OrderQuery,
    from: KyselyOrderStore = store,
    providers?: string[],
  ): Promise<string[]> {
    const keys: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await from.listOrders({
        query: { ...query, limit: 700, ...(cursor ? { cursor } : {}) },
        ...(providers ? { providers } : {}),
      });
      keys.push(...page.orders.map((order) => order.key));
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
    return keys;
  }

  describe('access paths of a filter under another sort', () => {
    it.each<[string, OrderQuery, Record<'sqlite' | 'postgres', RegExp>]>([
      [
        'many matches: walks the sort index',
        { paymentStatus: ['paid'], sort: { field: 'updatedAt', direction: 'desc' } },
        {
          sqlite: /^SEARCH orders USING INDEX orders_by_updated \(scope=\? AND provider=\?\)$/,
          // Kept off the filter's index; at 5,000 rows PostgreSQL may still prefer to read the
          // provider's rows and sort them over the walk it takes at scale.
          postgres: /^Limit \/ (?!.*orders_by_payment_status).*using orders_by_\w+$/,
        },
      ],
      [
        'few matches: reads the filter index and sorts',
        { customerId: 'cus_7', sort: { field: 'id', direction: 'asc' } },
        {
          sqlite:
            /^SEARCH orders USING INDEX orders_by_customer .* \/ USE TEMP B-TREE FOR ORDER BY$/,
          postgres: /Sort .*using orders_by_customer/,
        },
      ],
      [
        'no match: reads the filter index',
        {
          paymentStatus: ['refunded'],
          sort: { field: 'total', direction: 'desc' },
          currency: 'EUR',
        },
        {
          sqlite: /USING INDEX orders_by_payment_status/,
          postgres: /using orders_by_payment_status/,
        },
      ],
      [
        'a wide creation window: walks the sort index',
        {
          createdFrom: '2025-01-01T00:00:00Z',
          createdTo: '2025-12-31T23:59:59Z',
          sort: { field: 'status', direction: 'asc' },
        },
        {
          sqlite: /^SEARCH orders USING INDEX orders_by_status \(scope=\? AND provider=\?\)$/,
          postgres: /^Limit \/ (?!.*orders_by_created( |$)).*using orders_by_\w+$/,
        },
      ],
      [
        'a narrow creation window: reads the creation index and sorts',
        {
          createdFrom: '2025-03-01T00:00:00Z',
          createdTo: '2025-03-10T00:00:00Z',
          currency: 'EUR',
          sort: { field: 'total', direction: 'desc' },
        },
        {
          sqlite:
            /^SEARCH orders USING INDEX orders_by_created .* \/ USE TEMP B-TREE FOR ORDER BY$/,
          postgres: /Sort .*using orders_by_created$/,
        },
      ],
    ])('%s, and answers exactly', async (_name, query, expectedPlans) => {
      expect(await plan(query)).toMatch(expectedPlans[dialect]);
      const expected = orders
        .filter((order) => matchesQuery(order, query))
        .sort(orderComparator(sortOf(query)))
        .map((order) => order.key);
      expect(await walk(query)).toEqual(expected);
    });
  });

  // The verdict is kept for a few seconds (follow-up pages and refreshes ask the same question):
  // one gone stale reads the same rows in the same order, by the other path.
  it('keeps an access-path verdict for a while, and a stale one still answers exactly', async () => {
    const beta = sampleOrders({ count: 5000, provider: 'beta', seed: 9 });
    const batch = (rows: Order[], runId: string) =>
      store.applyBatch({
        provider: 'beta',
        runId,
        observedAt: '2025-03-02T00:00:00.000Z',
        orders: rows,
        progress: progressOf(runId, { startedAt: '2025-03-02T00:00:00.000Z' }),
      });
    await batch(beta, 'beta-1');
    const query: OrderQuery = { customerId: 'cus_many', sort: { field: 'id', direction: 'asc' } };
    const statement = async (from: KyselyOrderStore) =>
      (await from.listingStatements({ query, providers: ['beta'] }))[0]!.sql;
    // No order of that customer yet: through the customer index, then sorted.
    const fewMatches = await statement(store);
    // Now half of beta's orders are that customer's: a fresh verdict walks the id index.
    const updated = beta.map((order, index) =>
      index % 2 === 0 && order.customer
        ? { ...order, customer: { ...order.customer, id: 'cus_many' } }
        : order,
    );
    await batch(updated, 'beta-2');
    const expected = updated
      .filter((order) => matchesQuery(order, query))
      .sort(orderComparator(sortOf(query)))
      .map((order) => order.key);
    expect(expected.length).toBeGreaterThan(2000);

    expect(await statement(store)).toBe(fewMatches);
    expect(await walk(query, store, ['beta'])).toEqual(expected);

    const fresh = (await createOrderStore({ url })) as KyselyOrderStore;
    try {
      expect(await statement(fresh)).not.toBe(fewMatches);
      expect(await walk(query, fresh, ['beta'])).toEqual(expected);
    } finally {
      await fresh.close();
    }
  });
});
