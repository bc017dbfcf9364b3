import { type OrderQuery, SORT_FIELDS, type SortField } from '@orderbridge/core';
import { sampleOrders } from '@orderbridge/testkit';
import { CompiledQuery, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KyselyOrderStore } from '../kysely-order-store.js';
import type { OrderStore } from '../order-store.js';
import { progressOf } from './contract-orders.js';

const SCOPE = 'coverage';
const PROVIDERS = ['alpha', 'beta'] as const;

/**
 * Every documented filter of a listing (docs: the store README's "Listings and indexes"), one
 * representative value each, and none. Status filters are tried with one value and with several.
 */
export const COVERED_FILTERS: Record<string, OrderQuery> = {
  none: {},
  status: { status: ['processing'] },
  statuses: { status: ['processing', 'completed'] },
  paymentStatus: { paymentStatus: ['paid'] },
  fulfillmentStatus: { fulfillmentStatus: ['unfulfilled', 'partially_fulfilled'] },
  createdWindow: { createdFrom: '2025-01-05T00:00:00Z', createdTo: '2025-01-20T00:00:00Z' },
  createdFrom: { createdFrom: '2025-01-05T00:00:00Z' },
  customerId: { customerId: 'cus_0007' },
  merchantId: { merchantId: 'mer_2' },
  currency: { currency: 'EUR' },
  // A substring test on the text column: no index can serve it, so it is checked on the rows the
  // other filters and the sort select (here the sort's own index range).
  search: { search: 'lena' },
};

/** One line of a plan, as the test reads it. */
interface PlanStep {
  /** Reads the orders table (or one of its indexes). */
  readsOrders: boolean;
  /** An index search whose condition holds scope and provider (never a table or full index scan). */
  isScopedIndexSearch: boolean;
  /** The condition narrows the range below (scope, provider): a filter value or a time bound. */
  isNarrowerRange: boolean;
  /** Sorts rows (the order did not come from an index). */
  isSort: boolean;
  text: string;
}

/** A dialect's way of explaining a statement. */
type Explain = (db: Kysely<unknown>, statement: CompiledQuery) => Promise<PlanStep[]>;

const sqliteExplain: Explain = async (db, statement) => {
  const result = await db.executeQuery<{ detail: string }>(
    CompiledQuery.raw(`explain query plan ${statement.sql}`, [...statement.parameters]),
  );
  return result.rows.map(({ detail }) => {
    const condition = /\((.*)\)$/.exec(detail)?.[1] ?? '';
    return {
      readsOrders: /\borders\b/.test(detail),
      isScopedIndexSearch:
        /^SEARCH orders USING (COVERING )?INDEX /.test(detail) &&
        condition.startsWith('scope=? AND provider=?'),
      isNarrowerRange: condition.split(' AND ').length > 2,
      isSort: detail.startsWith('USE TEMP B-TREE'),
      text: detail,
    };
  });
};

interface PostgresPlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Index Cond'?: string;
  Plans?: PostgresPlanNode[];
}

const postgresExplain: Explain = async (db, statement) => {
  // One connection: the settings below hold for it only. With sequential scans priced out, a plan
  // that still reads the table without an index has no index that could serve the query.
  return db.connection().execute(async (connection) => {
    await connection.executeQuery(CompiledQuery.raw('set enable_seqscan = off'));
    const result = await connection.executeQuery<{ 'QUERY PLAN': unknown }>(
      CompiledQuery.raw(`explain (format json) ${statement.sql}`, [...statement.parameters]),
    );
    await connection.executeQuery(CompiledQuery.raw('reset enable_seqscan'));
    const steps: PlanStep[] = [];
    const visit = (node: PostgresPlanNode) => {
      const type = node['Node Type'];
      const condition = node['Index Cond'] ?? '';
      const isIndexSearch = ['Index Scan', 'Index Only Scan', 'Bitmap Index Scan'].includes(type);
      steps.push({
        readsOrders:
          node['Relation Name'] === 'orders' ||
          (node['Index Name'] ?? '').startsWith('orders_') ||
          type === 'Seq Scan',
        isScopedIndexSearch:
          isIndexSearch && /\bscope = /.test(condition) && /\bprovider = /.test(condition),
        isNarrowerRange: condition.split(' AND ').length > 2,
        // A Bitmap Heap Scan reads what its Bitmap Index Scan found: that one is checked.
        isSort: type === 'Sort' || type === 'Incremental Sort',
        text: `${type}${node['Index Name'] ? ` using ${node['Index Name']}` : ''}${condition ? ` (${condition})` : ''}`,
      });
      for (const child of node.Plans ?? []) visit(child);
    };
    const column = result.rows[0]!['QUERY PLAN'];
    // node-postgres parses the json column; some setups hand it over as text.
    const document = (typeof column === 'string' ? JSON.parse(column) : column) as Array<{
      Plan: PostgresPlanNode;
    }>;
    visit(document[0]!.Plan);
    return steps.filter((step) => step.text !== 'Bitmap Heap Scan' && step.text !== 'Limit');
  });
};

