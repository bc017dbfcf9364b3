import type { Order } from '@orderbridge/core';
import type { OrderStore } from '@orderbridge/store';

/** Every order a store holds in `scope` (its default scope when omitted), by key. */
export async function storedOrders(store: OrderStore, scope?: string): Promise<Map<string, Order>> {
  const stored = new Map<string, Order>();
  let cursor: string | undefined;
  do {
    const page = await store.listOrders({
      ...(scope !== undefined ? { scope } : {}),
      query: {
        sort: { field: 'id', direction: 'asc' },
        limit: 1000,
        ...(cursor ? { cursor } : {}),
      },
    });
    for (const order of page.orders) stored.set(order.key, order);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return stored;
}
