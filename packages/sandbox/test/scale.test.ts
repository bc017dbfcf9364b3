import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../src/index.js';
import {
  type FlexFactorPage,
  type FlexPortalPage,
  flexFactorGet,
  flexFactorToken,
  flexPortalGet,
} from './support/sandbox-http.js';

// Large counts work without materializing orders (1M is measured by scripts/measure.ts, not here).
describe('50,000 orders per provider', () => {
  let sandbox: Sandbox;
  let token: string;
  beforeAll(async () => {
    sandbox = await startSandbox({ orders: 50_000, seed: 8 });
    token = await flexFactorToken(sandbox);
  });
  afterAll(() => sandbox.close());

  it('counts every order', () => {
    expect(sandbox.flexportal.store.count()).toBe(50_000);
    expect(sandbox.flexfactor.store.count()).toBe(50_000);
  });

  it('walks FlexPortal pages deep with a cursor, newest first, without repeats', async () => {
    let cursor: string | null = null;
    const seen = new Set<string>();
    let previous = Number.POSITIVE_INFINITY;
    for (let page = 0; page < 60; page++) {
      const query: string = cursor ? `&startAfter=${cursor}` : '';
      const result = await flexPortalGet<FlexPortalPage>(sandbox, `/v1/orders?limit=100${query}`);
      expect(result.status).toBe(200);
      for (const order of result.json.orders) {
        const createdAt = Date.parse(order.createdAt as string);
        expect(createdAt).toBeLessThanOrEqual(previous);
        previous = createdAt;
        expect(seen.has(order.orderId)).toBe(false);
        seen.add(order.orderId);
      }
      cursor = result.json.nextCursor;
    }
    expect(seen.size).toBe(6000);
  });

  it('serves a deep FlexFactor page number with correct paging fields', async () => {
    const result = await flexFactorGet<FlexFactorPage>(
      sandbox,
      'orders?pageSize=100&pageNumber=400',
      token,
    );
    expect(result.json.orders).toMatchObject({
      firstItemOnPage: 39_901,
      lastItemOnPage: 40_000,
      pageCount: 500,
      totalItemCount: 50_000,
    });
    expect(result.json.orders.rows).toHaveLength(100);
    const last = await flexFactorGet<FlexFactorPage>(
      sandbox,
      'orders?pageSize=1000&pageNumber=50&sort=asc',
      token,
    );
    expect(last.json.orders.isLastPage).toBe(true);
    expect(last.json.orders.rows.at(-1)?.createdOn).toBe(
      (await flexFactorGet<FlexFactorPage>(sandbox, 'orders?pageSize=1', token)).json.orders.rows[0]
        ?.createdOn,
    );
  });

  it('filters and sorts large sets', async () => {
    const filtered = await flexFactorGet<FlexFactorPage>(
      sandbox,
      'orders?status=5&orderBy=amount&pageSize=50',
      token,
    );
    expect(filtered.json.orders.totalItemCount).toBeGreaterThan(1000);
    const amounts = filtered.json.orders.rows.map((row) => row.amount as number);
    expect(amounts).toEqual([...amounts].sort((a, b) => b - a));
    expect(filtered.json.orders.rows.every((row) => row.status === 5)).toBe(true);
    const partial = await flexPortalGet<FlexPortalPage>(
      sandbox,
      '/v1/orders?status=partial&sortBy=totals.total',
    );
    expect(partial.json.orders.every((order) => order.status === 'partial')).toBe(true);
    expect(partial.json.count).toBe(50);
  });
});
