import {
  AuthenticationError,
  ConfigurationError,
  collect,
  InvalidQueryError,
  NotFoundError,
  type Order,
  orderSchema,
  ProviderResponseError,
  ProviderUnavailableError,
  paginate,
  parseOrderQuery,
  RateLimitError,
  sleep,
  TimeoutError,
} from '@orderbridge/core';
import { describe, expect, it } from 'vitest';
import { deriveStatusMap } from './derive-status-map.js';
import { makeOrder } from './make-order.js';
import { createMemoryProvider, type MemoryCall } from './memory-provider.js';
import { sampleOrders } from './sample-orders.js';

const orders = sampleOrders({ count: 40, seed: 5 });
const query = (input: Parameters<typeof parseOrderQuery>[0] = {}) => parseOrderQuery(input);

describe('createMemoryProvider', () => {
  it('re-keys every order under its id and serves copies', async () => {
    const provider = createMemoryProvider(orders, { id: 'shop-a' });
    const page = await provider.listOrders(query({ limit: 5 }));
    expect(page.orders[0]?.key).toMatch(/^shop-a:ord_\d{4}$/);
    expect(page.orders.every((order) => order.provider === 'shop-a')).toBe(true);
    page.orders[0]!.status = 'failed';
    const again = await provider.listOrders(query({ limit: 5 }));
    expect(again.orders[0]?.status).not.toBe('failed');
  });

  it('refuses an invalid order, naming it and the field', () => {
    const bad = { ...orders[0]!, createdAt: '2025-13-40' } as Order;
    expect(() => createMemoryProvider([orders[1]!, bad])).toThrowError(ConfigurationError);
    expect(() => createMemoryProvider([orders[1]!, bad])).toThrowError(
      /^orders\[1\] is not a valid order: createdAt: must be an ISO 8601 UTC timestamp/,
    );
  });

  it('refuses two orders with one id and inconsistent capabilities', () => {
    expect(() => createMemoryProvider([orders[0]!, orders[0]!])).toThrowError(
      'orders[1] repeats order id "ord_0001"',
    );
    expect(() =>
      createMemoryProvider(orders, { capabilities: { defaultPageSize: 50, maxPageSize: 10 } }),
    ).toThrowError(
      /capabilities.defaultPageSize must be a whole number between 1 and maxPageSize \(10\)/,
    );
    expect(() => createMemoryProvider(orders, { id: 'Not An Id' })).toThrowError(
      ConfigurationError,
    );
  });

  it('keeps a running walk exact while orders are inserted and removed (keyset cursors)', async () => {
    const provider = createMemoryProvider(orders);
    const sorted = { sort: { field: 'id', direction: 'asc' }, limit: 10 } as const;
    const first = await provider.listOrders(query(sorted));
    expect(first.orders.map((order) => order.id).at(-1)).toBe('ord_0010');
    provider.remove('ord_0003'); // behind the cursor
    provider.remove('ord_0011'); // ahead of the cursor
    provider.insert({ ...orders[0]!, id: 'ord_0005a' }); // behind the cursor: not seen again
    provider.insert({ ...orders[0]!, id: 'ord_0012a' }); // ahead: seen once
    const second = await provider.listOrders(query({ ...sorted, cursor: first.nextCursor! }));
    expect(second.orders.map((order) => order.id)).toEqual([
      'ord_0012',
      'ord_0012a',
      'ord_0013',
      'ord_0014',
      'ord_0015',
      'ord_0016',
      'ord_0017',
      'ord_0018',
      'ord_0019',
      'ord_0020',
    ]);
  });

  it('refuses a cursor of another query and a made-up one', async () => {
    const provider = createMemoryProvider(orders);
    const page = await provider.listOrders(query({ limit: 5, status: ['processing'] }));
    await expect(
      provider.listOrders(query({ limit: 5, status: ['completed'], cursor: page.nextCursor! })),
    ).rejects.toThrowError(/cursor: belongs to another query/);
    await expect(provider.listOrders(query({ cursor: 'garbage' }))).rejects.toSatisfy(
      InvalidQueryError.isInstance,
    );
  });

  it('refuses a sort it does not claim, and emulates a filter it does not claim with a warning', async () => {
    const provider = createMemoryProvider(orders, {
      capabilities: { sorts: ['createdAt'], filters: [] },
    });
    await expect(
      provider.listOrders(query({ sort: { field: 'id', direction: 'asc' } })),
    ).rejects.toThrowError(/provider "memory" cannot sort by "id"/);
    const all = await collect(paginate(provider, { customerId: 'cus_03' }), { max: 100 });
    expect(all.length).toBe(orders.filter((order) => order.customer?.id === 'cus_03').length);
    const page = await provider.listOrders(query({ customerId: 'cus_03' }));
    expect(page.warnings).toContainEqual(
      expect.objectContaining({ code: 'filter-emulated', field: 'customerId' }),
    );
    expect(page.totalCount).toBeUndefined();
  });

  it('serves page-number listings with cursorForPage', async () => {
    const provider = createMemoryProvider(orders, {
      capabilities: { pageNumbers: true, defaultPageSize: 15 },
    });
    const first = await provider.listOrders(query());
    expect(first).toMatchObject({ pageNumber: 1, pageCount: 3, totalCount: 40 });
    const third = await provider.listOrders(query({ cursor: provider.cursorForPage!(first, 3) }));
    expect(third).toMatchObject({ pageNumber: 3, nextCursor: null });
    expect(third.orders).toHaveLength(10);
  });

  it('records the queries and ids it received', async () => {
    const provider = createMemoryProvider(orders);
    await provider.listOrders(query({ status: ['completed'] }));
    await provider.getOrder('ord_0002');
    expect(provider.calls).toEqual([query({ status: ['completed'] })]);
    expect(provider.lookups).toEqual(['ord_0002']);
  });

  it('rejects every call with AuthenticationError when the key is wrong, without the key', async () => {
    const provider = createMemoryProvider(orders, {
      apiKey: 'test-wrong-key-42',
      expectedApiKey: 'test-right-key-42',
    });
    const error = await provider.getOrder('ord_0001').catch((failure: unknown) => failure);
    expect(AuthenticationError.isInstance(error)).toBe(true);
    expect(JSON.stringify(error)).not.toMatch(/test-(wrong|right)-key-42/);
  });

  it('throws the typed errors of injected faults, then recovers', async () => {
    const provider = createMemoryProvider(orders);
    await provider.faults.failNext(2, 503);
    await expect(provider.listOrders(query())).rejects.toSatisfy(
      ProviderUnavailableError.isInstance,
    );
    await expect(provider.getOrder('ord_0001')).rejects.toSatisfy(
      ProviderUnavailableError.isInstance,
    );
    await expect(provider.getOrder('ord_0001')).resolves.toMatchObject({ id: 'ord_0001' });

    await provider.faults.failNext(1, 429, { retryAfterSeconds: 30 });
    const limited = await provider.listOrders(query()).catch((failure: unknown) => failure);
    expect(RateLimitError.isInstance(limited) && limited.retryAfterMs).toBe(30_000);

    await provider.faults.malformedNext(1);
    await expect(provider.listOrders(query())).rejects.toSatisfy(ProviderResponseError.isInstance);
    await provider.faults.failNext(5, 500);
    await provider.faults.clear();
    await expect(provider.listOrders(query())).resolves.toBeDefined();
  });

  it('stops waiting as soon as the call is aborted, with the abort reason', async () => {
    const provider = createMemoryProvider(orders, { latencyMs: 10_000 });
    const controller = new AbortController();
    const reason = new Error('caller gave up');
    const pending = provider.listOrders(query(), { signal: controller.signal });
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
  });

  it("calls beforeCall with each method's call number, and rejects with the very error it throws", async () => {
    const seen: Array<Omit<MemoryCall, 'signal'> & { hasSignal: boolean }> = [];
    const timeout = new TimeoutError({
      provider: 'memory',
      message: 'memory timed out',
      timeoutMs: 10,
      scope: 'deadline',
    });
    const provider = createMemoryProvider(orders, {
      beforeCall: ({ operation, number, signal }) => {
        seen.push({ operation, number, hasSignal: signal !== undefined });
        if (operation === 'listOrders' && number === 2) throw timeout;
        if (operation === 'getOrder' && number === 1) throw new TypeError('raw failure');
      },
    });
    await expect(provider.listOrders(query())).resolves.toBeDefined();
    await expect(provider.listOrders(query())).rejects.toBe(timeout);
    await expect(provider.getOrder('ord_0001')).rejects.toThrowError(new TypeError('raw failure'));
    await expect(
      provider.listOrders(query(), { signal: new AbortController().signal }),
    ).resolves.toBeDefined();
    await expect(provider.getOrder('ord_0001')).resolves.toMatchObject({ id: 'ord_0001' });
    expect(seen).toEqual([
      { operation: 'listOrders', number: 1, hasSignal: false },
      { operation: 'listOrders', number: 2, hasSignal: false },
      { operation: 'getOrder', number: 1, hasSignal: false },
      { operation: 'listOrders', number: 3, hasSignal: true },
      { operation: 'getOrder', number: 2, hasSignal: false },
    ]);
  });

  it('holds a call while beforeCall waits, and an abort ends the wait with its reason', async () => {
    const provider = createMemoryProvider(orders, {
      beforeCall: ({ signal }) => sleep(10_000, signal),
    });
    const controller = new AbortController();
    const reason = new Error('caller gave up');
    let isSettled = false;
    const pending = provider.listOrders(query(), { signal: controller.signal });
    void pending
      .catch(() => undefined)
      .finally(() => {
        isSettled = true;
      });
    await sleep(20);
    expect(isSettled).toBe(false);
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
  });

  it('throws NotFoundError for an id it does not hold', async () => {
    const provider = createMemoryProvider(orders);
    await expect(provider.getOrder('ord_9999')).rejects.toSatisfy(NotFoundError.isInstance);
  });

  it('serves an undocumented raw status as unknown with a warning, and restores it', async () => {
    const provider = createMemoryProvider(orders);
    const original = orders.find((order) => order.id === 'ord_0007')!;
    provider.setRawStatus('ord_0007', 'on_fire');
    const order = await provider.getOrder('ord_0007');
    expect(order).toMatchObject({
      status: 'unknown',
      paymentStatus: 'unknown',
      fulfillmentStatus: 'unknown',
      providerStatus: { code: 'on_fire', label: null },
    });
    // A filter on unknown cannot be pushed down (undocumented values cannot be enumerated).
    const listing = paginate(provider, { status: ['unknown'] });
    const found = await collect(listing, { max: 100 });
    expect(found.map((listed) => listed.id)).toEqual(['ord_0007']);
    expect(listing.warnings).toContainEqual(
      expect.objectContaining({ code: 'filter-emulated', field: 'status' }),
    );
    expect(listing.warnings).toContainEqual(
      expect.objectContaining({ code: 'unknown-status', orderKey: 'memory:ord_0007' }),
    );
    provider.setRawStatus('ord_0007', original.providerStatus.code);
    await expect(provider.getOrder('ord_0007')).resolves.toMatchObject({ status: original.status });
  });

  it('maps a documented raw status set on an order through the map', async () => {
    const provider = createMemoryProvider(orders);
    provider.setRawStatus('ord_0001', 'refunded');
    await expect(provider.getOrder('ord_0001')).resolves.toMatchObject({
      status: 'returned',
      paymentStatus: 'refunded',
      fulfillmentStatus: 'returned',
    });
  });

  it('updates orders and includes raw only when asked', async () => {
    const provider = createMemoryProvider(orders);
    provider.update('ord_0001', { reference: 'R-CHANGED' });
    provider.update('ord_0002', (order) => ({ ...order, type: 'upgrade' }));
    await expect(provider.getOrder('ord_0001')).resolves.toMatchObject({ reference: 'R-CHANGED' });
    await expect(provider.getOrder('ord_0002')).resolves.toMatchObject({ type: 'upgrade' });
    expect(() => provider.update('ord_0001', { createdAt: 'yesterday' })).toThrowError(
      /update\("ord_0001"\) is not a valid order: createdAt/,
    );
    expect(() => provider.update('nope', {})).toThrowError(
      'memory provider memory holds no order "nope"',
    );
    const plain = await provider.getOrder('ord_0003');
    expect('raw' in plain).toBe(false);
    const withRaw = await provider.getOrder('ord_0003', { includeRaw: true });
    expect(withRaw.raw).toMatchObject({ id: 'ord_0003' });
  });
});

