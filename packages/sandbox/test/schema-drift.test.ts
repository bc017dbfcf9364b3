import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flexPortalOrderSchema, type Sandbox, startSandbox } from '../src/index.js';
import { walkFlexPortal } from './support/flexportal-walk.js';
import {
  type FlexFactorPage,
  flexFactorGet,
  flexFactorToken,
  flexPortalGet,
} from './support/sandbox-http.js';

// The stores accept raw objects without validation, so adapter tests can inject drift.
describe('schema drift through the stores', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ orders: 30 });
  });
  afterAll(() => sandbox.close());

  it('serves FlexPortal orders with an unknown status, a missing field or a string amount as stored', async () => {
    const store = sandbox.flexportal.store;
    const unknownStatus = store.insert({ status: 'archived' });
    const missingField = store.insert({ createdBy: undefined });
    const generated = store.insert({ status: 'fulfilled' });
    const stringTotal = store.update(generated.orderId, {
      totals: { ...generated.totals, total: String(generated.totals.total) },
    });
    expect(flexPortalOrderSchema.safeParse(unknownStatus).success).toBe(false);
    expect(missingField).not.toHaveProperty('createdBy');
    expect(
      (await flexPortalGet(sandbox, `/v1/orders/${unknownStatus.orderId}`)).json,
    ).toMatchObject({
      status: 'archived',
    });
    expect(
      (await flexPortalGet(sandbox, `/v1/orders/${missingField.orderId}`)).json,
    ).not.toHaveProperty('createdBy');
    expect(
      (
        (await flexPortalGet(sandbox, `/v1/orders/${generated.orderId}`)).json as {
          totals: { total: unknown };
        }
      ).totals.total,
    ).toBe(stringTotal?.totals.total);

    // Lists still work in every sort; the drifted orders appear exactly once.
    for (const sortBy of ['status', 'totals.total', 'createdAt']) {
      const pages = await walkFlexPortal(sandbox, `sortBy=${sortBy}&limit=7`);
      const ids = pages.flatMap((page) => page.orders.map((order) => order.orderId));
      expect(ids).toHaveLength(33);
      expect(ids).toContain(unknownStatus.orderId);
    }
    // A documented status filter does not match the unknown one.
    const pending = await walkFlexPortal(sandbox, 'status=pending&limit=100');
    expect(pending.flatMap((page) => page.orders.map((order) => order.orderId))).not.toContain(
      unknownStatus.orderId,
    );
  });

  it('serves FlexFactor rows with an amount sent as a string and an extra field', async () => {
    const token = await flexFactorToken(sandbox);
    const row = sandbox.flexfactor.store.insert({ amount: '45.65', riskScore: 12 });
    const page = await flexFactorGet<FlexFactorPage>(sandbox, 'orders?pageSize=1', token);
    expect(page.json.orders.rows[0]).toMatchObject({ id: row.id, amount: '45.65', riskScore: 12 });
    const sorted = await flexFactorGet<FlexFactorPage>(
      sandbox,
      'orders?pageSize=100&orderBy=amount',
      token,
    );
    expect(sorted.json.orders.rows.map((entry) => entry.id)).toContain(row.id);
    const unknownStatus = sandbox.flexfactor.store.insert({ status: 9, statusName: 'chargeback' });
    const detail = await flexFactorGet<Record<string, unknown>>(
      sandbox,
      `orders/${unknownStatus.id}`,
      token,
    );
    expect(detail.json).toMatchObject({ status: 9, statusName: 'CHARGEBACK' });
  });

  it('rejects an insert whose id is already taken', () => {
    const existing = sandbox.flexportal.store.list()[0]?.orderId as string;
    expect(() => sandbox.flexportal.store.insert({ orderId: existing })).toThrow(/already exists/);
    expect(() => sandbox.flexportal.store.count('bu_nobody')).toThrow(/Unknown FlexPortal tenant/);
  });
});
