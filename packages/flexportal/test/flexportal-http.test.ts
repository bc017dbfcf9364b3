// The adapter over real HTTP against the FlexPortal simulator of @orderbridge/sandbox: every request
// parameter, every documented error code, tenant isolation, faults and the rate limit.

import {
  AuthenticationError,
  type CallOptions,
  compareSortValues,
  InvalidQueryError,
  NotFoundError,
  type Order,
  type OrderQueryInput,
  PermissionError,
  ProviderApiError,
  ProviderResponseError,
  ProviderUnavailableError,
  parseOrderQuery,
  RateLimitError,
  type SortField,
  sortValueOf,
} from '@orderbridge/core';
import {
  type Sandbox,
  flexPortalOrderSchema as sandboxOrderSchema,
  startSandbox,
} from '@orderbridge/sandbox';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fullOrder, minimalOrder } from '../src/__fixtures__/flexportal-payloads.js';
import { type FlexPortalProvider, flexPortalOrderSchema } from '../src/index.js';
import { groundTruth, listRequests, recordingFetch, sandboxProvider } from './sandbox-support.js';

let sandbox: Sandbox;
let truth: Order[];

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 11, orders: 600 });
  truth = groundTruth(sandbox);
});
afterAll(() => sandbox.close());
afterEach(() => {
  sandbox.faults.clear();
});

/** Walks every page of a listing; returns the orders, the pages' sizes and the warnings. */
async function walk(
  provider: FlexPortalProvider,
  input: OrderQueryInput,
  options: CallOptions = {},
): Promise<{ orders: Order[]; pageSizes: number[]; warnings: string[] }> {
  const orders: Order[] = [];
  const pageSizes: number[] = [];
  const warnings = new Set<string>();
  let cursor: string | undefined;
  for (let page = 0; page < 1000; page++) {
    const result = await provider.listOrders(parseOrderQuery({ ...input, cursor }), options);
    orders.push(...result.orders);
    pageSizes.push(result.orders.length);
    for (const warning of result.warnings) warnings.add(`${warning.code}:${warning.field ?? ''}`);
    if (result.nextCursor === null) break;
    cursor = result.nextCursor;
  }
  return { orders, pageSizes, warnings: [...warnings] };
}

const ids = (orders: readonly Order[]) => orders.map((order) => order.id);
const sortedIds = (orders: readonly Order[]) => ids(orders).sort();

