import { describe, expect, it } from 'vitest';
import { FlexPortalGenerator } from '../flexportal/flexportal-generator.js';
import { type FlexPortalOrder, flexPortalOrderSchema } from '../flexportal/flexportal-schema.js';
import { SeededRandom } from '../random/seeded-random.js';
import type { WireObject } from '../table/order-table.js';
import { nextFlexPortalOrder } from './flexportal-transitions.js';

const NEXT_STATUSES: Record<string, string[]> = {
  pending: ['confirmed', 'cancelled'],
  confirmed: ['partial', 'fulfilled', 'cancelled'],
  partial: ['fulfilled'],
  fulfilled: ['fulfilled'],
  cancelled: ['cancelled'],
};

/** The invariants the generator keeps between status, rentals, shipping and payment. */
function expectConsistent(order: FlexPortalOrder): void {
  expect(flexPortalOrderSchema.safeParse(order).success).toBe(true);
  const { totalDevices, rentedDevices } = order.rentalProgress;
  expect(totalDevices).toBe(order.items.reduce((sum, item) => sum + item.quantity, 0));
  if (order.status === 'fulfilled') expect(rentedDevices).toBe(totalDevices);
  else if (order.status === 'partial') {
    expect(rentedDevices).toBeGreaterThan(0);
    expect(rentedDevices).toBeLessThan(totalDevices);
  } else expect(rentedDevices).toBe(0);
  expect(order.rentalIds).toEqual(order.items.flatMap((item) => item.rentalIds ?? []));
  expect(order.rentalIds).toHaveLength(rentedDevices);
  for (const item of order.items) {
    const rented = item.rentalIds?.length ?? 0;
    expect(item.rentalStatus).toBe(
      rented === 0 ? 'pending' : rented < item.quantity ? 'partial' : 'completed',
    );
  }
  if (order.trackingNumber !== undefined) expect(rentedDevices).toBeGreaterThan(0);
  if (order.payment?.status === 'paid') expect(order.payment.paidAmount).toBe(order.totals.total);
  if (order.payment) {
    expect(order.payment.manuallyMarked).toBe(
      order.payment.method === 'manual' && order.payment.status === 'paid',
    );
  }
}

describe('nextFlexPortalOrder', () => {
  it('moves orders along the documented lifecycle and keeps every generated invariant', () => {
    const generator = new FlexPortalGenerator(5, 0, 'bu_test', 3000);
    const changedAtMs = Date.UTC(2027, 0, 1);
    const moves = new Set<string>();
    let unchanged = 0;
    for (let slot = 0; slot < 3000; slot++) {
      const order = generator.order(slot);
      const original = structuredClone(order);
      const next = nextFlexPortalOrder(
        order as unknown as WireObject,
        new SeededRandom(9, slot),
        changedAtMs,
      ) as unknown as FlexPortalOrder | undefined;
      if (!next) {
        // Only settled orders stay put: fulfilled and paid (or without payment), cancelled and not pending.
        expect(
          (order.status === 'fulfilled' &&
            order.payment?.status !== 'pending' &&
            order.payment?.status !== 'failed') ||
            (order.status === 'cancelled' && order.payment?.status !== 'pending'),
        ).toBe(true);
        unchanged++;
        continue;
      }
      expect(NEXT_STATUSES[order.status]).toContain(next.status);
      if (next.status === order.status)
        expect(next.payment?.status).not.toBe(order.payment?.status);
      expect(next.updatedAt).toBe(new Date(changedAtMs).toISOString());
      expect(next.createdAt).toBe(order.createdAt);
      expect(next.orderId).toBe(order.orderId);
      // Rentals only grow: every rental id the order had is kept.
      for (const id of order.rentalIds) expect(next.rentalIds).toContain(id);
      expectConsistent(next);
      // Copy on write: the order given (a stored object, in the sandbox) is left as it was.
      expect(order).toEqual(original);
      moves.add(`${order.status}→${next.status}`);
    }
    expect(unchanged).toBeGreaterThan(0);
    expect([...moves].sort()).toEqual([
      'cancelled→cancelled',
      'confirmed→cancelled',
      'confirmed→fulfilled',
      'confirmed→partial',
      'fulfilled→fulfilled',
      'partial→fulfilled',
      'pending→cancelled',
      'pending→confirmed',
    ]);
  });

  it('puts updatedAt 1 ms after a previous updatedAt that is not earlier than the change time', () => {
    const generator = new FlexPortalGenerator(5, 0, 'bu_test', 10);
    const order = {
      ...generator.order(0, { status: 'pending' }),
      updatedAt: '2030-01-01T00:00:00.000Z',
    };
    const next = nextFlexPortalOrder(order as unknown as WireObject, new SeededRandom(1), 0);
    expect(next?.updatedAt).toBe('2030-01-01T00:00:00.001Z');
  });

  it('leaves orders shaped unlike generated ones (injected drift) alone', () => {
    const generator = new FlexPortalGenerator(5, 0, 'bu_test', 10);
    const order = generator.order(1, { status: 'pending' }) as unknown as WireObject;
    const random = new SeededRandom(1);
    expect(nextFlexPortalOrder({ ...order, status: 'on-hold' }, random, 0)).toBeUndefined();
    expect(nextFlexPortalOrder({ ...order, items: 'none' }, random, 0)).toBeUndefined();
    expect(
      nextFlexPortalOrder(
        { ...order, rentalProgress: { totalDevices: 999, rentedDevices: 0 } },
        random,
        0,
      ),
    ).toBeUndefined();
  });
});
