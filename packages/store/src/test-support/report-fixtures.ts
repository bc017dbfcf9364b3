import type { Money, Order } from '@orderbridge/core';
import { makeOrder } from '@orderbridge/testkit';
import type { OrderStore } from '../order-store.js';
import { NO_COUNTS, progressOf } from './contract-orders.js';

/** The time the report fixtures' ages are measured from. */
export const REPORT_AS_OF = '2025-03-11T00:00:00Z';

const money = (amountMinor: number, currency: string): Money => ({ amountMinor, currency });

/** FlexFactor's raw status of each canonical status the fixtures use (code and `statusName`). */
const FLEXFACTOR_STATUS: Partial<Record<Order['status'], Order['providerStatus']>> = {
  on_hold: { code: 1, label: 'Onhold' },
  failed: { code: 3, label: 'Problem' },
  processing: { code: 5, label: 'Capturerequired' },
  returned: { code: 6, label: 'Returned' },
  completed: { code: 7, label: 'Completed' },
};

/** A payment order (FlexFactor-like: a merchant, no fulfilment). */
function payment(
  id: string,
  createdAt: string,
  status: Order['status'],
  paymentStatus: Order['paymentStatus'],
  total: Money,
  refunded: Money | null,
  merchant: 'm1' | 'm2',
  overrides: Partial<Order> = {},
): Order {
  return makeOrder('flexfactor', id, {
    createdAt,
    status,
    paymentStatus,
    fulfillmentStatus: status === 'returned' ? 'returned' : null,
    providerStatus: FLEXFACTOR_STATUS[status] ?? { code: 99, label: null },
    merchant: {
      id: merchant,
      name: merchant === 'm1' ? 'Alpha Rentals' : 'Beta Bikes',
      storeId: null,
      storeName: null,
    },
    items: [],
    totals: { subtotal: null, tax: null, total, refunded },
    fulfillment: null,
    ...overrides,
  });
}

/** A subscription order (FlexPortal-like: no merchant, devices done / total). */
function subscription(
  id: string,
  createdAt: string,
  status: Order['status'],
  paymentStatus: Order['paymentStatus'],
  fulfillmentStatus: Order['fulfillmentStatus'],
  done: number,
  total: number,
  amountMinor: number,
  overrides: Partial<Order> = {},
): Order {
  return makeOrder('flexportal', id, {
    createdAt,
    status,
    paymentStatus,
    fulfillmentStatus,
    providerStatus: { code: status === 'unknown' ? 'paused' : 'confirmed', label: null },
    merchant: null,
    totals: { subtotal: null, tax: null, total: money(amountMinor, 'EUR'), refunded: null },
    fulfillment: { total, done },
    ...overrides,
  });
}

/**
 * The orders every report test is computed by hand from (docs/reports.md has the definitions):
 * USD, JPY (no decimals) and KWD (three), full and partial refunds, a refund above the amount, one
 * in another currency, unknown statuses, an order awaiting capture, a vanished order.
 */
export const PAYMENT_ORDERS: Order[] = [
  payment(
    'f1',
    '2025-03-03T10:00:00Z',
    'completed',
    'paid',
    money(4565, 'USD'),
    money(0, 'USD'),
    'm1',
  ),
  payment(
    'f2',
    '2025-03-03T23:59:59.999999Z',
    'returned',
    'refunded',
    money(1200, 'USD'),
    money(1200, 'USD'),
    'm1',
  ),
  payment(
    'f3',
    '2025-03-04T00:00:00Z',
    'completed',
    'paid',
    money(10000, 'USD'),
    money(2500, 'USD'),
    'm1',
  ),
  payment(
    'f4',
    '2025-03-04T08:00:00Z',
    'processing',
    'requires_capture',
    money(3000, 'USD'),
    null,
    'm1',
  ),
  payment(
    'f5',
    '2025-03-05T09:00:00Z',
    'completed',
    'paid',
    money(1500, 'JPY'),
    money(500, 'JPY'),
    'm2',
  ),
  payment('f6', '2025-03-09T23:00:00Z', 'unknown', null, money(2000, 'JPY'), null, 'm2'),
  payment('f7', '2025-03-10T00:00:00Z', 'failed', 'failed', money(1375, 'KWD'), null, 'm2'),
  payment('f8', '2025-03-10T12:00:00Z', 'on_hold', 'pending', money(2500, 'KWD'), null, 'm2'),
  payment(
    'f9',
    '2025-04-01T00:00:00Z',
    'completed',
    'paid',
    money(700, 'USD'),
    money(900, 'USD'),
    'm1',
  ),
  payment(
    'f11',
    '2025-03-05T10:00:00Z',
    'completed',
    'paid',
    money(800, 'JPY'),
    money(100, 'USD'),
    'm2',
    {
      reference: 'SHARED',
    },
  ),
];

