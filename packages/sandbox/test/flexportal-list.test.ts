import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FLEXPORTAL_SORT_FIELDS,
  FLEXPORTAL_STATUSES,
  type FlexPortalOrder,
  flexPortalErrorSchema,
  flexPortalOrderListSchema,
  flexPortalOrderSchema,
  type Sandbox,
  startSandbox,
} from '../src/index.js';
import { sortFlexPortal, walkFlexPortal } from './support/flexportal-walk.js';
import { type FlexPortalPage, flexPortalGet } from './support/sandbox-http.js';

// docs/providers/flexportal.md §1.4 (envelope, cursor), §1.5 (parameters), §1.6 (get), §1.9 (errors).
describe('FlexPortal GET /v1/orders', () => {
  let sandbox: Sandbox;
  let truth: FlexPortalOrder[];
  beforeAll(async () => {
    sandbox = await startSandbox({ orders: 180, seed: 7 });
    truth = sandbox.flexportal.store.list();
  });
  afterAll(() => sandbox.close());

  it('answers the documented envelope: orders, count, limit, hasMore, nextCursor', async () => {
    const result = await flexPortalGet<FlexPortalPage>(sandbox, '/v1/orders');
    expect(result.status).toBe(200);
    expect(result.headers.get('content-type')).toMatch(/^application\/json/);
    expect(Object.keys(result.json)).toEqual(['orders', 'count', 'limit', 'hasMore', 'nextCursor']);
    flexPortalOrderListSchema.parse(result.json);
    // Defaults: limit 50, createdAt desc.
    expect(result.json.limit).toBe(50);
    expect(result.json.count).toBe(50);
    expect(result.json.hasMore).toBe(true);
    expect(typeof result.json.nextCursor).toBe('string');
    const expected = sortFlexPortal(truth, 'createdAt', 'desc').slice(0, 50);
    expect(result.json.orders).toEqual(expected);
  });

  it('ends with hasMore false and nextCursor null, count = items on the last page', async () => {
    const pages = await walkFlexPortal(sandbox, 'limit=50');
    expect(pages.map((page) => page.count)).toEqual([50, 50, 50, 30]);
    const last = pages.at(-1) as FlexPortalPage;
    expect(last.hasMore).toBe(false);
    expect(last.nextCursor).toBeNull();
    expect(last.limit).toBe(50);
  });

  it('accepts limit as an integer string from 1 to 100', async () => {
    for (const limit of ['1', '7', '100']) {
      const result = await flexPortalGet<FlexPortalPage>(sandbox, `/v1/orders?limit=${limit}`);
      expect(result.status).toBe(200);
      expect(result.json.limit).toBe(Number(limit));
      expect(result.json.orders).toHaveLength(Number(limit));
    }
  });

  it.each([['0'], ['101'], ['-1'], ['abc'], ['5.5'], ['']])(
    'rejects limit=%j with 400 VALIDATION_ERROR and details',
    async (limit) => {
      const result = await flexPortalGet(sandbox, `/v1/orders?limit=${encodeURIComponent(limit)}`);
      expect(result.status).toBe(400);
      const body = flexPortalErrorSchema.parse(result.json);
      expect(body.error.code).toBe('VALIDATION_ERROR');
      expect(body.error.details?.[0]?.path).toBe('limit');
      expect(body.error.details?.[0]?.message).toContain('limit');
    },
  );

  it('rejects a repeated limit', async () => {
    const result = await flexPortalGet(sandbox, '/v1/orders?limit=5&limit=6');
    expect(result.status).toBe(400);
    expect(flexPortalErrorSchema.parse(result.json).error.details?.[0]?.path).toBe('limit');
  });

  for (const field of FLEXPORTAL_SORT_FIELDS) {
    for (const direction of ['asc', 'desc'] as const) {
      it(`sorts by ${field} ${direction}, ties by orderId in the same direction`, async () => {
        const pages = await walkFlexPortal(
          sandbox,
          `sortBy=${field}&sortDir=${direction}&limit=40`,
        );
        const ids = pages.flatMap((page) => page.orders.map((order) => order.orderId));
        const expected = sortFlexPortal(truth, field, direction).map((order) => order.orderId);
        expect(ids).toEqual(expected);
      });
    }
  }

  it('sorts status alphabetically', async () => {
    const pages = await walkFlexPortal(sandbox, 'sortBy=status&sortDir=asc&limit=100');
    const statuses = pages.flatMap((page) => page.orders.map((order) => order.status as string));
    const firstIndex = (status: string) => statuses.indexOf(status);
    const present = [...new Set(statuses)];
    expect(present).toEqual([...present].sort());
    expect(firstIndex('cancelled')).toBeLessThan(firstIndex('pending'));
  });

  it('defaults sortDir to desc when only sortBy is given', async () => {
    const result = await flexPortalGet<FlexPortalPage>(
      sandbox,
      '/v1/orders?sortBy=orderId&limit=5',
    );
    const expected = sortFlexPortal(truth, 'orderId', 'desc').slice(0, 5);
    expect(result.json.orders.map((order) => order.orderId)).toEqual(
      expected.map((order) => order.orderId),
    );
  });

  it.each([
    ['sortBy=total', 'sortBy'],
    ['sortBy=createdat', 'sortBy'],
    ['sortDir=up', 'sortDir'],
    ['status=shipped', 'status'],
    ['status=pending,confirmed', 'status'],
    ['status=pending&status=confirmed', 'status'],
    ['customerId=', 'customerId'],
    ['startAfter=not-a-cursor!', 'startAfter'],
    ['startAfter=eyJmb28iOjF9', 'startAfter'],
  ])('rejects %s with 400 VALIDATION_ERROR naming %s', async (query, path) => {
    const result = await flexPortalGet(sandbox, `/v1/orders?${query}`);
    expect(result.status).toBe(400);
    const body = flexPortalErrorSchema.parse(result.json);
    expect(body.error.code).toBe('VALIDATION_ERROR');
    expect(body.error.details?.map((detail) => detail.path)).toContain(path);
  });

  it('reports every invalid parameter at once', async () => {
    const result = await flexPortalGet(sandbox, '/v1/orders?limit=0&sortBy=nope&sortDir=sideways');
    const paths = flexPortalErrorSchema
      .parse(result.json)
      .error.details?.map((detail) => detail.path);
    expect(paths).toEqual(['limit', 'sortBy', 'sortDir']);
  });

  for (const status of FLEXPORTAL_STATUSES) {
    it(`filters by status=${status}`, async () => {
      const pages = await walkFlexPortal(sandbox, `status=${status}&limit=100`);
      const orders = pages.flatMap((page) => page.orders);
      const expected = sortFlexPortal(
        truth.filter((order) => order.status === status),
        'createdAt',
        'desc',
      );
      expect(orders.map((order) => order.orderId)).toEqual(expected.map((order) => order.orderId));
    });
  }

  it('filters by customerId (customer.customerId) and combines it with status', async () => {
    const counts = new Map<string, number>();
    for (const order of truth) {
      counts.set(order.customer.customerId, (counts.get(order.customer.customerId) ?? 0) + 1);
    }
    const [customerId] = [...counts.entries()].sort((a, b) => b[1] - a[1])[0] as [string, number];
    const result = await flexPortalGet<FlexPortalPage>(
      sandbox,
      `/v1/orders?customerId=${customerId}&limit=100`,
    );
    const expected = sortFlexPortal(
      truth.filter((order) => order.customer.customerId === customerId),
      'createdAt',
      'desc',
    );
    expect(expected.length).toBeGreaterThan(1);
    expect(result.json.orders.map((order) => order.orderId)).toEqual(
      expected.map((order) => order.orderId),
    );

    const status = expected[0]?.status as string;
    const combined = await flexPortalGet<FlexPortalPage>(
      sandbox,
      `/v1/orders?status=${status}&customerId=${customerId}`,
    );
    expect(combined.json.orders.map((order) => order.orderId)).toEqual(
      expected.filter((order) => order.status === status).map((order) => order.orderId),
    );
  });

  it('returns an empty page for an unknown customer', async () => {
    const result = await flexPortalGet<FlexPortalPage>(
      sandbox,
      '/v1/orders?customerId=cust_abc123',
    );
    expect(result.status).toBe(200);
    expect(result.json).toEqual({
      orders: [],
      count: 0,
      limit: 50,
      hasMore: false,
      nextCursor: null,
    });
  });

  it('filters by customField_<name>=<value> (FP-OV)', async () => {
    const withField = truth.find(
      (order) => order.customFields?.siebelId !== undefined,
    ) as FlexPortalOrder;
    const value = String(withField.customFields?.siebelId);
    const pages = await walkFlexPortal(sandbox, `customField_siebelId=${value}&limit=100`);
    const expected = truth.filter((order) => String(order.customFields?.siebelId) === value);
    expect(pages.flatMap((page) => page.orders.map((order) => order.orderId)).sort()).toEqual(
      expected.map((order) => order.orderId).sort(),
    );
  });

  it('ignores unknown query parameters', async () => {
    const result = await flexPortalGet<FlexPortalPage>(sandbox, '/v1/orders?limit=3&unknown=1');
    expect(result.status).toBe(200);
    expect(result.json.count).toBe(3);
  });
});

