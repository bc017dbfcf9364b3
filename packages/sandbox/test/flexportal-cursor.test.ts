import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flexPortalErrorSchema, type Sandbox, startSandbox } from '../src/index.js';
import { walkFlexPortal } from './support/flexportal-walk.js';
import { type FlexPortalPage, flexPortalGet, request } from './support/sandbox-http.js';

// §1.4: send the previous nextCursor as startAfter. The sandbox's cursor is a keyset position, so
// a walk never repeats or skips an order that exists for the whole walk, whatever is inserted.
describe('FlexPortal cursor pagination', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ orders: 150, seed: 3 });
  });
  afterAll(() => sandbox.close());

  for (const [sortBy, sortDir] of [
    ['createdAt', 'desc'],
    ['createdAt', 'asc'],
    ['totals.total', 'asc'],
    ['orderId', 'desc'],
    ['status', 'asc'],
  ] as const) {
    it(`keeps every original order exactly once while orders are inserted and deleted (${sortBy} ${sortDir})`, async () => {
      const store = sandbox.flexportal.store;
      const originals = store.list().map((order) => order.orderId);
      const removedDuringWalk = new Set<string>();
      let step = 0;
      const pages = await walkFlexPortal(
        sandbox,
        `sortBy=${sortBy}&sortDir=${sortDir}&limit=17`,
        () => {
          step++;
          // Orders land everywhere in the order: the past, the future, every total and status.
          for (let index = 0; index < 3; index++) {
            const day = 1 + ((step * 7 + index * 11) % 27);
            store.insert({
              createdAt: `2025-${String(1 + ((step + index) % 12)).padStart(2, '0')}-${String(day).padStart(2, '0')}T12:00:00.000Z`,
            });
          }
          // And an original not yet seen disappears now and then.
          if (step % 3 === 0) {
            const victim = originals[(step * 37) % originals.length] as string;
            if (store.delete(victim)) removedDuringWalk.add(victim);
          }
        },
      );
      const seen = pages.flatMap((page) => page.orders.map((order) => order.orderId));
      expect(new Set(seen).size).toBe(seen.length);
      const seenSet = new Set(seen);
      for (const id of originals) {
        if (!removedDuringWalk.has(id)) expect(seenSet.has(id), id).toBe(true);
      }
      expect(removedDuringWalk.size).toBeGreaterThan(0);
    });
  }

  it('keeps working when the order a cursor points at is deleted', async () => {
    const first = await flexPortalGet<FlexPortalPage>(sandbox, '/v1/orders?limit=10');
    const last = first.json.orders.at(-1)?.orderId as string;
    sandbox.flexportal.store.delete(last);
    const second = await flexPortalGet<FlexPortalPage>(
      sandbox,
      `/v1/orders?limit=10&startAfter=${first.json.nextCursor}`,
    );
    expect(second.status).toBe(200);
    const all = await walkFlexPortal(sandbox, 'limit=100');
    const ids = all.flatMap((page) => page.orders.map((order) => order.orderId));
    const position = ids.indexOf(first.json.orders.at(-2)?.orderId as string);
    expect(second.json.orders.map((order) => order.orderId)).toEqual(
      ids.slice(position + 1, position + 11),
    );
  });

  it.each([
    ['sortBy=orderId', 'a different sortBy'],
    ['sortDir=asc', 'a different sortDir'],
    ['status=pending', 'a filter'],
    ['customField_siebelId=10010', 'a custom-field filter'],
  ])('rejects a cursor reused with %s (%s)', async (change) => {
    const first = await flexPortalGet<FlexPortalPage>(sandbox, '/v1/orders?limit=5');
    const result = await flexPortalGet(
      sandbox,
      `/v1/orders?limit=5&${change}&startAfter=${first.json.nextCursor}`,
    );
    expect(result.status).toBe(400);
    const details = flexPortalErrorSchema.parse(result.json).error.details;
    expect(details?.[0]?.path).toBe('startAfter');
  });

  it("rejects another tenant's cursor", async () => {
    const [tenantA, tenantB] = sandbox.flexportal.tenants as [
      { tenantId: string; apiKey: string },
      { tenantId: string; apiKey: string },
    ];
    const first = await flexPortalGet<FlexPortalPage>(sandbox, '/v1/orders?limit=5', {
      authorization: `Bearer ${tenantA.apiKey}`,
      'tenant-id': tenantA.tenantId,
    });
    const result = await request(
      `${sandbox.flexportal.baseUrl}/v1/orders?limit=5&startAfter=${first.json.nextCursor}`,
      { headers: { authorization: `Bearer ${tenantB.apiKey}`, 'tenant-id': tenantB.tenantId } },
    );
    expect(result.status).toBe(400);
  });

  it('allows a different limit on the next page', async () => {
    const first = await flexPortalGet<FlexPortalPage>(sandbox, '/v1/orders?limit=5');
    const second = await flexPortalGet<FlexPortalPage>(
      sandbox,
      `/v1/orders?limit=9&startAfter=${first.json.nextCursor}`,
    );
    expect(second.status).toBe(200);
    expect(second.json.count).toBe(9);
  });

  it('treats an empty startAfter as the first page', async () => {
    const first = await flexPortalGet<FlexPortalPage>(sandbox, '/v1/orders?limit=5');
    const empty = await flexPortalGet<FlexPortalPage>(sandbox, '/v1/orders?limit=5&startAfter=');
    expect(empty.json.orders).toEqual(first.json.orders);
  });
});