async function failure(action: () => unknown): Promise<unknown> {
  try {
    await action();
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

describe('wire format: the adapter and the independently written simulator agree', () => {
  it('every order the sandbox holds passes the adapter schema, and maps without warnings', () => {
    const wire = sandbox.flexportal.store.list();
    expect(wire.length).toBe(600);
    for (const record of wire) expect(flexPortalOrderSchema.safeParse(record).success).toBe(true);
    expect(truth).toHaveLength(600);
  });

  it("the hand-written fixtures pass the sandbox's own schema", () => {
    expect(sandboxOrderSchema.safeParse(fullOrder()).success).toBe(true);
    expect(sandboxOrderSchema.safeParse(minimalOrder()).success).toBe(true);
  });

  it('a full walk returns exactly the ground truth', async () => {
    const { orders } = await walk(sandboxProvider(sandbox), { limit: 100 });
    expect(orders).toEqual(
      [...truth].sort(
        (left, right) =>
          compareSortValues('createdAt', right.createdAt, left.createdAt) ||
          (left.id < right.id ? 1 : -1),
      ),
    );
  });
});

describe('request parameters', () => {
  it('limit: pages hold at most the limit, the default is 50, and walks cover every order', async () => {
    const fetch = recordingFetch();
    const provider = sandboxProvider(sandbox, { fetch });
    const seven = await walk(provider, { limit: 7, sort: { field: 'id', direction: 'asc' } });
    expect(fetch.urls.every((url) => url.searchParams.get('limit') === '7')).toBe(true);
    expect(Math.max(...seven.pageSizes)).toBe(7);
    expect(sortedIds(seven.orders)).toEqual(sortedIds(truth));
    const first = await provider.listOrders(parseOrderQuery({}));
    expect(fetch.urls.at(-1)?.searchParams.get('limit')).toBe('50');
    expect(first.orders).toHaveLength(50);
  });

  it('startAfter: the next page starts after the cursor of the previous one', async () => {
    const fetch = recordingFetch();
    const provider = sandboxProvider(sandbox, { fetch });
    const first = await provider.listOrders(parseOrderQuery({ limit: 10 }));
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await provider.listOrders(
      parseOrderQuery({ limit: 10, cursor: first.nextCursor! }),
    );
    expect(fetch.urls[1]?.searchParams.get('startAfter')).toBe(first.nextCursor);
    const both = await provider.listOrders(parseOrderQuery({ limit: 20 }));
    expect(ids([...first.orders, ...second.orders])).toEqual(ids(both.orders));
  });

  const pushedStatuses: Array<[string, OrderQueryInput]> = [
    ['pending', { status: ['pending'] }],
    ['confirmed', { status: ['processing'], fulfillmentStatus: ['unfulfilled'] }],
    ['partial', { fulfillmentStatus: ['partially_fulfilled'] }],
    ['fulfilled', { status: ['completed'] }],
    ['cancelled', { status: ['cancelled'] }],
  ];
  for (const [raw, query] of pushedStatuses) {
    it(`status=${raw}: pushed down, exactly the orders with that status`, async () => {
      const fetch = recordingFetch();
      const { orders, warnings } = await walk(sandboxProvider(sandbox, { fetch }), {
        ...query,
        limit: 100,
      });
      expect(fetch.urls.every((url) => url.searchParams.get('status') === raw)).toBe(true);
      expect(warnings).toEqual([]);
      const expected = truth.filter((order) => order.providerStatus.code === raw);
      expect(expected.length).toBeGreaterThan(0);
      expect(sortedIds(orders)).toEqual(sortedIds(expected));
    });
  }

  it('a status set of several FlexPortal values: filtered locally, with a warning', async () => {
    const fetch = recordingFetch();
    const { orders, warnings } = await walk(sandboxProvider(sandbox, { fetch }), {
      status: ['processing'],
      limit: 100,
    });
    expect(fetch.urls.some((url) => url.searchParams.has('status'))).toBe(false);
    expect(warnings).toEqual(['filter-emulated:status']);
    const expected = truth.filter((order) =>
      ['confirmed', 'partial'].includes(String(order.providerStatus.code)),
    );
    expect(sortedIds(orders)).toEqual(sortedIds(expected));
  });

  it('customerId: pushed down, exactly that customer’s orders', async () => {
    const counts = new Map<string, number>();
    for (const order of truth) {
      const id = order.customer?.id ?? '';
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    const [customerId] = [...counts.entries()].sort((left, right) => right[1] - left[1])[0]!;
    const fetch = recordingFetch();
    const { orders } = await walk(sandboxProvider(sandbox, { fetch }), { customerId, limit: 5 });
    expect(fetch.urls.every((url) => url.searchParams.get('customerId') === customerId)).toBe(true);
    const expected = truth.filter((order) => order.customer?.id === customerId);
    expect(expected.length).toBeGreaterThan(1);
    expect(sortedIds(orders)).toEqual(sortedIds(expected));
  });

  const sorts: Array<[SortField, string]> = [
    ['createdAt', 'createdAt'],
    ['updatedAt', 'updatedAt'],
    ['id', 'orderId'],
    ['total', 'totals.total'],
  ];
  for (const [field, sortBy] of sorts) {
    for (const direction of ['asc', 'desc'] as const) {
      it(`sortBy=${sortBy} sortDir=${direction}: the walk follows the sort and covers every order`, async () => {
        const fetch = recordingFetch();
        // A total sort ranks one currency: walk the most common one.
        const currency = field === 'total' ? commonCurrency(truth) : undefined;
        const { orders } = await walk(sandboxProvider(sandbox, { fetch }), {
          sort: { field, direction },
          limit: 100,
          ...(currency ? { currency } : {}),
        });
        expect(fetch.urls.every((url) => url.searchParams.get('sortBy') === sortBy)).toBe(true);
        expect(fetch.urls.every((url) => url.searchParams.get('sortDir') === direction)).toBe(true);
        const sign = direction === 'asc' ? 1 : -1;
        for (let index = 1; index < orders.length; index++) {
          const previous = sortValueOf(orders[index - 1]!, field);
          const current = sortValueOf(orders[index]!, field);
          expect(sign * compareSortValues(field, previous, current)).toBeLessThanOrEqual(0);
        }
        const expected = currency
          ? truth.filter((order) => order.totals.total.currency === currency)
          : truth;
        expect(sortedIds(orders)).toEqual(sortedIds(expected));
      });
    }
  }

  it('a status sort is refused before any request', async () => {
    const fetch = recordingFetch();
    const provider = sandboxProvider(sandbox, { fetch });
    const error = await failure(() =>
      provider.listOrders(parseOrderQuery({ sort: { field: 'status', direction: 'asc' } })),
    );
    expect(InvalidQueryError.isInstance(error)).toBe(true);
    expect(fetch.urls).toHaveLength(0);
  });

  it('createdFrom sorted by createdAt descending stops early, with fewer requests than a full walk', async () => {
    const provider = sandboxProvider(sandbox);
    const byNewest = [...truth].sort((left, right) =>
      compareSortValues('createdAt', right.createdAt, left.createdAt),
    );
    const createdFrom = byNewest[149]!.createdAt;
    const before = listRequests(sandbox);
    const { orders, warnings } = await walk(provider, { createdFrom, limit: 50 });
    const used = listRequests(sandbox) - before;
    const expected = truth.filter(
      (order) => compareSortValues('createdAt', order.createdAt, createdFrom) >= 0,
    );
    expect(sortedIds(orders)).toEqual(sortedIds(expected));
    expect(warnings).toEqual(['early-stop:createdFrom']);
    expect(used).toBeLessThanOrEqual(4); // 150 orders at 50 a page (+1 to see the bound)
    expect(used).toBeLessThan(Math.ceil(truth.length / 50));
  });

  it('search and merchantId are emulated with a warning (no FlexPortal parameter)', async () => {
    const fetch = recordingFetch();
    const provider = sandboxProvider(sandbox, { fetch });
    const target = truth[17]!;
    const name = target.customer?.name ?? '';
    const searched = await walk(provider, { search: name.toUpperCase(), limit: 100 });
    expect(searched.warnings).toEqual(['filter-emulated:search']);
    expect(ids(searched.orders)).toContain(target.id);
    expect(
      searched.orders.every(
        (order) =>
          order.customer?.name?.toLowerCase().includes(name.toLowerCase()) ||
          order.customer?.email?.toLowerCase().includes(name.toLowerCase()) ||
          order.customer?.company?.toLowerCase().includes(name.toLowerCase()) ||
          order.id.toLowerCase().includes(name.toLowerCase()),
      ),
    ).toBe(true);
    const merchant = await provider.listOrders(parseOrderQuery({ merchantId: 'm_1' }));
    expect(merchant.orders).toEqual([]);
    expect(merchant.warnings.map((warning) => warning.field)).toEqual(['merchantId']);
    expect(
      fetch.urls.some(
        (url) => url.searchParams.has('search') || url.searchParams.has('merchantId'),
      ),
    ).toBe(false);
  });

  it('getOrder returns the same order as the listing', async () => {
    const provider = sandboxProvider(sandbox);
    const expected = truth[42]!;
    expect(await provider.getOrder(expected.id)).toEqual(expected);
  });
});

describe('errors', () => {
  it('401 AUTH_REQUIRED without an Authorization header', async () => {
    const fetch = recordingFetch((request) => {
      const headers = new Headers(request.headers);
      headers.delete('authorization');
      return new Request(request, { headers });
    });
    const error = await failure(() => sandboxProvider(sandbox, { fetch }).checkConnection());
    expect(AuthenticationError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ providerCode: 'AUTH_REQUIRED', status: 401 });
  });

  it('401 INVALID_TOKEN for a wrong key, without the key in the message', async () => {
    const apiKey = 'fp_test_wrong_key_123456';
    const error = await failure(() =>
      sandboxProvider(sandbox, { apiKey }).listOrders(parseOrderQuery({})),
    );
    expect(AuthenticationError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ providerCode: 'INVALID_TOKEN', requestId: expect.any(String) });
    expect(JSON.stringify(error)).not.toContain(apiKey);
    expect(String((error as Error).stack)).not.toContain(apiKey);
  });

  it('403 NO_TENANT_ACCESS for a tenant the key does not belong to, or no Tenant-ID', async () => {
    const other = sandbox.flexportal.tenants[1]!.tenantId;
    const mismatch = await failure(() =>
      sandboxProvider(sandbox, { tenantId: other }).listOrders(parseOrderQuery({})),
    );
    expect(PermissionError.isInstance(mismatch)).toBe(true);
    expect(mismatch).toMatchObject({ providerCode: 'NO_TENANT_ACCESS', status: 403 });
    const fetch = recordingFetch((request) => {
      const headers = new Headers(request.headers);
      headers.delete('tenant-id');
      return new Request(request, { headers });
    });
    const missing = await failure(() => sandboxProvider(sandbox, { fetch }).checkConnection());
    expect(PermissionError.isInstance(missing)).toBe(true);
  });

  it('404 NOT_FOUND for an unknown order', async () => {
    const error = await failure(() => sandboxProvider(sandbox).getOrder('ord_does_not_exist'));
    expect(NotFoundError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ providerCode: 'NOT_FOUND', status: 404 });
  });

  it('400 VALIDATION_ERROR with details for a cursor FlexPortal does not accept', async () => {
    const error = await failure(() =>
      sandboxProvider(sandbox).listOrders(parseOrderQuery({ cursor: 'not-a-cursor' })),
    );
    expect(ProviderApiError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      kind: 'bad_request',
      providerCode: 'VALIDATION_ERROR',
      status: 400,
    });
    expect((error as ProviderApiError).details?.length).toBeGreaterThan(0);
  });

  it('429 with Retry-After is waited out and the listing completes', async () => {
    sandbox.faults.set('flexportal', { failNext: { count: 1, status: 429, retryAfter: '1' } });
    const waits: string[] = [];
    const provider = sandboxProvider(sandbox, {
      hooks: { onRetry: (event) => waits.push(event.reason) },
    });
    const before = sandbox.stats().flexportal;
    const page = await provider.listOrders(parseOrderQuery({ limit: 10 }));
    expect(page.orders).toHaveLength(10);
    expect(waits).toEqual(['HTTP 429']);
    expect(sandbox.stats().flexportal.rateLimited - before.rateLimited).toBe(1);
  });

  it('a Retry-After longer than accepted fails at once with RateLimitError.retryAfterMs', async () => {
    sandbox.faults.set('flexportal', { failNext: { count: 1, status: 429, retryAfter: '120' } });
    const error = await failure(() => sandboxProvider(sandbox).listOrders(parseOrderQuery({})));
    expect(RateLimitError.isInstance(error)).toBe(true);
    expect((error as RateLimitError).retryAfterMs).toBe(120_000);
  });

  it('5xx is retried; persistent 5xx fails with ProviderUnavailableError', async () => {
    sandbox.faults.set('flexportal', { failNext: { count: 2, status: 500 } });
    const recovered = await sandboxProvider(sandbox).listOrders(parseOrderQuery({ limit: 5 }));
    expect(recovered.orders).toHaveLength(5);
    sandbox.faults.set('flexportal', { failNext: { count: 10, status: 503, retryAfter: '0' } });
    const before = listRequests(sandbox);
    const error = await failure(() =>
      sandboxProvider(sandbox, { retry: { maxRetries: 2, baseDelayMs: 1 } }).listOrders(
        parseOrderQuery({}),
      ),
    );
    expect(ProviderUnavailableError.isInstance(error)).toBe(true);
    expect(listRequests(sandbox) - before).toBe(3);
  });

  it('connection resets, truncated and malformed bodies are retried', async () => {
    sandbox.faults.set('flexportal', { resetNext: 1, truncateNext: 1, malformedNext: 1 });
    const page = await sandboxProvider(sandbox).listOrders(parseOrderQuery({ limit: 5 }));
    expect(page.orders).toHaveLength(5);
    sandbox.faults.set('flexportal', { malformedNext: 5 });
    const error = await failure(() =>
      sandboxProvider(sandbox, { retry: { maxRetries: 1, baseDelayMs: 1 } }).listOrders(
        parseOrderQuery({}),
      ),
    );
    expect(ProviderResponseError.isInstance(error)).toBe(true);
  });
});