describe('FlexPortal GET /v1/orders/{orderId}', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ orders: 40 });
  });
  afterAll(() => sandbox.close());

  it('returns the bare order (not wrapped), matching the schema', async () => {
    const order = sandbox.flexportal.store.list()[17] as FlexPortalOrder;
    const result = await flexPortalGet(sandbox, `/v1/orders/${order.orderId}`);
    expect(result.status).toBe(200);
    expect(result.json).toEqual(order);
    flexPortalOrderSchema.parse(result.json);
  });

  it('answers 404 { error: { code: "NOT_FOUND", message } } for an unknown id', async () => {
    const result = await flexPortalGet(sandbox, '/v1/orders/ord_missing');
    expect(result.status).toBe(404);
    expect(result.json).toEqual({ error: { code: 'NOT_FOUND', message: 'Order not found' } });
  });

  it('finds inserted orders and forgets deleted ones', async () => {
    const inserted = sandbox.flexportal.store.insert({ status: 'pending' });
    expect((await flexPortalGet(sandbox, `/v1/orders/${inserted.orderId}`)).json).toEqual(inserted);
    sandbox.flexportal.store.delete(inserted.orderId);
    expect((await flexPortalGet(sandbox, `/v1/orders/${inserted.orderId}`)).status).toBe(404);
  });
});