/**
 * The index coverage suite: for every documented filter and every sort (both directions, first
 * page and a page after a cursor), each provider's statement must read orders only through index
 * searches on (scope, provider, …) — never a table scan or a full index scan — and take its order
 * from the index. The one sort allowed is of a range narrower than the provider's rows that the
 * planner chose by its statistics (one customer's orders, a creation window under another sort):
 * its cost is that range's size, not the table's.
 */
export function describeIndexCoverage(
  name: string,
  openStore: () => Promise<OrderStore>,
  dialect: 'sqlite' | 'postgres',
): void {
  describe(`index coverage of listings: ${name}`, () => {
    let store: KyselyOrderStore;
    beforeAll(async () => {
      store = (await openStore()) as KyselyOrderStore;
      for (const provider of PROVIDERS) {
        const orders = sampleOrders({ count: 600, provider, seed: provider.length }).map(
          (order, index) => ({
            ...order,
            customer: order.customer && {
              ...order.customer,
              id: `cus_${String(index % 40).padStart(4, '0')}`,
            },
            merchant: order.merchant && { ...order.merchant, id: `mer_${index % 5}` },
          }),
        );
        await store.applyBatch({
          scope: SCOPE,
          provider,
          runId: 'run-1',
          observedAt: '2025-03-01T00:00:00.000Z',
          orders,
          progress: progressOf('run-1', { startedAt: '2025-03-01T00:00:00.000Z' }),
        });
      }
      // Plans as a deployment gets them: with the statistics `pragma optimize` / autovacuum keep.
      await store.reportDatabase.executeQuery(CompiledQuery.raw('analyze'));
    });
    afterAll(async () => {
      await store?.close();
    });

    const cases: Array<[string, SortField, 'asc' | 'desc', OrderQuery]> = [];
    for (const field of SORT_FIELDS) {
      for (const direction of ['desc', 'asc'] as const) {
        for (const [filterName, filter] of Object.entries(COVERED_FILTERS)) {
          cases.push([filterName, field, direction, filter]);
        }
      }
    }

    it.each(cases)('filter %s, sort %s %s', async (_filterName, field, direction, filter) => {
      const explain = dialect === 'sqlite' ? sqliteExplain : postgresExplain;
      const query: OrderQuery = {
        ...filter,
        // A total sort ranks one currency (core refuses it without one).
        ...(field === 'total' && filter.currency === undefined ? { currency: 'USD' } : {}),
        sort: { field, direction },
        limit: 20,
      };
      const listing = { scope: SCOPE, providers: [...PROVIDERS], query };
      const first = await store.listOrders({ ...listing, query: { ...query, limit: 1 } });
      const queries = [query];
      if (first.nextCursor !== null) queries.push({ ...query, limit: 1, cursor: first.nextCursor });
      for (const variant of queries) {
        for (const statement of await store.listingStatements({ ...listing, query: variant })) {
          const plan = await explain(store.reportDatabase as unknown as Kysely<unknown>, statement);
          const text = plan.map((step) => step.text).join('\n');
          const reads = plan.filter((step) => step.readsOrders);
          expect(reads.length, text).toBeGreaterThan(0);
          for (const step of reads) expect(step.isScopedIndexSearch, text).toBe(true);
          if (plan.some((step) => step.isSort)) {
            expect(
              reads.every((step) => step.isNarrowerRange),
              `a sort of all of a provider's rows:\n${text}`,
            ).toBe(true);
          }
        }
      }
    });
  });
}
