import { NotFoundError } from '../errors/not-found-error.js';
import type { Order } from '../model/order.js';
import { defineStatusMap } from '../model/status.js';
import type { OrderPage, OrderProvider, ProviderCapabilities } from '../provider/order-provider.js';
import { orderComparator } from '../query/order-match.js';
import { type OrderQuery, SORT_FIELDS } from '../query/order-query.js';
import { planQuery } from '../query/query-plan.js';

/** A status map whose raw values are the canonical lifecycle statuses themselves. */
export const identityStatusMap = defineStatusMap('test', [
  {
    code: 'pending',
    label: 'Pending',
    status: 'pending',
    paymentStatus: 'pending',
    fulfillmentStatus: 'unfulfilled',
  },
  {
    code: 'processing',
    label: 'Processing',
    status: 'processing',
    paymentStatus: 'paid',
    fulfillmentStatus: 'partially_fulfilled',
  },
  {
    code: 'completed',
    label: 'Completed',
    status: 'completed',
    paymentStatus: 'paid',
    fulfillmentStatus: 'fulfilled',
  },
  {
    code: 'cancelled',
    label: 'Cancelled',
    status: 'cancelled',
    paymentStatus: null,
    fulfillmentStatus: 'unfulfilled',
  },
]);

/**
 * A minimal offset-cursor provider over an array, for core's own tests (testkit has the complete
 * reference provider). Pushes nothing down: every filter goes through core's plan.
 */
export function createArrayProvider(
  id: string,
  orders: readonly Order[],
  overrides: Partial<ProviderCapabilities> & {
    fail?: (query: OrderQuery) => Error | undefined;
  } = {},
): OrderProvider & { calls: OrderQuery[] } {
  const capabilities: ProviderCapabilities = {
    filters: [],
    statusFilterValues: 'none',
    sorts: [...SORT_FIELDS],
    defaultPageSize: 10,
    maxPageSize: 100,
    pageNumbers: false,
    totalCount: true,
    ...overrides,
  };
  const calls: OrderQuery[] = [];
  return {
    specificationVersion: 'v1',
    id,
    capabilities,
    statusMap: identityStatusMap,
    calls,
    async listOrders(query): Promise<OrderPage> {
      calls.push(query);
      const failure = overrides.fail?.(query);
      if (failure) throw failure;
      const plan = planQuery(query, { provider: id, capabilities, statusMap: identityStatusMap });
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
    async getOrder(orderId) {
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
    providerStatus: { code: 'pending', label: null },
    type: null,
    reference: null,
    customer: null,
    merchant: null,
    items: [],
    totals: {
      subtotal: null,
      tax: null,
      total: { amountMinor: 100, currency: 'USD' },
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
