import type { Order } from '@orderbridge/core';
import { describe, expect, it } from 'vitest';
import { PROBLEM_BASE } from '../http/problem.js';
import { createTestApp } from '../test-support/test-app.js';
import { makeOrders } from '../test-support/test-provider.js';
import { ORDER_FIELD_NAMES, projectOrders } from './order-projection.js';

interface Page {
  orders: Record<string, unknown>[];
  nextCursor: string | null;
}

describe('projectOrders', () => {
  const orders = makeOrders('alpha', 2);

  it('returns the orders unchanged without fields', () => {
    expect(projectOrders(orders, undefined)).toBe(orders);
  });

  it('keeps only the chosen fields and the key, in canonical order, nulls included', () => {
    const [first] = projectOrders(orders, ['createdAt', 'merchant', 'status']);
    expect(Object.keys(first!)).toEqual(['key', 'status', 'merchant', 'createdAt']);
    expect(first).toEqual({
      key: orders[0]!.key,
      status: orders[0]!.status,
      merchant: orders[0]!.merchant,
      createdAt: orders[0]!.createdAt,
    });
  });

  it('keeps raw when the orders carry it', () => {
    const withRaw: Order[] = orders.map((order) => ({ ...order, raw: { wire: order.id } }));
    expect(projectOrders(withRaw, ['status'])[1]).toEqual({
      key: orders[1]!.key,
      status: orders[1]!.status,
      raw: { wire: orders[1]!.id },
    });
  });

  it('offers every top-level field of the canonical order but raw', () => {
    expect(ORDER_FIELD_NAMES).toContain('extensions');
    expect(ORDER_FIELD_NAMES).toContain('totals');
    expect(ORDER_FIELD_NAMES).not.toContain('raw');
  });
});

describe('GET /v1/orders?fields=', () => {
  it('returns only the chosen fields, in lists or repeated parameters, and pages on', async () => {
    const { get } = createTestApp();
    const full = (await (await get('/v1/orders?limit=5')).json()) as Page;
    const response = await get('/v1/orders?limit=5&fields=status,totals&fields=createdAt');
    expect(response.status).toBe(200);
    const page = (await response.json()) as Page;
    expect(page.orders.map((order) => Object.keys(order))).toEqual(
      full.orders.map(() => ['key', 'status', 'totals', 'createdAt']),
    );
    expect(page.orders.map((order) => order.totals)).toEqual(
      full.orders.map((order) => order.totals),
    );
    expect(page.nextCursor).not.toBeNull();
    const link = response.headers.get('link') ?? '';
    expect(link).toContain('fields=status%2Ctotals');
  });

  it('rejects an unknown field as invalid-query naming the parameter', async () => {
    const { get } = createTestApp();
    const response = await get('/v1/orders?fields=status,colour');
    expect(response.status).toBe(400);
    const body = (await response.json()) as { type: string; errors: { field: string }[] };
    expect(body.type).toBe(`${PROBLEM_BASE}invalid-query`);
    expect(body.errors).toContainEqual(expect.objectContaining({ field: 'fields' }));
  });

  it('projects a single order too', async () => {
    const { get } = createTestApp();
    const response = await get('/v1/orders/beta:be_0003?fields=status');
    expect(response.status).toBe(200);
    expect(Object.keys((await response.json()) as object)).toEqual(['key', 'status']);
  });
});