/** Stored once, then missed by a full sweep: every report leaves it out. */
export const VANISHED_ORDER = payment(
  'f10',
  '2025-03-03T11:00:00Z',
  'completed',
  'paid',
  money(99999, 'USD'),
  null,
  'm1',
);

export const SUBSCRIPTION_ORDERS: Order[] = [
  subscription('p1', '2025-03-01T00:00:00Z', 'pending', 'pending', 'unfulfilled', 0, 2, 10163),
  subscription(
    'p2',
    '2025-03-03T12:00:00Z',
    'processing',
    'paid',
    'partially_fulfilled',
    1,
    3,
    5000,
  ),
  subscription('p3', '2025-03-03T13:00:00Z', 'completed', 'paid', 'fulfilled', 3, 3, 7000, {
    reference: 'SHARED',
  }),
  subscription('p4', '2025-03-04T00:00:00Z', 'cancelled', null, 'unfulfilled', 0, 1, 2000),
  subscription('p5', '2025-03-05T00:00:00Z', 'unknown', 'paid', 'unfulfilled', 0, 1, 3333),
];

/** An order in another scope (tenant): never in the default scope's reports. */
export const OTHER_SCOPE_ORDER = payment(
  'o1',
  '2025-03-03T10:00:00Z',
  'completed',
  'paid',
  money(123, 'USD'),
  null,
  'm1',
);

/**
 * Ends a FlexFactor run as a completed full sweep: every order it did not see is marked vanished.
 * Resolves with how many were.
 */
export function finishPaymentSweep(
  store: OrderStore,
  runId: string,
  finishedAt: string,
): Promise<number> {
  return store.finishRun({
    provider: 'flexfactor',
    runId,
    finishedAt,
    vanishedRange: { to: '2100-01-01T00:00:00Z' },
    watermark: null,
    fullSweep: true,
    counts: NO_COUNTS,
    requests: 1,
  });
}

/** Writes the report fixtures into a store, through the store's own batch and run API. */
export async function loadReportFixtures(store: OrderStore): Promise<void> {
  const observedAt = '2025-03-10T23:00:00.000Z';
  await store.applyBatch({
    provider: 'flexfactor',
    runId: 'run-1',
    observedAt,
    orders: [VANISHED_ORDER],
    progress: progressOf('run-1'),
  });
  await store.applyBatch({
    provider: 'flexfactor',
    runId: 'run-2',
    observedAt,
    orders: PAYMENT_ORDERS,
    progress: progressOf('run-2'),
  });
  await finishPaymentSweep(store, 'run-2', observedAt);
  await store.applyBatch({
    provider: 'flexportal',
    runId: 'run-3',
    observedAt,
    orders: SUBSCRIPTION_ORDERS,
    progress: progressOf('run-3'),
  });
  await store.applyBatch({
    scope: 'tenant-b',
    provider: 'flexfactor',
    runId: 'run-4',
    observedAt,
    orders: [OTHER_SCOPE_ORDER],
    progress: progressOf('run-4'),
  });
}
