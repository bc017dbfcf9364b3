import { deflateRawSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../errors/configuration-error.js';
import { InvalidQueryError } from '../errors/invalid-query-error.js';
import { NotFoundError } from '../errors/not-found-error.js';
import { ProviderUnavailableError } from '../errors/provider-unavailable-error.js';
import type { Order } from '../model/order.js';
import { collect } from '../pagination/pages.js';
import { orderComparator } from '../query/order-match.js';
import type { SortDirection, SortField } from '../query/order-query.js';
import { createArrayProvider, makeOrder } from '../test-support/array-provider.js';
import { createOrderClient, DEFAULT_SCAN_PAGE_REQUESTS, type OrderClient } from './order-client.js';

async function walkList(client: OrderClient, query: Record<string, unknown>, limits: () => number) {
  const seen: Order[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 10_000; page++) {
    const result = await client.list({ ...query, limit: limits(), ...(cursor ? { cursor } : {}) });
    seen.push(...result.orders);
    if (result.nextCursor === null) return seen;
    cursor = result.nextCursor;
  }
  throw new Error('list never ended');
}

const currencies = ['USD', 'JPY', 'KWD'] as const;
const orderArbitrary = (provider: string) =>
  fc
    .record({
      id: fc.stringMatching(/^[a-z0-9]{1,6}$/),
      day: fc.integer({ min: 1, max: 5 }), // few distinct timestamps: plenty of ties
      amount: fc.integer({ min: 0, max: 2000 }),
      currency: fc.constantFrom(...currencies),
    })
    .map(({ id, day, amount, currency }) =>
      makeOrder(provider, id, {
        createdAt: `2025-01-0${day}T00:00:00.000Z`,
        updatedAt: day % 2 === 0 ? `2025-02-0${day}T00:00:00.000Z` : null,
        totals: {
          subtotal: null,
          tax: null,
          refunded: null,
          total: { amountMinor: amount, currency },
        },
      }),
    );
const datasetArbitrary = fc.integer({ min: 1, max: 4 }).chain((count) =>
  fc.tuple(
    ...Array.from({ length: count }, (_, index) =>
      fc.uniqueArray(orderArbitrary(`p${index}`), {
        maxLength: 40,
        selector: (order) => order.id,
      }),
    ),
  ),
);

describe('createOrderClient list (property)', () => {
  it('walking list through the composite cursor returns exactly the union, in order, once', async () => {
    await fc.assert(
      fc.asyncProperty(
        datasetArbitrary,
        fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 4, maxLength: 4 }),
        fc.constantFrom<SortField>('createdAt', 'updatedAt', 'id', 'total'),
        fc.constantFrom<SortDirection>('asc', 'desc'),
        fc.integer({ min: 1, max: 20 }),
        fc.constantFrom(...currencies),
        async (datasets, pageSizes, field, direction, limit, currency) => {
          const providers = datasets.map((orders, index) =>
            createArrayProvider(`p${index}`, orders, {
              maxPageSize: pageSizes[index]!,
              defaultPageSize: pageSizes[index]!,
            }),
          );
          const client = createOrderClient({ providers });
          const sort = { field, direction };
          // A total sort ranks one currency (amounts of different currencies have no order).
          const currencyFilter = field === 'total' ? { currency } : {};
          const seen = await walkList(client, { sort, ...currencyFilter }, () => limit);
          const expected = datasets
            .flat()
            .filter((order) => field !== 'total' || order.totals.total.currency === currency)
            .sort(orderComparator(sort));
          expect(seen.map((order) => order.key)).toEqual(expected.map((order) => order.key));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('also holds when the page size changes between calls', async () => {
    await fc.assert(
      fc.asyncProperty(
        datasetArbitrary,
        fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 30 }),
        async (datasets, limits) => {
          const providers = datasets.map((orders, index) =>
            createArrayProvider(`p${index}`, orders, { maxPageSize: 3 }),
          );
          let call = 0;
          const seen = await walkList(
            createOrderClient({ providers }),
            {},
            () => limits[call++ % limits.length]!,
          );
          const expected = datasets
            .flat()
            .sort(orderComparator({ field: 'createdAt', direction: 'desc' }));
          expect(seen.map((order) => order.key)).toEqual(expected.map((order) => order.key));
        },
      ),
      { numRuns: 60 },
    );
  });
});

const small = (provider: string, count: number) =>
  Array.from({ length: count }, (_, index) =>
    makeOrder(provider, `${provider}-${String(index).padStart(2, '0')}`, {
      createdAt: new Date(Date.UTC(2025, 0, 1, index)).toISOString(),
    }),
  );

describe('createOrderClient', () => {
  it('rejects a cursor reused with a different query', async () => {
    const client = createOrderClient({ providers: [createArrayProvider('a', small('a', 10))] });
    const first = await client.list({ limit: 3 });
    expect(first.nextCursor).not.toBeNull();
    await expect(
      client.list({ limit: 3, cursor: first.nextCursor!, customerId: 'c1' }),
    ).rejects.toThrow(/different query/);
    await expect(client.list({ cursor: 'garbage!' })).rejects.toThrow(InvalidQueryError);
    const same = await client.list({ limit: 3, cursor: first.nextCursor! });
    expect(same.orders).toHaveLength(3);
  });

  it('rejects a forged cursor whose fields are of the wrong kind, naming the cursor', async () => {
    const client = createOrderClient({ providers: [createArrayProvider('a', small('a', 10))] });
    const first = await client.list({ limit: 3 });
    const decoded = JSON.parse(Buffer.from(first.nextCursor!, 'base64url').toString());
    const forge = (change: (cursor: typeof decoded) => void) => {
      const copy = structuredClone(decoded);
      change(copy);
      return Buffer.from(JSON.stringify(copy)).toString('base64url');
    };
    const forged = [
      forge((cursor) => (cursor.s = 'x')),
      forge((cursor) => (cursor.s = -1)),
      forge((cursor) => (cursor.s = 1.5)),
      forge((cursor) => delete cursor.s),
      forge((cursor) => (cursor.p.a[1] = 99)), // an offset past the page size
      forge((cursor) => (cursor.p.a[3] = { not: 'a timestamp' })),
      forge((cursor) => (cursor.p.a[3] = 42)),
      forge((cursor) => (cursor.p.a[3] = 'yesterday')),
      forge((cursor) => (cursor.p.a = [null, 1])),
      forge((cursor) => (cursor.f = { status: ['no-such-status'] })),
      forge((cursor) => (cursor.v = 3)),
      // The deflated form cursors had before 2026-12 is read, and checked as strictly.
      deflateRawSync(JSON.stringify({ ...decoded, s: -1 })).toString('base64url'),
      `${deflateRawSync(JSON.stringify(decoded)).toString('base64url').slice(0, -3)}AAA`,
    ];
    for (const cursor of forged) {
      const error = await client.list({ limit: 3, cursor }).catch((caught) => caught);
      expect(InvalidQueryError.isInstance(error)).toBe(true);
      expect(error.issues).toEqual([
        { field: 'cursor', message: 'is not a cursor returned by this client' },
      ]);
    }
  });

  it('continues a listing from its cursor alone: filters, sort and providers come with it', async () => {
    const client = createOrderClient({
      providers: [createArrayProvider('a', small('a', 9)), createArrayProvider('b', small('b', 9))],
    });
    const query = {
      limit: 4,
      createdFrom: '2025-01-01T02:00:00Z',
      sort: { field: 'createdAt', direction: 'asc' },
    } as const;
    const first = await client.list(query, { providers: ['b'] });
    const continued = await client.list({ cursor: first.nextCursor! });
    const repeated = await client.list(
      { ...query, cursor: first.nextCursor! },
      { providers: ['b'] },
    );
    expect(continued.orders.map((order) => order.key)).toEqual(
      repeated.orders.map((order) => order.key),
    );
    expect(continued.orders.every((order) => order.provider === 'b')).toBe(true);
    expect(continued.orders[0]!.createdAt > first.orders.at(-1)!.createdAt).toBe(true);
    // The page size may change on the way.
    expect((await client.list({ cursor: first.nextCursor!, limit: 2 })).orders).toHaveLength(2);
  });

  it('keeps a two-provider cursor short enough to paste', async () => {
    const client = createOrderClient({
      providers: [createArrayProvider('a', small('a', 9)), createArrayProvider('b', small('b', 9))],
    });
    const page = await client.list({ limit: 3, status: ['pending'], createdFrom: '2025-01-01' });
    expect(page.nextCursor!.length).toBeLessThan(300);
  });

  it('rejects a cursor used with another provider selection', async () => {
    const client = createOrderClient({
      providers: [createArrayProvider('a', small('a', 5)), createArrayProvider('b', small('b', 5))],
    });
    const first = await client.list({ limit: 2 });
    await expect(
      client.list({ limit: 2, cursor: first.nextCursor! }, { providers: ['a'] }),
    ).rejects.toThrow(/different query/);
  });

  it('resumes exactly after the last order when a page shifted under the cursor', async () => {
    const data = small('a', 12);
    const client = createOrderClient({
      providers: [createArrayProvider('a', data, { maxPageSize: 5 })],
    });
    const first = await client.list({ limit: 3, sort: { field: 'createdAt', direction: 'asc' } });
    // Two orders inserted before the cursor's position shift the provider's offset pages.
    data.unshift(makeOrder('a', 'early-1', { createdAt: '2024-01-01T00:00:00.000Z' }));
    data.unshift(makeOrder('a', 'early-2', { createdAt: '2024-01-02T00:00:00.000Z' }));
    const rest: Order[] = [];
    let cursor = first.nextCursor;
    while (cursor) {
      const page = await client.list({
        limit: 4,
        sort: { field: 'createdAt', direction: 'asc' },
        cursor,
      });
      rest.push(...page.orders);
      cursor = page.nextCursor;
    }
    const keys = [...first.orders, ...rest].map((order) => order.id);
    expect(keys).toEqual(small('a', 12).map((order) => order.id));
  });

  it('fails by default with the failing provider named', async () => {
    const client = createOrderClient({
      providers: [
        createArrayProvider('good', small('good', 3)),
        createArrayProvider('bad', small('bad', 3), {
          fail: () =>
            new ProviderUnavailableError({
              provider: 'bad',
              status: 503,
              message: 'bad is down (HTTP 503)',
            }),
        }),
      ],
    });
    const error = await client.list().catch((caught) => caught);
    expect(ProviderUnavailableError.isInstance(error)).toBe(true);
    expect(error.provider).toBe('bad');
  });

  it('returns the others plus a per-provider error in partial mode, and retries it next page', async () => {
    let failing = true;
    const client = createOrderClient({
      onProviderError: 'partial',
      providers: [
        createArrayProvider('good', small('good', 4)),
        createArrayProvider('flaky', small('flaky', 4), {
          fail: () =>
            failing
              ? new ProviderUnavailableError({ provider: 'flaky', status: 503, message: 'down' })
              : undefined,
        }),
      ],
    });
    const first = await client.list({ limit: 3 });
    expect(first.orders.map((order) => order.provider)).toEqual(['good', 'good', 'good']);
    expect(first.errors).toEqual([
      { provider: 'flaky', error: expect.objectContaining({ provider: 'flaky' }) },
    ]);
    failing = false;
    const second = await client.list({ limit: 10, cursor: first.nextCursor! });
    expect(second.errors).toEqual([]);
    expect(second.orders.filter((order) => order.provider === 'flaky')).toHaveLength(4);
    expect(second.orders.filter((order) => order.provider === 'good')).toHaveLength(1);
  });

  it('iterate streams the merged union and its cursor resumes a list walk', async () => {
    const providers = [
      createArrayProvider('a', small('a', 9)),
      createArrayProvider('b', small('b', 7)),
    ];
    const client = createOrderClient({ providers });
    const all = await collect(client.iterate({ limit: 4 }), { max: 100 });
    const expected = [...small('a', 9), ...small('b', 7)].sort(
      orderComparator({ field: 'createdAt', direction: 'desc' }),
    );
    expect(all.map((order) => order.key)).toEqual(expected.map((order) => order.key));

    const iteration = client.iterate({ limit: 4 });
    const head: Order[] = [];
    for await (const order of iteration) {
      head.push(order);
      if (head.length === 6) break;
    }
    const checkpoint = iteration.cursor();
    expect(checkpoint).not.toBeNull();
    const tail = await collect(client.iterate({ limit: 4, cursor: checkpoint! }), { max: 100 });
    expect([...head, ...tail].map((order) => order.key)).toEqual(
      expected.map((order) => order.key),
    );
  });

  it('gets one order by key and explains bad keys', async () => {
    const client = createOrderClient({ providers: [createArrayProvider('a', small('a', 3))] });
    expect((await client.get('a:a-01')).id).toBe('a-01');
    await expect(client.get('a:missing')).rejects.toSatisfy((error) =>
      NotFoundError.isInstance(error),
    );
    await expect(client.get('nocolon')).rejects.toThrow(/not an order key/);
    await expect(client.get('zzz:1')).rejects.toThrow(
      /provider "zzz" is not configured; configured: a/,
    );
  });

  it('lists providers and validates the configuration', () => {
    const client = createOrderClient({ providers: [createArrayProvider('a', [])] });
    expect(client.providers()).toEqual([
      expect.objectContaining({ id: 'a', specificationVersion: 'v1' }),
    ]);
    expect(() => createOrderClient({ providers: [] })).toThrow(ConfigurationError);
    expect(() =>
      createOrderClient({
        providers: [createArrayProvider('a', []), createArrayProvider('a', [])],
      }),
    ).toThrow(/share the id "a"/);
    expect(() =>
      createOrderClient({
        providers: [{ ...createArrayProvider('a', []), specificationVersion: 'v0' as 'v1' }],
      }),
    ).toThrow(/port v0/);
  });

  it('refuses to list from an unknown provider selection', async () => {
    const client = createOrderClient({ providers: [createArrayProvider('a', [])] });
    await expect(client.list({}, { providers: ['b'] })).rejects.toThrow(/unknown provider "b"/);
  });
});

describe('createOrderClient scan budget', () => {
  const manyOrders = (provider: string, count: number, matchEvery = 0) =>
    Array.from({ length: count }, (_, index) =>
      makeOrder(provider, `o${String(index).padStart(4, '0')}`, {
        createdAt: `2025-01-01T00:00:${String(index % 60).padStart(2, '0')}.${String(index).padStart(3, '0')}Z`,
        reference: matchEvery > 0 && index % matchEvery === 0 ? `needle-${index}` : `hay-${index}`,
      }),
    );

  it('reads a local-filter scan at the largest page size and stops at the budget with a cursor and a warning', async () => {
    const provider = createArrayProvider('p0', manyOrders('p0', 300), { maxPageSize: 10 });
    const client = createOrderClient({ providers: [provider] });
    const page = await client.list({ search: 'zzz', limit: 1 });
    expect(page.orders).toEqual([]);
    expect(provider.calls.length).toBe(DEFAULT_SCAN_PAGE_REQUESTS);
    expect(provider.calls.every((query) => query.limit === 10)).toBe(true);
    expect(page.nextCursor).not.toBeNull();
    expect(page.scanned).toEqual({
      pageRequests: DEFAULT_SCAN_PAGE_REQUESTS,
      byProvider: { p0: DEFAULT_SCAN_PAGE_REQUESTS },
      isBudgetExhausted: true,
    });
    const warning = page.warnings.find((entry) => entry.code === 'scan-budget-exhausted');
    expect(warning?.message).toContain(`${DEFAULT_SCAN_PAGE_REQUESTS} provider page requests`);

    // The cursor continues the scan where it stopped: the rest of the 30 pages, then the end.
    const rest = await client.list({ search: 'zzz', limit: 1, cursor: page.nextCursor! });
    expect(rest.orders).toEqual([]);
    expect(rest.nextCursor).toBeNull();
    expect(provider.calls.length).toBe(30);
  });

  it('walking a budget-limited scan through its cursors finds every match exactly once, in order', async () => {
    const orders = manyOrders('p0', 200, 17);
    const other = manyOrders('p1', 120, 9);
    const client = createOrderClient({
      providers: [
        createArrayProvider('p0', orders, { maxPageSize: 7 }),
        createArrayProvider('p1', other, { maxPageSize: 5 }),
      ],
      scanBudget: { maxPageRequests: 3 },
    });
    const seen = await walkList(client, { search: 'needle' }, () => 4);
    const expected = [...orders, ...other]
      .filter((order) => order.reference?.startsWith('needle'))
      .sort(orderComparator({}));
    expect(seen.map((order) => order.key)).toEqual(expected.map((order) => order.key));
  });

  it('a per-call budget overrides the client one field by field, and a bad budget is a configuration error', async () => {
    const provider = createArrayProvider('p0', manyOrders('p0', 100), { maxPageSize: 10 });
    const client = createOrderClient({ providers: [provider] });
    const page = await client.list({ search: 'zzz' }, { scanBudget: { maxPageRequests: 2 } });
    expect(provider.calls.length).toBe(2);
    expect(page.scanned.isBudgetExhausted).toBe(true);
    // The client's time budget (none left) still applies when a call sets only the page requests.
    const timed = createArrayProvider('p1', manyOrders('p1', 100), { maxPageSize: 10 });
    const timedClient = createOrderClient({ providers: [timed], scanBudget: { maxDurationMs: 0 } });
    await timedClient.list({ search: 'zzz' }, { scanBudget: { maxPageRequests: 50 } });
    expect(timed.calls.length).toBe(1);
    expect(() =>
      createOrderClient({ providers: [provider], scanBudget: { maxPageRequests: 0 } }),
    ).toThrow(ConfigurationError);
  });

  it('answers a filter a provider can never match without asking it', async () => {
    const never = createArrayProvider('p0', manyOrders('p0', 50), {
      neverMatchingFilters: ['customerId'],
    });
    const client = createOrderClient({ providers: [never] });
    const page = await client.list({ customerId: 'cus_1', limit: 1 });
    expect(page.orders).toEqual([]);
    expect(page.nextCursor).toBeNull();
    expect(never.calls).toEqual([]);
    expect(page.warnings.map((warning) => warning.code)).toEqual(['filter-never-matches']);
  });

  it('refuses order ids that would change the request path, before asking the provider', async () => {
    const provider = createArrayProvider('p0', manyOrders('p0', 3));
    let asked = 0;
    const getOrder = provider.getOrder.bind(provider);
    provider.getOrder = (id, options) => {
      asked += 1;
      return getOrder(id, options);
    };
    const client = createOrderClient({ providers: [provider] });
    for (const id of ['.', '..', 'a/b', 'a\nb', ' ', 'a\u0000b', 'a\u0085b']) {
      const error = await client.get(`p0:${id}`).catch((caught: unknown) => caught);
      expect(InvalidQueryError.isInstance(error), JSON.stringify(id)).toBe(true);
      expect((error as InvalidQueryError).issues[0]?.field).toBe('key');
    }
    expect(asked).toBe(0);
  });
});
