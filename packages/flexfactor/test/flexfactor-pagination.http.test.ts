import {
  matchesQuery,
  type Order,
  type OrderQuery,
  orderComparator,
  pages,
  paginate,
  parseOrderQuery,
} from '@orderbridge/core';
import type { Sandbox } from '@orderbridge/sandbox';
import { afterEach, describe, expect, it } from 'vitest';
import type { FlexFactorProvider } from '../src/flexfactor-provider.js';
import { groundTruth, ids, sandboxProvider, startFlexFactorSandbox } from './sandbox-support.js';

// Page-number pagination with a pinned upper bound (docs/providers/flexfactor.md, "Pagination"): FlexFactor's pages are
// offsets computed at request time, so inserts and deletes during a walk shift them; the sandbox
// reproduces that drift on purpose.
let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

/** Walks page by page with the provider's own cursors, calling `between` after each page. */
async function walkSequentially(
  provider: FlexFactorProvider,
  query: OrderQuery,
  between: (pageIndex: number, delivered: Order[]) => void,
) {
  const delivered: Order[] = [];
  const totals: number[] = [];
  let cursor: string | undefined;
  for (let pageIndex = 1; pageIndex < 1_000; pageIndex++) {
    const page = await provider.listOrders(cursor ? { ...query, cursor } : query);
    delivered.push(...page.orders);
    totals.push(page.totalCount ?? -1);
    if (page.nextCursor === null) return { delivered, totals };
    cursor = page.nextCursor;
    between(pageIndex, delivered);
  }
  throw new Error('the walk did not end');
}

function expectEachOnce(delivered: readonly Order[], expected: readonly string[]) {
  const counts = new Map<string, number>();
  for (const order of delivered) counts.set(order.id, (counts.get(order.id) ?? 0) + 1);
  const duplicates = [...counts].filter(([, count]) => count > 1).map(([id]) => id);
  const missing = expected.filter((id) => !counts.has(id));
  expect({ duplicates, missing }).toEqual({ duplicates: [], missing: [] });
}

function sortedIds(sandboxUnderTest: Sandbox, query: OrderQuery): string[] {
  return ids(
    groundTruth(sandboxUnderTest)
      .filter((order) => matchesQuery(order, query))
      .sort(orderComparator(query)),
  );
}

