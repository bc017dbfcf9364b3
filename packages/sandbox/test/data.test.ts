import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CURRENCIES,
  FLEXFACTOR_CHARGEBACK_CODE,
  FLEXFACTOR_ORDER_STATUSES,
  FLEXFACTOR_SANDBOX_ORDER_STATUSES,
  FLEXPORTAL_STATUSES,
  type FlexFactorRow,
  type FlexPortalOrder,
  flexFactorOrderDetailSchema,
  flexFactorRowSchema,
  flexPortalOrderSchema,
  type Sandbox,
  startSandbox,
} from '../src/index.js';

/** Integer minor units of a decimal, or undefined when it has more digits than the exponent. */
function minorUnits(amount: number, exponent: number): number | undefined {
  const text = String(amount);
  const [, fraction = ''] = text.split('.');
  if (text.includes('e') || fraction.length > exponent) return undefined;
  return Math.round(amount * 10 ** exponent);
}

const exponentOf = (currency: string) => CURRENCIES[currency]?.exponent ?? Number.NaN;

describe('generated FlexPortal data', () => {
  let sandbox: Sandbox;
  let orders: FlexPortalOrder[];
  beforeAll(async () => {
    sandbox = await startSandbox({ orders: { flexportal: 2000, flexfactor: 0 }, seed: 21 });
    orders = sandbox.flexportal.store.list();
  });
  afterAll(() => sandbox.close());

  it('validates against the documented schema, for every tenant', () => {
    expect(orders).toHaveLength(2000);
    for (const order of orders) flexPortalOrderSchema.parse(order);
    for (const order of sandbox.flexportal.store.list('bu_sandbox_b')) {
      flexPortalOrderSchema.parse(order);
      expect(order.tenantId).toBe('bu_sandbox_b');
    }
    expect(new Set(orders.map((order) => order.orderId)).size).toBe(2000);
    expect(orders.every((order) => /^ord_[0-9a-z]{10}$/.test(order.orderId))).toBe(true);
  });

  it('keeps rentalProgress, line rentals and status consistent', () => {
    for (const order of orders) {
      const { totalDevices, rentedDevices } = order.rentalProgress;
      const quantity = order.items.reduce((sum, item) => sum + item.quantity, 0);
      expect(totalDevices).toBe(quantity);
      expect(order.totals.totalDevices).toBe(quantity);
      if (order.status === 'fulfilled') expect(rentedDevices).toBe(totalDevices);
      else if (order.status === 'partial') {
        expect(rentedDevices).toBeGreaterThan(0);
        expect(rentedDevices).toBeLessThan(totalDevices);
      } else expect(rentedDevices).toBe(0);
      const lineRentals = order.items.flatMap((item) => item.rentalIds ?? []);
      expect(order.rentalIds).toEqual(lineRentals);
      expect(lineRentals).toHaveLength(rentedDevices);
      for (const item of order.items) {
        const rented = item.rentalIds?.length ?? 0;
        const expected =
          rented === 0 ? 'pending' : rented < item.quantity ? 'partial' : 'completed';
        expect(item.rentalStatus).toBe(expected);
      }
    }
  });

  it('computes totals in integer minor units, with at most the currency digits', () => {
    for (const order of orders) {
      const exponent = exponentOf(order.totals.currency);
      const minor = (amount: number | undefined) => {
        const value = minorUnits(amount ?? 0, exponent);
        expect(value, `${amount} ${order.totals.currency}`).toBeDefined();
        return value as number;
      };
      const subtotal = order.items.reduce(
        (sum, item) => sum + minor(item.unitPrice) * item.quantity,
        0,
      );
      expect(minor(order.totals.subtotal)).toBe(subtotal);
      expect(minor(order.totals.total)).toBe(subtotal + minor(order.totals.taxAmount));
      for (const item of order.items) {
        minor(item.listPrice);
        minor(item.acquisitionCost);
        if (item.acquisitionCostSource === 'list_price') {
          expect(item.usedListPriceAsAcquisition).toBe(true);
          expect(item.acquisitionCost).toBe(item.listPrice);
        }
      }
      if (order.payment?.paidAmount !== undefined)
        expect(order.payment.paidAmount).toBe(order.totals.total);
    }
    const currencies = new Set(orders.map((order) => order.totals.currency));
    expect(currencies).toEqual(new Set(['EUR', 'USD', 'GBP', 'JPY', 'KWD']));
  });

  it('spreads timestamps over a fixed year, updatedAt ≥ createdAt, ISO with Z', () => {
    const iso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
    for (const order of orders) {
      expect(order.createdAt).toMatch(iso);
      expect(order.updatedAt).toMatch(iso);
      expect(Date.parse(order.updatedAt)).toBeGreaterThanOrEqual(Date.parse(order.createdAt));
      expect(order.createdAt >= '2025-06-01' && order.createdAt < '2026-06-01').toBe(true);
    }
    const months = new Set(orders.map((order) => order.createdAt.slice(0, 7)));
    expect(months.size).toBe(12);
  });

  it('has a realistic mix: statuses, repeat customers, order types, optional fields', () => {
    const count = (predicate: (order: FlexPortalOrder) => boolean) =>
      orders.filter(predicate).length;
    for (const status of FLEXPORTAL_STATUSES)
      expect(count((order) => order.status === status)).toBeGreaterThan(20);
    expect(count((order) => order.status === 'fulfilled')).toBeGreaterThan(1000);
    const customers = new Set(orders.map((order) => order.customer.customerId));
    expect(customers.size).toBeGreaterThan(2000 / 12);
    expect(customers.size).toBeLessThan(2000 / 4);
    expect(count((order) => order.orderType === 'standard')).toBeGreaterThan(1500);
    expect(count((order) => order.orderType === 'extension')).toBeGreaterThan(0);
    expect(count((order) => order.orderType === 'upgrade')).toBeGreaterThan(0);
    expect(count((order) => order.billingAddress.postalCode === null)).toBeGreaterThan(0);
    expect(count((order) => order.customFields === null)).toBeGreaterThan(0);
    expect(count((order) => order.customFields === undefined)).toBeGreaterThan(0);
    expect(
      count((order) => typeof order.customFields?.purchaseOrderNumber === 'string'),
    ).toBeGreaterThan(0);
    const fulfilled = orders.filter((order) => order.status === 'fulfilled');
    const paid = fulfilled.filter((order) => order.payment?.status === 'paid');
    expect(paid.length / fulfilled.length).toBeGreaterThan(0.75);
    // The same customer always has the same details.
    const byCustomer = new Map<string, string>();
    for (const order of orders) {
      const details = JSON.stringify(order.customer);
      const known = byCustomer.get(order.customer.customerId);
      if (known) expect(details).toBe(known);
      byCustomer.set(order.customer.customerId, details);
    }
  });
});