describe('schema drift in the backend', () => {
  it('a broken order is reported with its path and the rest is delivered; strict throws', async () => {
    const [victim] = sandbox.flexportal.store.list();
    const original = sandbox.flexportal.store.get(victim!.orderId)!;
    try {
      sandbox.flexportal.store.update(victim!.orderId, {
        totals: { ...original.totals, total: 'lots' },
        shippingAddress: { ...original.shippingAddress, postalCode: null },
        customFields: null,
        surprise: { nested: true },
      });
      const provider = sandboxProvider(sandbox);
      const { orders } = await walk(provider, { limit: 100 });
      expect(orders).toHaveLength(truth.length - 1);
      const page = await provider.listOrders(
        parseOrderQuery({ customerId: original.customer.customerId }),
      );
      expect(page.warnings).toContainEqual(
        expect.objectContaining({
          code: 'invalid-record',
          recordId: victim!.orderId,
          issues: [
            expect.objectContaining({
              path: expect.stringMatching(/^orders\[\d+\]\.totals\.total$/),
            }),
          ],
        }),
      );
      const error = await failure(() =>
        provider.listOrders(parseOrderQuery({ customerId: original.customer.customerId }), {
          strict: true,
        }),
      );
      expect((error as ProviderResponseError).path).toMatch(/^orders\[\d+\]\.totals\.total$/);
      const single = await failure(() => provider.getOrder(victim!.orderId));
      expect((single as ProviderResponseError).path).toBe('totals.total');
    } finally {
      sandbox.flexportal.store.update(victim!.orderId, {
        totals: original.totals,
        shippingAddress: original.shippingAddress,
        customFields: original.customFields,
        surprise: undefined,
      });
    }
  });

  it('an undocumented status is delivered as unknown, with a warning', async () => {
    const [, victim] = sandbox.flexportal.store.list();
    const status = victim!.status;
    try {
      sandbox.flexportal.store.update(victim!.orderId, { status: 'on_hold' });
      const order = await sandboxProvider(sandbox).getOrder(victim!.orderId);
      expect(order.status).toBe('unknown');
      expect(order.providerStatus.code).toBe('on_hold');
      const page = await sandboxProvider(sandbox).listOrders(
        parseOrderQuery({ status: ['unknown'], limit: 100 }),
      );
      expect(page.warnings.map((warning) => warning.code)).toContain('filter-emulated');
    } finally {
      sandbox.flexportal.store.update(victim!.orderId, { status });
    }
  });
});