describe('FlexFactor pagination (sandbox)', () => {
  it('pins the walk: orders created between pages stay out, pages do not shift, the total holds', async () => {
    sandbox = await startFlexFactorSandbox(250);
    const store = sandbox.flexfactor.store;
    const provider = sandboxProvider(sandbox);
    for (const sort of [
      { field: 'createdAt', direction: 'desc' },
      { field: 'createdAt', direction: 'asc' },
      { field: 'total', direction: 'desc' },
    ] as const) {
      const query = parseOrderQuery({
        limit: 20,
        sort,
        ...(sort.field === 'total' ? { currency: 'USD' } : {}),
      });
      const before = sortedIds(sandbox, query);
      const inserted: string[] = [];
      const { delivered, totals } = await walkSequentially(provider, query, () => {
        for (let count = 0; count < 7; count++) inserted.push(store.insert({}).id);
      });
      // Without the pin, newest-first pages would shift by 7 each time and repeat orders.
      expect(ids(delivered)).toEqual(before);
      // The total holds; FlexFactor counts every currency (the currency filter is local).
      expect(new Set(totals).size).toBe(1);
      if (sort.field !== 'total') expect(totals[0]).toBe(before.length);
      expect(delivered.some((order) => inserted.includes(order.id))).toBe(false);
    }
  });

  it('realigns after deletes before the position: every surviving order exactly once', async () => {
    sandbox = await startFlexFactorSandbox(400);
    const store = sandbox.flexfactor.store;
    const provider = sandboxProvider(sandbox);
    const query = parseOrderQuery({ limit: 25 });
    const original = sortedIds(sandbox, query);
    const deleted = new Set<string>();
    const remove = (id: string | undefined) => {
      if (id && store.delete(id)) deleted.add(id);
    };
    const { delivered } = await walkSequentially(provider, query, (pageIndex, sofar) => {
      const position = sofar.length;
      if (pageIndex === 2) remove(original[3]); // one before the position
      if (pageIndex === 4) for (const id of original.slice(30, 55)) remove(id); // exactly a page
      if (pageIndex === 6) remove(original[position - 1]); // the last order delivered itself
      if (pageIndex === 8) {
        for (const id of original.slice(60, 100)) remove(id); // before, more than a page
        remove(original[position + 5]); // and one ahead of the position
      }
      if (pageIndex === 10) for (const id of original.slice(position, position + 30)) remove(id);
    });
    const surviving = original.filter((id) => !deleted.has(id));
    expectEachOnce(
      delivered.filter((order) => surviving.includes(order.id)),
      surviving,
    );
    expect(ids(delivered).filter((id) => !surviving.includes(id))).toEqual(
      // Orders deleted before the position were delivered before they were deleted: once each.
      [...new Set(ids(delivered).filter((id) => deleted.has(id)))],
    );
    expect(new Set(ids(delivered)).size).toBe(delivered.length);
  });

  it.each([
    { field: 'total', direction: 'asc' },
    { field: 'total', direction: 'desc' },
    { field: 'id', direction: 'asc' },
  ] as const)(
    'realigns in a listing sorted by $field $direction, with ties across pages',
    async (sort) => {
      sandbox = await startFlexFactorSandbox(300);
      const store = sandbox.flexfactor.store;
      // 80 orders of exactly 10.00 USD: a run of equal sort values spanning several pages.
      for (const row of store.list().slice(100, 180)) {
        store.update(row.id, { amount: 10, currencyCode: 'USD', formattedAmount: '$10.00' });
      }
      const provider = sandboxProvider(sandbox);
      const query = parseOrderQuery({
        limit: 20,
        sort,
        ...(sort.field === 'total' ? { currency: 'USD' } : {}),
      });
      const original = sortedIds(sandbox, query);
      const deleted = new Set<string>();
      const remove = (id: string | undefined) => {
        if (id && store.delete(id)) deleted.add(id);
      };
      const { delivered } = await walkSequentially(provider, query, (pageIndex, sofar) => {
        const position = sofar.length;
        // The last order delivered, and others before the position.
        if (pageIndex === 3 || pageIndex === 5 || pageIndex === 7) {
          remove(original[position - 1]);
          remove(original[position - 4]);
          remove(original[position - 30]);
        }
      });
      const surviving = original.filter((id) => !deleted.has(id));
      expectEachOnce(delivered, surviving);
      expect(new Set(ids(delivered)).size).toBe(delivered.length);
    },
  );

  it('realigns after back-dated inserts before the position: no order twice, none missing', async () => {
    sandbox = await startFlexFactorSandbox(300);
    const store = sandbox.flexfactor.store;
    const provider = sandboxProvider(sandbox);
    const query = parseOrderQuery({ limit: 30, sort: { field: 'createdAt', direction: 'asc' } });
    const original = sortedIds(sandbox, query);
    const oldest = groundTruth(sandbox).sort(orderComparator(query))[0]?.createdAt ?? '';
    const { delivered } = await walkSequentially(provider, query, (pageIndex) => {
      if (pageIndex % 3 === 0) {
        // Created "before" everything already walked: FlexFactor's offsets move forward.
        for (let count = 0; count < 11; count++) {
          store.insert({ createdOn: oldest.replace(/^\d{4}/, '2020') });
        }
      }
    });
    expectEachOnce(delivered, original);
    expect(new Set(ids(delivered)).size).toBe(delivered.length);
  });

  it('core fetches pages in parallel, with the same result as one page at a time', async () => {
    sandbox = await startFlexFactorSandbox(1_000);
    sandbox.faults.set('flexfactor', { latencyMs: 15 });
    let inFlight = 0;
    let mostInFlight = 0;
    const provider = sandboxProvider(sandbox, {
      hooks: {
        onRequest: (event) => {
          if (event.url.includes('/orders')) mostInFlight = Math.max(mostInFlight, ++inFlight);
        },
        onResponse: (event) => {
          if (event.url.includes('/orders')) inFlight -= 1;
        },
      },
    });
    const query = {
      limit: 50,
      currency: 'USD',
      sort: { field: 'total', direction: 'asc' },
    } as const;
    const parallel: Order[] = [];
    const pageNumbers: Array<number | undefined> = [];
    for await (const page of pages(provider, query, { concurrency: 4 })) {
      parallel.push(...page.orders);
      pageNumbers.push(page.pageNumber);
    }
    expect(mostInFlight).toBeGreaterThan(1);
    expect(mostInFlight).toBeLessThanOrEqual(4);
    expect(pageNumbers).toEqual(Array.from({ length: 20 }, (_, index) => index + 1));
    mostInFlight = 0;
    const sequential: Order[] = [];
    for await (const order of paginate(provider, query, { concurrency: 1, prefetch: false })) {
      sequential.push(order);
    }
    expect(mostInFlight).toBe(1);
    expect(ids(parallel)).toEqual(ids(sequential));
    expect(ids(parallel)).toEqual(sortedIds(sandbox, parseOrderQuery(query)));
  });

  it('a parallel walk survives deletes: core falls back to sequential pages, which realign', async () => {
    sandbox = await startFlexFactorSandbox(1_000);
    const store = sandbox.flexfactor.store;
    const provider = sandboxProvider(sandbox);
    const query = parseOrderQuery({ limit: 40 });
    const original = sortedIds(sandbox, query);
    const deleted = new Set<string>();
    const delivered: Order[] = [];
    for await (const page of pages(provider, query, { concurrency: 4 })) {
      delivered.push(...page.orders);
      if (delivered.length === 120) {
        for (const id of original.slice(10, 70)) if (store.delete(id)) deleted.add(id);
      }
    }
    const surviving = original.filter((id) => !deleted.has(id));
    expectEachOnce(delivered, surviving);
    expect(new Set(ids(delivered)).size).toBe(delivered.length);
  });

  it('walks 10,000 orders while new ones are created: every original once, none created during the walk', async () => {
    sandbox = await startFlexFactorSandbox(10_000);
    const store = sandbox.flexfactor.store;
    const provider = sandboxProvider(sandbox);
    const query = parseOrderQuery({ limit: 500 });
    const original = sortedIds(sandbox, query);
    const inserted = new Set<string>();
    const delivered: Order[] = [];
    for await (const order of paginate(provider, query, { concurrency: 4 })) {
      delivered.push(order);
      if (delivered.length % 250 === 0) {
        for (let count = 0; count < 25; count++) inserted.add(store.insert({}).id);
      }
    }
    expect(inserted.size).toBe(1_000);
    expect(delivered).toHaveLength(10_000);
    expect(ids(delivered)).toEqual(original);
  });
});
