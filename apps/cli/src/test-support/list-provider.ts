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

const statusMap = defineStatusMap('list', [
  {
    code: 'confirmed',
    label: 'Confirmed',
    status: 'processing',
    paymentStatus: 'paid',
    fulfillmentStatus: 'unfulfilled',
  },
]);

/**
 * A hand-written offset-cursor provider over an array, for the CLI's unit tests. Every filter is
 * done by core's plan; `fail` lets a test make a page request fail.
 */
export function createListProvider(
  id: string,
  orders: readonly Order[],
  options: {
    fail?: (query: OrderQuery, call: number) => Error | undefined;
    /** Milliseconds to wait before answering call number `call` (the wait honours the signal). */
    delay?: (call: number) => number;
    capabilities?: Partial<ProviderCapabilities>;
  } = {},
): OrderProvider & { calls: number } {
  const capabilities: ProviderCapabilities = {
    filters: [],
    statusFilterValues: 'none',
    sorts: [...SORT_FIELDS],
    defaultPageSize: 10,
    maxPageSize: 50,
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
    async listOrders(
      query: OrderQuery,
      callOptions?: { signal?: AbortSignal | undefined },
    ): Promise<OrderPage> {
      provider.calls += 1;
      const call = provider.calls;
      callOptions?.signal?.throwIfAborted();
      const wait = options.delay?.(call) ?? 0;
      if (wait > 0) {
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(resolve, wait);
          callOptions?.signal?.addEventListener('abort', () => {
            clearTimeout(timer);
            reject(callOptions.signal?.reason);
          });
        });
      }
      const failure = options.fail?.(query, call);
      if (failure) throw failure;
      const plan = planQuery(query, { provider: id, capabilities, statusMap });
      const sorted = [...orders].sort(orderComparator(plan.sort));
      const offset = query.cursor ? Number(query.cursor.slice(1)) : 0;
      const slice = sorted.slice(offset, offset + plan.pageSize);
      const next = offset + plan.pageSize;
      const finished = plan.finishPage(slice);
      await new Promise((resolve) => setImmediate(resolve));
      return {
        orders: finished.orders,
        nextCursor: next < sorted.length && !finished.reachedBound ? `o${next}` : null,
        totalCount: sorted.length,
        warnings: [...plan.warnings],
      };
    },
    async getOrder(orderId: string): Promise<Order> {
      const order = orders.find((candidate) => candidate.id === orderId);
      if (!order)
        throw new NotFoundError({
          provider: id,
          status: 404,
          message: `${id} has no order ${orderId}`,
        });
      return order;
    },
  };
  return provider;
}