describe('tenants', () => {
  it('each tenant sees only its own orders', async () => {
    const [first, second] = sandbox.flexportal.tenants;
    const providerA = sandboxProvider(sandbox, { ...first!, id: 'flexportal-a' });
    const providerB = sandboxProvider(sandbox, { ...second!, id: 'flexportal-b' });
    const listA = await walk(providerA, { limit: 100 });
    const listB = await walk(providerB, { limit: 100 });
    const truthB = groundTruth(sandbox, second!.tenantId, 'flexportal-b');
    expect(sortedIds(listA.orders)).toEqual(sortedIds(truth));
    expect(sortedIds(listB.orders)).toEqual(sortedIds(truthB));
    expect(listB.orders.every((order) => order.key.startsWith('flexportal-b:'))).toBe(true);
    const error = await failure(() => providerB.getOrder(truth[0]!.id));
    expect(NotFoundError.isInstance(error)).toBe(true);
  });
});

describe('rate limit', () => {
  it('the rateLimit setting keeps requests within the budget: no 429, the next one waits', async () => {
    const budget = 4;
    sandbox.faults.set('flexportal', { rateLimit: { requestsPerMinute: budget } });
    const provider = sandboxProvider(sandbox, {
      rateLimit: { requestsPerMinute: budget },
      retry: false,
    });
    const before = sandbox.stats().flexportal;
    for (let index = 0; index < budget; index++) {
      await provider.listOrders(parseOrderQuery({ limit: 1 }));
    }
    // The budget is spent: the next request is held back by the client instead of being sent.
    const held = await failure(() =>
      provider.listOrders(parseOrderQuery({ limit: 1 }), { signal: AbortSignal.timeout(300) }),
    );
    expect((held as Error).name).toBe('TimeoutError');
    const after = sandbox.stats().flexportal;
    expect(after.requests - before.requests).toBe(budget);
    expect(after.rateLimited - before.rateLimited).toBe(0);
  });

  it('without the setting, the same budget produces a 429 from FlexPortal', async () => {
    const budget = 4;
    sandbox.faults.set('flexportal', { rateLimit: { requestsPerMinute: budget } });
    const provider = sandboxProvider(sandbox, { retry: false });
    for (let index = 0; index < budget; index++) {
      await provider.listOrders(parseOrderQuery({ limit: 1 }));
    }
    const error = await failure(() => provider.listOrders(parseOrderQuery({ limit: 1 })));
    expect(RateLimitError.isInstance(error)).toBe(true);
    expect((error as RateLimitError).retryAfterMs).toBeGreaterThan(0);
  });
});

/** The currency most orders are in. */
function commonCurrency(orders: readonly Order[]): string {
  const counts = new Map<string, number>();
  for (const order of orders) {
    const currency = order.totals.total.currency;
    counts.set(currency, (counts.get(currency) ?? 0) + 1);
  }
  return [...counts].sort((left, right) => right[1] - left[1])[0]?.[0] ?? 'EUR';
}
