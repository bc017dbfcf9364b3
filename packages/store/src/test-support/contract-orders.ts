import type { Order } from '@orderbridge/core';
import { makeOrder, sampleOrders } from '@orderbridge/testkit';
import type { SyncCounts, SyncProgress } from '../order-store.js';

/** No counts yet. */
export const NO_COUNTS: SyncCounts = {
  fetched: 0,
  created: 0,
  updated: 0,
  unchanged: 0,
  vanished: 0,
  rejected: 0,
};

/** A run's progress for tests. */
export function progressOf(runId: string, overrides: Partial<SyncProgress> = {}): SyncProgress {
  return {
    runId,
    mode: 'full',
    startedAt: '2026-01-01T00:00:00.000Z',
    cursor: null,
    query: {},
    counts: NO_COUNTS,
    requests: 0,
    ...overrides,
  };
}

/**
 * Orders whose sort values are the hard cases of core's comparator: timestamps of mixed precision
 * (the same instant as milli-, micro- and nanoseconds; neighbours a microsecond or nanosecond
 * apart), orders never updated (null sorts first), totals equal in value across currencies
 * (1.50 USD, 1.500 KWD) and of different exponents (JPY), a negative total, and text with LIKE
 * wildcards, so a search for `%` or `_` must match them literally.
 */
export function edgeOrders(provider: string): Order[] {
  const money = (amountMinor: number, currency: string) => ({ amountMinor, currency });
  const totals = (total: { amountMinor: number; currency: string }) => ({
    subtotal: total,
    tax: null,
    total,
    refunded: null,
  });
  return [
    makeOrder(provider, 'edge-ms', {
      createdAt: '2025-02-01T10:00:00.123Z',
      updatedAt: '2025-02-02T10:00:00.123456Z',
      totals: totals(money(150, 'USD')),
    }),
    makeOrder(provider, 'edge-us', {
      createdAt: '2025-02-01T10:00:00.123000Z',
      updatedAt: '2025-02-02T10:00:00.123Z',
      totals: totals(money(1500, 'KWD')),
    }),
    makeOrder(provider, 'edge-ns', {
      createdAt: '2025-02-01T10:00:00.123000001Z',
      updatedAt: null,
      totals: totals(money(100, 'JPY')),
    }),
    makeOrder(provider, 'edge-next-us', {
      createdAt: '2025-02-01T10:00:00.123001Z',
      updatedAt: null,
      totals: totals(money(-150, 'USD')),
      reference: 'R-100%_discount',
    }),
    makeOrder(provider, 'edge-unknown', {
      status: 'unknown',
      paymentStatus: null,
      fulfillmentStatus: null,
      createdAt: '2025-02-01T09:59:59.999999Z',
      updatedAt: '2025-02-01T09:59:59.999999999Z',
      totals: totals(money(1, 'CLF')),
      customer: null,
      merchant: null,
      reference: null,
    }),
  ];
}

/** The orders the listing tests use: two providers' sample shops plus each one's edge cases. */
export function listingOrders(): { alpha: Order[]; beta: Order[] } {
  return {
    alpha: [...sampleOrders({ count: 90, seed: 7, provider: 'alpha' }), ...edgeOrders('alpha')],
    beta: [...sampleOrders({ count: 60, seed: 11, provider: 'beta' }), ...edgeOrders('beta')],
  };
}
