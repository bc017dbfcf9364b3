import { describe, expect, it } from 'vitest';
import { ProviderResponseError } from '../errors/provider-response-error.js';
import type { Order } from '../model/order.js';
import type { OrderPage, OrderProvider } from '../provider/order-provider.js';
import {
  createArrayProvider,
  identityStatusMap,
  makeOrder,
} from '../test-support/array-provider.js';
import { collect, pages, paginate } from './pages.js';

const orders = Array.from({ length: 53 }, (_, index) =>
  makeOrder('p', `o${String(index).padStart(3, '0')}`, {
    createdAt: new Date(Date.UTC(2025, 0, 1) + index * 60_000).toISOString(),
    status: index % 3 === 0 ? 'completed' : 'pending',
  }),
);

describe('paginate', () => {
  it('walks every page in order', async () => {
    const provider = createArrayProvider('p', orders);
    const seen = await collect(
      paginate(provider, { limit: 10, sort: { field: 'createdAt', direction: 'asc' } }),
      { max: 1000 },
    );
    expect(seen.map((order) => order.id)).toEqual(orders.map((order) => order.id));
    expect(provider.calls).toHaveLength(6);
  });

  it('collects warnings once, not once per page', async () => {
    const provider = createArrayProvider('p', orders);
    const iterable = paginate(provider, { status: ['completed'], limit: 10 });
    const seen = await collect(iterable, { max: 1000 });
    expect(seen).toHaveLength(18);
    expect(iterable.warnings).toEqual([
      expect.objectContaining({ code: 'filter-emulated', field: 'status' }),
    ]);
  });

  it('collect stops at max and stops fetching', async () => {
    const provider = createArrayProvider('p', orders);
    const seen = await collect(paginate(provider, { limit: 10 }, { prefetch: false }), { max: 15 });
    expect(seen).toHaveLength(15);
    expect(provider.calls).toHaveLength(2);
  });

  it('collect requires a cap', async () => {
    const provider = createArrayProvider('p', orders);
    await expect(collect(paginate(provider), {} as { max: number })).rejects.toThrow(
      /needs \{ max \}/,
    );
  });

  it('prefetches the next page while the caller consumes the current one', async () => {
    const provider = createArrayProvider('p', orders);
    const iterator = pages(provider, { limit: 10 })[Symbol.asyncIterator]();
    await iterator.next();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(provider.calls).toHaveLength(2); // page 2 requested before the caller asked for it
    await iterator.return?.();
  });

  it('turns a repeating cursor into an error, not an endless loop', async () => {
    const provider: OrderProvider = {
      ...createArrayProvider('loop', orders),
      async listOrders(query): Promise<OrderPage> {
        return {
          orders: [makeOrder('loop', query.cursor ?? 'first')],
          nextCursor: query.cursor === 'b' ? 'a' : query.cursor === 'a' ? 'b' : 'a',
          warnings: [],
        };
      },
    };
    const error = await collect(paginate(provider), { max: 1000 }).catch((caught) => caught);
    expect(ProviderResponseError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(/same cursor again/);
  });

  it('wraps a raw provider error so it names the provider', async () => {
    const provider = createArrayProvider('rawfail', orders, { fail: () => new Error('kaboom') });
    const error = await collect(paginate(provider), { max: 10 }).catch((caught) => caught);
    expect(error.provider).toBe('rawfail');
    expect(error.message).toMatch(/rawfail.*kaboom/);
  });
});

/** A page-number provider with a pinned dataset whose pages can be fetched in parallel. */
function pageNumberProvider(data: Order[], options: { pageSize: number; delayMs?: number }) {
  let inFlight = 0;
  let maxInFlight = 0;
  const requested: number[] = [];
  const provider: OrderProvider = {
    specificationVersion: 'v1',
    id: 'paged',
    statusMap: identityStatusMap,
    capabilities: {
      filters: [],
      statusFilterValues: 'none',
      sorts: ['createdAt'],
      defaultPageSize: options.pageSize,
      maxPageSize: options.pageSize,
      pageNumbers: true,
      totalCount: true,
    },
    async listOrders(query) {
      const pageNumber = query.cursor ? Number(query.cursor) : 1;
      requested.push(pageNumber);
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((resolve) => setTimeout(resolve, options.delayMs ?? 5));
      inFlight -= 1;
      const pageCount = Math.ceil(data.length / options.pageSize);
      return {
        orders: data.slice((pageNumber - 1) * options.pageSize, pageNumber * options.pageSize),
        nextCursor: pageNumber < pageCount ? String(pageNumber + 1) : null,
        totalCount: data.length,
        pageNumber,
        pageCount,
        warnings: [],
      };
    },
    async getOrder() {
      throw new Error('unused');
    },
    cursorForPage: (_first, pageNumber) => String(pageNumber),
  };
  return { provider, requested, maxInFlight: () => maxInFlight };
}

describe('parallel page-number fetching', () => {
  it('fetches pages in parallel, bounded, and yields them in order', async () => {
    const { provider, maxInFlight, requested } = pageNumberProvider(orders, {
      pageSize: 5,
      delayMs: 20,
    });
    const seen = await collect(paginate(provider, {}, { concurrency: 3 }), { max: 1000 });
    expect(seen.map((order) => order.id)).toEqual(orders.map((order) => order.id));
    expect(maxInFlight()).toBe(3);
    expect(new Set(requested).size).toBe(11);
    expect(requested).toHaveLength(11);
  });

  it('a walk resumed at page k fetches only the pages after k', async () => {
    const { provider, requested } = pageNumberProvider(orders, { pageSize: 5 });
    const seen = await collect(paginate(provider, { cursor: '5' }, { concurrency: 3 }), {
      max: 1000,
    });
    expect(seen.map((order) => order.id)).toEqual(orders.slice(20).map((order) => order.id));
    expect([...requested].sort((a, b) => a - b)).toEqual([5, 6, 7, 8, 9, 10, 11]);
  });

  it('falls back to sequential pages when the total changes mid-walk', async () => {
    const data = [...orders];
    const { provider, requested } = pageNumberProvider(data, { pageSize: 5, delayMs: 5 });
    const iterator = paginate(provider, {}, { concurrency: 2 })[Symbol.asyncIterator]();
    const seen: string[] = [];
    for (;;) {
      const step = await iterator.next();
      if (step.done) break;
      seen.push(step.value.id);
      if (seen.length === 12) data.pop(); // the listing shrinks under the walk
    }
    // Every page after the change was re-fetched sequentially from the last good cursor.
    expect(seen.length).toBeGreaterThanOrEqual(52);
    expect(new Set(seen).size).toBe(seen.length);
    expect(requested.length).toBeGreaterThan(11);
  });
});
