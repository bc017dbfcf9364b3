import type { Order } from '@orderbridge/core';
import {
  createMemoryProvider,
  type MemoryProvider,
  type MemoryProviderOptions,
  makeOrder,
} from '@orderbridge/testkit';

/**
 * Testkit's memory provider under `id`, pushing nothing down (every filter is finished by core's
 * plan, with `filter-emulated` warnings, as for a real provider without filter support), in pages
 * of 10 (at most 100). `beforeCall` makes a call fail with a given error or hang.
 */
export function createTestProvider(
  id: string,
  orders: readonly Order[],
  options: Omit<MemoryProviderOptions, 'id'> = {},
): MemoryProvider {
  return createMemoryProvider(orders, {
    ...options,
    id,
    capabilities: {
      filters: [],
      statusFilterValues: 'none',
      defaultPageSize: 10,
      maxPageSize: 100,
      ...options.capabilities,
    },
  });
}

/**
 * `count` orders of one provider (ids `<first two letters>_0000`, ...), one a day from
 * 2025-01-01, alternating pending and completed, total 1.00 EUR times the position, customer email
 * `buyer.<id>@example.com`; the service's tests count and sort on exactly these.
 */
export function makeOrders(provider: string, count: number): Order[] {
  return Array.from({ length: count }, (_, index) => {
    const id = `${provider.slice(0, 2)}_${String(index).padStart(4, '0')}`;
    const isCompleted = index % 2 === 1;
    return makeOrder(provider, id, {
      createdAt: new Date(Date.UTC(2025, 0, 1 + index)).toISOString(),
      status: isCompleted ? 'completed' : 'pending',
      paymentStatus: isCompleted ? 'paid' : 'pending',
      fulfillmentStatus: isCompleted ? 'fulfilled' : 'unfulfilled',
      providerStatus: { code: isCompleted ? 'completed' : 'pending', label: null },
      customer: {
        id: `cus_${id}`,
        email: `buyer.${id}@example.com`,
        name: 'Lena Vos',
        company: null,
      },
      items: [],
      totals: {
        subtotal: null,
        tax: null,
        total: { amountMinor: 100 * (index + 1), currency: 'EUR' },
        refunded: null,
      },
      fulfillment: null,
    });
  });
}
