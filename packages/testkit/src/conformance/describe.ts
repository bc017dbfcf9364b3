import {
  type FilterField,
  type Order,
  OrderBridgeError,
  type OrderQuery,
  type SortField,
  sortOf,
  sortValueOf,
} from '@orderbridge/core';

/** A short, readable form of a query for messages: `status=[paid] sort=createdAt desc limit=7`. */
export function describeQuery(query: OrderQuery): string {
  const parts: string[] = [];
  for (const [field, value] of Object.entries(query)) {
    if (value === undefined || field === 'sort' || field === 'cursor') continue;
    parts.push(`${field}=${Array.isArray(value) ? `[${value.join(',')}]` : String(value)}`);
  }
  const sort = sortOf(query);
  parts.push(`sort=${sort.field} ${sort.direction}`);
  return `{ ${parts.join(' ')} }`;
}

/** Names an error for a message: its class, code and message (`NotFoundError [not_found]: …`). */
export function describeError(error: unknown): string {
  if (OrderBridgeError.isInstance(error)) return `${error.name} [${error.code}]: ${error.message}`;
  if (error instanceof Error) return `${error.name} (not an OrderBridge error): ${error.message}`;
  return `a thrown ${typeof error} (${String(error)})`;
}

/** The value of the order that a filter looks at, for messages. */
export function filterValueOf(order: Order, field: FilterField): string {
  switch (field) {
    case 'status':
    case 'paymentStatus':
    case 'fulfillmentStatus':
      return String(order[field]);
    case 'createdFrom':
    case 'createdTo':
      return `createdAt ${order.createdAt}`;
    case 'customerId':
      return `customer.id ${JSON.stringify(order.customer?.id ?? null)}`;
    case 'merchantId':
      return `merchant.id ${JSON.stringify(order.merchant?.id ?? null)}`;
    case 'currency':
      return `total in ${order.totals.total.currency}`;
    case 'search':
      return 'no searchable field containing it';
  }
}

/** The value of the order's sort field, for messages. */
export function sortValueText(order: Order, field: SortField): string {
  const value = sortValueOf(order, field);
  if (value === null) return 'null';
  if (typeof value === 'string') return value;
  return `${value.amountMinor} ${value.currency} minor units`;
}