describe('deriveStatusMap', () => {
  it('has one entry per raw code, deciding only the dimensions its orders agree on', () => {
    const base = sampleOrders({ count: 3 });
    const map = deriveStatusMap('memory', [
      {
        ...base[0]!,
        providerStatus: { code: 'open', label: 'Open' },
        status: 'pending',
        paymentStatus: 'pending',
      },
      {
        ...base[1]!,
        providerStatus: { code: 'OPEN', label: null },
        status: 'pending',
        paymentStatus: 'paid',
      },
      { ...base[2]!, providerStatus: { code: 'gone', label: null }, status: 'unknown' },
    ]);
    expect(map.entries).toEqual([
      {
        code: 'open',
        label: 'Open',
        status: 'pending',
        paymentStatus: undefined,
        fulfillmentStatus:
          base[0]!.fulfillmentStatus === base[1]!.fulfillmentStatus
            ? base[0]!.fulfillmentStatus
            : undefined,
      },
    ]);
  });
});

describe('makeOrder', () => {
  it('makes a valid order keyed by provider and id, with the overrides applied', () => {
    const order = makeOrder('shop-a', 'ord_1', { status: 'completed', updatedAt: null });
    expect(orderSchema.safeParse(order).success).toBe(true);
    expect(order).toMatchObject({
      provider: 'shop-a',
      id: 'ord_1',
      key: 'shop-a:ord_1',
      status: 'completed',
      paymentStatus: 'paid',
      reference: 'REF-ord_1',
      customer: { id: 'cus_ord_1', email: 'lena.vos@example.org' },
      totals: { total: { amountMinor: 9130, currency: 'USD' } },
    });
    expect(makeOrder('shop-a', 'ord_1')).toEqual(makeOrder('shop-a', 'ord_1'));
  });

  it('is served by the memory provider as is', async () => {
    const provider = createMemoryProvider([makeOrder('shop', 'o1'), makeOrder('shop', 'o2')], {
      id: 'shop',
    });
    expect(provider.snapshot()).toEqual([makeOrder('shop', 'o1'), makeOrder('shop', 'o2')]);
  });
});

describe('sampleOrders', () => {
  it('is deterministic and valid', () => {
    const first = sampleOrders({ count: 30, seed: 9 });
    expect(sampleOrders({ count: 30, seed: 9 })).toEqual(first);
    expect(sampleOrders({ count: 30, seed: 10 })).not.toEqual(first);
    for (const order of first) expect(orderSchema.safeParse(order).success).toBe(true);
  });
});
