import { compareMoneyValue, type Money } from '../model/money.js';
import type { Order } from '../model/order.js';
import { ORDER_STATUSES, type OrderStatus } from '../model/status.js';
import { compareTimestamps } from '../model/timestamp.js';
import {
  type FilterField,
  type OrderQuery,
  type SortDirection,
  type SortField,
  sortOf,
} from './order-query.js';

/** Whether an order passes one filter of the query (true when the query has no such filter). */
export function matchesFilter(order: Order, query: OrderQuery, field: FilterField): boolean {
  switch (field) {
    case 'status':
      return query.status === undefined || query.status.includes(order.status);
    case 'paymentStatus':
      return (
        query.paymentStatus === undefined ||
        (order.paymentStatus !== null && query.paymentStatus.includes(order.paymentStatus))
      );
    case 'fulfillmentStatus':
      return (
        query.fulfillmentStatus === undefined ||
        (order.fulfillmentStatus !== null &&
          query.fulfillmentStatus.includes(order.fulfillmentStatus))
      );
    case 'createdFrom':
      return (
        query.createdFrom === undefined ||
        compareTimestamps(order.createdAt, query.createdFrom) >= 0
      );
    case 'createdTo':
      return (
        query.createdTo === undefined || compareTimestamps(order.createdAt, query.createdTo) <= 0
      );
    case 'customerId':
      return query.customerId === undefined || order.customer?.id === query.customerId;
    case 'merchantId':
      return query.merchantId === undefined || order.merchant?.id === query.merchantId;
    case 'currency':
      return query.currency === undefined || order.totals.total.currency === query.currency;
    case 'search':
      return query.search === undefined || matchesSearch(order, query.search);
  }
}

/** Whether an order passes every filter of the query. */
export function matchesQuery(order: Order, query: OrderQuery): boolean {
  return (
    matchesFilter(order, query, 'status') &&
    matchesFilter(order, query, 'paymentStatus') &&
    matchesFilter(order, query, 'fulfillmentStatus') &&
    matchesFilter(order, query, 'createdFrom') &&
    matchesFilter(order, query, 'createdTo') &&
    matchesFilter(order, query, 'customerId') &&
    matchesFilter(order, query, 'merchantId') &&
    matchesFilter(order, query, 'currency') &&
    matchesFilter(order, query, 'search')
  );
}

/**
 * The canonical search: a case-insensitive substring of the order id, reference, customer name,
 * email or company, or merchant name. (Store names are left out: FlexFactor's `query` does not
 * match them, and a search pushed down must mean the same as one done locally.)
 */
export function matchesSearch(order: Order, search: string): boolean {
  const needle = search.toLowerCase();
  const haystack = [
    order.id,
    order.reference,
    order.customer?.name,
    order.customer?.email,
    order.customer?.company,
    order.merchant?.name,
  ];
  return haystack.some(
    (value) => typeof value === 'string' && value.toLowerCase().includes(needle),
  );
}

/** The value an order is sorted by for a sort field. */
export type SortValue = string | Money | null;

/** The value of an order's sort field. */
export function sortValueOf(order: Order, field: SortField): SortValue {
  switch (field) {
    case 'createdAt':
      return order.createdAt;
    case 'updatedAt':
      return order.updatedAt;
    case 'id':
      return order.id;
    case 'status':
      return order.status;
    case 'total':
      return order.totals.total;
  }
}

/** Compares two sort values of one field (ascending); null sorts first. */
export function compareSortValues(field: SortField, left: SortValue, right: SortValue): number {
  if (left === null || right === null) return left === right ? 0 : left === null ? -1 : 1;
  switch (field) {
    case 'createdAt':
    case 'updatedAt':
      return compareTimestamps(left as string, right as string);
    case 'id':
      return compareText(left as string, right as string);
    case 'status':
      return (
        ORDER_STATUSES.indexOf(left as OrderStatus) - ORDER_STATUSES.indexOf(right as OrderStatus)
      );
    case 'total':
      return compareTotals(left as Money, right as Money);
  }
}

/**
 * Totals in (currency, amount) order: by currency code, then by amount. A query sorted by total
 * names one currency (see `TOTAL_SORT_NEEDS_CURRENCY`), so in a listing only the amount differs;
 * the currency comes first so that the comparator is still a total order on any set of orders.
 */
function compareTotals(left: Money, right: Money): number {
  const byCurrency = compareText(left.currency, right.currency);
  return byCurrency !== 0 ? byCurrency : compareMoneyValue(left, right);
}

/** Compares two orders by one sort field only (ascending). */
export function compareBySortField(left: Order, right: Order, field: SortField): number {
  return compareSortValues(field, sortValueOf(left, field), sortValueOf(right, field));
}

/**
 * The canonical order of a listing: the sort field, then the order key, both in the requested
 * direction. Every merged listing is ordered by this comparator.
 */
export function orderComparator(
  sort: { field: SortField; direction: SortDirection } | OrderQuery,
): (left: Order, right: Order) => number {
  const { field, direction } = 'field' in sort ? sort : sortOf(sort);
  const sign = direction === 'asc' ? 1 : -1;
  return (left, right) => {
    const byField = compareBySortField(left, right, field);
    return sign * (byField !== 0 ? byField : compareText(left.key, right.key));
  };
}

/** Ordinal (code unit) comparison, the same in every locale. */
export function compareText(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0;
}
