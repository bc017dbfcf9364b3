import { type Order, orderKey } from '@orderbridge/core';

/**
 * One valid canonical order with plain, fixed defaults (a processing, paid order of two 14" laptops
 * at 45.65 USD for Lena Vos of Acme BV, created 2025-01-02T03:04:05Z), for tests that set the
 * fields they care about through `overrides`. `sampleOrders` makes many varied orders instead.
 */
export function makeOrder(provider: string, id: string, overrides: Partial<Order> = {}): Order {
  return {
    provider,
    id,
    key: orderKey(provider, id),
    status: 'processing',
    paymentStatus: 'paid',
    fulfillmentStatus: 'unfulfilled',
    providerStatus: { code: 'confirmed', label: 'Confirmed' },
    type: 'standard',
    reference: `REF-${id}`,
    customer: {
      id: `cus_${id}`,
      email: 'lena.vos@example.org',
      name: 'Lena Vos',
      company: 'Acme BV',
    },
    merchant: { id: 'mer_1', name: 'Rent-a-Laptop', storeId: 'st_1', storeName: 'Amsterdam' },
    items: [
      {
        sku: 'LAP-14',
        name: 'Laptop 14"',
        quantity: 2,
        unitPrice: { amountMinor: 4565, currency: 'USD' },
        termMonths: 12,
        fulfillment: { status: 'unfulfilled', done: 0 },
        listPrice: null,
        listPriceSource: null,
        acquisitionCost: null,
        acquisitionCostSource: null,
      },
    ],
    totals: {
      subtotal: { amountMinor: 9130, currency: 'USD' },
      tax: { amountMinor: 0, currency: 'USD' },
      total: { amountMinor: 9130, currency: 'USD' },
      refunded: null,
    },
    fulfillment: { total: 2, done: 0 },
    createdAt: '2025-01-02T03:04:05.000Z',
    updatedAt: null,
    placedAt: null,
    extensions: {},
    ...overrides,
  };
}
