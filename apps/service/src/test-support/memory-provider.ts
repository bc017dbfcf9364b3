import {
  defineStatusMap,
  NotFoundError,
  type Order,
  type OrderPage,
  type OrderProvider,
  type OrderQuery,
  orderComparator,
  type ProviderCapabilities,
  planQuery,
  SORT_FIELDS,
} from '@orderbridge/core';

const statusMap = defineStatusMap('memory', [
  {
    code: 'pending',
    label: 'Pending',
    status: 'pending',
    paymentStatus: 'pending',
    fulfillmentStatus: 'unfulfilled',
  },
  {
    code: 'completed',
    label: 'Completed',
    status: 'completed',
    paymentStatus: 'paid',
    fulfillmentStatus: 'fulfilled',
  },
]);

/** Options of the in-memory test provider. */
export interface MemoryProviderOptions {
  /** Throws this (once per call) instead of answering, while it returns an error. */
  fail?: (() => Error | undefined) | undefined;
  /** Delay per call in ms. */
  delayMs?: number | undefined;
  /** Capability overrides. */
  capabilities?: Partial<ProviderCapabilities> | undefined;
}

/**
 * An offset-cursor provider over an array for the service's unit tests. Pushes nothing down: core's
 * plan filters locally, exactly as for a real provider without filter support.
 */
export function createMemoryProvider(
  id: string,
  orders: readonly Order[],
  options: MemoryProviderOptions = {},
): OrderProvider & { calls: number } {
  const capabilities: ProviderCapabilities = {
    filters: [],
    statusFilterValues: 'none',
    sorts: [...SORT_FIELDS],
    defaultPageSize: 10,
    maxPageSize: 100,
    pageNumbers: false,
    totalCount: true,
    ...options.capabilities,
  };
  const provider = {
    specificationVersion: 'v1' as const,
    id,
    capabilities,
    statusMap,
    calls: 0,
    async listOrders(query: OrderQuery): Promise<OrderPage> {
      provider.calls += 1;
      if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
      const failure = options.fail?.();
      if (failure) throw failure;
      const plan = planQuery(query, { provider: id, capabilities, statusMap });
      const sorted = [...orders].sort(orderComparator(plan.sort));
      const offset = query.cursor ? Number(query.cursor.slice(1)) : 0;
      const slice = sorted.slice(offset, offset + plan.pageSize);
      const next = offset + plan.pageSize;
      const finished = plan.finishPage(slice);
      return {
        orders: finished.orders,
        nextCursor: next < sorted.length && !finished.reachedBound ? `o${next}` : null,
        totalCount: sorted.length,
        warnings: [...plan.warnings],
      };
    },
    async getOrder(orderId: string): Promise<Order> {
      provider.calls += 1;
      const failure = options.fail?.();
      if (failure) throw failure;
      const order = orders.find((candidate) => candidate.id === orderId);
      if (!order) {
        throw new NotFoundError({
          provider: id,
          status: 404,
          message: `${id} has no order ${orderId}`,
        });
      }
      return order;
    },
  };
  return provider;
}

/** A valid canonical order with sensible defaults. */
export function makeOrder(provider: string, id: string, overrides: Partial<Order> = {}): Order {
  return {
    provider,
    id,
    key: `${provider}:${id}`,
    status: 'pending',
    paymentStatus: 'pending',
    fulfillmentStatus: 'unfulfilled',
    providerStatus: { code: 'pending', label: 'Pending' },
    type: 'standard',
    reference: null,
    customer: {
      id: `cus_${id}`,
      email: `buyer.${id}@example.com`,
      name: 'Lena Vos',
      company: null,
    },
    merchant: null,
    items: [],
    totals: {
      subtotal: null,
      tax: null,
      total: { amountMinor: 1000, currency: 'EUR' },
      refunded: null,
    },
    fulfillment: null,
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: null,
    placedAt: null,
    extensions: {},
    ...overrides,
  };
}

/** `count` orders of one provider, one per day from 2025-01-01, alternating pending/completed. */
export function makeOrders(provider: string, count: number): Order[] {
  return Array.from({ length: count }, (_, index) => {
    const createdAt = new Date(Date.UTC(2025, 0, 1 + index)).toISOString();
    const isCompleted = index % 2 === 1;
    return makeOrder(provider, `${provider.slice(0, 2)}_${String(index).padStart(4, '0')}`, {
      createdAt,
      status: isCompleted ? 'completed' : 'pending',
      paymentStatus: isCompleted ? 'paid' : 'pending',
      fulfillmentStatus: isCompleted ? 'fulfilled' : 'unfulfilled',
      providerStatus: { code: isCompleted ? 'completed' : 'pending', label: null },
      totals: {
        subtotal: null,
        tax: null,
        total: { amountMinor: 100 * (index + 1), currency: 'EUR' },
        refunded: null,
      },
    });
  });
}