describe('generated FlexFactor data', () => {
  let sandbox: Sandbox;
  let rows: FlexFactorRow[];
  beforeAll(async () => {
    sandbox = await startSandbox({ orders: { flexportal: 0, flexfactor: 2000 }, seed: 21 });
    rows = sandbox.flexfactor.store.list();
  });
  afterAll(() => sandbox.close());

  it('validates rows and single orders against the documented schemas', () => {
    expect(rows).toHaveLength(2000);
    for (const row of rows) flexFactorRowSchema.parse(row);
    for (const row of rows.slice(0, 300))
      flexFactorOrderDetailSchema.parse(sandbox.flexfactor.store.detail(row.id));
    expect(new Set(rows.map((row) => row.id)).size).toBe(2000);
  });

  it('keeps amount, formattedAmount and currency consistent, with at most the currency digits', () => {
    for (const row of rows) {
      const currency = CURRENCIES[row.currencyCode];
      expect(currency, row.currencyCode).toBeDefined();
      expect(row.currencySymbol).toBe(currency?.symbol);
      const exponent = currency?.exponent ?? 2;
      expect(minorUnits(row.amount, exponent), `${row.amount} ${row.currencyCode}`).toBeDefined();
      expect(minorUnits(row.refundsAmount, exponent)).toBeDefined();
      const shown = row.formattedAmount.slice((currency?.symbol ?? '').length).trim();
      expect(Number(shown)).toBe(row.amount);
      expect(row.formattedAmount.startsWith(currency?.symbol ?? '?')).toBe(true);
      if (exponent > 0 && !Number.isInteger(row.amount))
        expect(shown.split('.')[1]).toHaveLength(exponent);
    }
    const byCode = new Set(rows.map((row) => row.currencyCode));
    expect(byCode).toEqual(new Set(['USD', 'EUR', 'GBP', 'JPY', 'KWD']));
    expect(rows.filter((row) => row.currencyCode === 'USD').length).toBeGreaterThan(1000);
  });

  it('has the seed rows verbatim and statuses with lower-case names, Chargeback included', () => {
    expect(rows[0]?.id).toBe('12345678-abcd-1234-efgh-ijklmnopqrst');
    expect(rows[1]?.id).toBe('abcdef12-3456-7890-abcd-efghijklmnop');
    for (const row of rows) {
      expect(row.statusName).toBe(
        FLEXFACTOR_SANDBOX_ORDER_STATUSES[String(row.status)]?.toLowerCase(),
      );
    }
    const counts = new Map<number, number>();
    for (const row of rows) counts.set(row.status, (counts.get(row.status) ?? 0) + 1);
    expect([...counts.keys()].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(FLEXFACTOR_SANDBOX_ORDER_STATUSES['8']).toBe('Chargeback');
    expect(FLEXFACTOR_ORDER_STATUSES).not.toHaveProperty('8');
    expect(counts.get(7)).toBeGreaterThan(1200);
    expect(counts.get(FLEXFACTOR_CHARGEBACK_CODE)).toBeGreaterThan(10);
  });

  it('reports a payout once an order is paid, reversed by a refund or a chargeback', () => {
    for (const row of rows.slice(2)) {
      if (row.status === 6 || row.status === FLEXFACTOR_CHARGEBACK_CODE) {
        expect(row.payoutStatus).toBe('reversed');
      } else if (row.status === 7) expect(['pending', 'completed']).toContain(row.payoutStatus);
      else expect(row.payoutStatus).toBeNull();
    }
  });

  it('refunds returned orders fully and some completed ones partly', () => {
    for (const row of rows) {
      if (row.status === 6) expect(row.refundsAmount).toBe(row.amount);
      else expect(row.refundsAmount).toBeLessThanOrEqual(row.amount);
      if (row.status !== 6 && row.status !== 7) expect(row.refundsAmount).toBe(0);
    }
    // Partial refunds: completed orders with 0 < refundsAmount < amount.
    expect(
      rows.some(
        (row) => row.status === 7 && row.refundsAmount > 0 && row.refundsAmount < row.amount,
      ),
    ).toBe(true);
  });

  it('has microsecond timestamps, placed after created, over months; merchants and payers repeat', () => {
    for (const row of rows.slice(2)) {
      expect(row.orderPlacedDate > row.createdOn).toBe(true);
      expect(row.createdOn >= '2025-06-01' && row.createdOn < '2026-06-01').toBe(true);
    }
    expect(new Set(rows.map((row) => row.createdOn.slice(0, 7))).size).toBe(13);
    const merchants = new Map<string, Set<string>>();
    for (const row of rows) {
      const stores = merchants.get(row.merchantId) ?? new Set<string>();
      stores.add(row.storeId);
      merchants.set(row.merchantId, stores);
    }
    expect(merchants.size).toBe(20);
    for (const stores of merchants.values()) {
      expect(stores.size).toBeGreaterThanOrEqual(1);
      expect(stores.size).toBeLessThanOrEqual(3);
    }
    const payers = new Set(rows.map((row) => row.payerName));
    expect(payers.size).toBeLessThan(rows.length / 2);
  });
});

describe('determinism', () => {
  it('gives identical data for the same seed and count, different data for another seed', async () => {
    const first = await startSandbox({ orders: 300, seed: 99 });
    const second = await startSandbox({ orders: 300, seed: 99 });
    const other = await startSandbox({ orders: 300, seed: 100 });
    try {
      expect(second.flexportal.store.list()).toEqual(first.flexportal.store.list());
      expect(second.flexportal.store.list('bu_sandbox_b')).toEqual(
        first.flexportal.store.list('bu_sandbox_b'),
      );
      expect(second.flexfactor.store.list()).toEqual(first.flexfactor.store.list());
      const ids = (sandbox: Sandbox) =>
        sandbox.flexportal.store.list().map((order) => order.orderId);
      expect(ids(other)).not.toEqual(ids(first));
      const rows = (sandbox: Sandbox) => sandbox.flexfactor.store.list().slice(2);
      expect(rows(other)).not.toEqual(rows(first));
      // Tenants never share data.
      expect(first.flexportal.store.list('bu_sandbox_b')[0]).not.toEqual(
        first.flexportal.store.list()[0],
      );
    } finally {
      await Promise.all([first.close(), second.close(), other.close()]);
    }
  });

  it('handles empty and one-order datasets', async () => {
    const empty = await startSandbox({ orders: 0 });
    const single = await startSandbox({ orders: 1 });
    try {
      expect(empty.flexportal.store.count()).toBe(0);
      expect(empty.flexfactor.store.count()).toBe(0);
      expect(single.flexfactor.store.list().map((row) => row.id)).toEqual([
        '12345678-abcd-1234-efgh-ijklmnopqrst',
      ]);
      expect(single.flexportal.store.count()).toBe(1);
    } finally {
      await Promise.all([empty.close(), single.close()]);
    }
  });

  it('rejects invalid options with a message naming them', async () => {
    await expect(startSandbox({ orders: -1 })).rejects.toThrow(/orders/);
    await expect(startSandbox({ port: 70000 })).rejects.toThrow(/port/);
    await expect(
      startSandbox({
        tenants: [
          { tenantId: 'a', apiKey: 'k' },
          { tenantId: 'a', apiKey: 'j' },
        ],
      }),
    ).rejects.toThrow(/unique/);
  });
});
