import {
  FILTER_FIELDS,
  matchesFilter,
  matchesQuery,
  type Order,
  type OrderQuery,
  orderComparator,
  sortOf,
} from '@orderbridge/core';
import { ConformanceError } from './conformance-error.js';
import { describeQuery, filterValueOf, sortValueText } from './describe.js';
import type { ListingWalk } from './listing-walk.js';

/** The orders a query must return from a dataset, in the query's order (ties by key). */
export function expectedListing(orders: readonly Order[], query: OrderQuery): Order[] {
  return orders.filter((order) => matchesQuery(order, query)).sort(orderComparator(query));
}

/** How to word the promise a listing broke. */
export interface ListingPromises {
  /** The promise a missing or non-matching order breaks (default: about the whole listing). */
  exactness?: string;
}

/**
 * Compares a walked listing with the ground truth: each order exactly once, nothing the backend
 * does not hold, exactly the orders that match, in the query's sort order (ties by key).
 * @throws ConformanceError naming the first broken promise.
 */
export function assertListingMatches(
  walk: ListingWalk,
  groundTruth: readonly Order[],
  promises: ListingPromises = {},
): void {
  const { query } = walk;
  const label = `page walk of ${describeQuery(query)}`;
  const firstPage = new Map<string, number>();
  walk.orders.forEach((order, index) => {
    const page = walk.pageNumbers[index] ?? 0;
    const earlier = firstPage.get(order.key);
    if (earlier !== undefined) {
      throw new ConformanceError({
        finding: `${label} returned order ${order.key} twice (pages ${earlier} and ${page})`,
        promise: 'each order must appear exactly once',
      });
    }
    firstPage.set(order.key, page);
  });

  const truthByKey = new Map(groundTruth.map((order) => [order.key, order]));
  const hasFilters = FILTER_FIELDS.some((field) => query[field] !== undefined);
  const exactness =
    promises.exactness ??
    (hasFilters
      ? 'a listing returns exactly the orders that match its filters'
      : 'walking every page returns every order the backend holds');

  for (const order of walk.orders) {
    const truth = truthByKey.get(order.key);
    if (!truth) {
      throw new ConformanceError({
        finding: `${label} returned order ${order.key}, which the backend does not hold (not in the ground truth)`,
        promise: 'a listing returns only orders the backend holds',
      });
    }
    if (!matchesQuery(truth, query)) {
      const strays = walk.orders.filter((candidate) => {
        const candidateTruth = truthByKey.get(candidate.key);
        return candidateTruth !== undefined && !matchesQuery(candidateTruth, query);
      });
      const field = FILTER_FIELDS.find((candidate) => !matchesFilter(truth, query, candidate));
      const reason = field ? ` (${field}: it has ${filterValueOf(truth, field)})` : '';
      throw new ConformanceError({
        finding: `${label} returned ${strays.length} order(s) that do not match, first ${order.key}${reason}`,
        promise: exactness,
      });
    }
  }

  const expected = expectedListing(groundTruth, query);
  const missing = expected.filter((order) => !firstPage.has(order.key));
  if (missing.length > 0) {
    throw new ConformanceError({
      finding: `${label} left out ${missing.length} of the ${expected.length} orders it should return, first ${missing[0]?.key}`,
      promise: exactness,
    });
  }

  const sort = sortOf(query);
  for (let index = 0; index < expected.length; index++) {
    const want = expected[index]!;
    const got = walk.orders[index]!;
    if (got.key !== want.key) {
      const truth = truthByKey.get(got.key) ?? got;
      throw new ConformanceError({
        finding: `${label} is out of order at position ${index + 1}: got ${got.key} (${sort.field} ${sortValueText(truth, sort.field)}), expected ${want.key} (${sort.field} ${sortValueText(want, sort.field)})`,
        promise: `orders come in the requested sort order (${sort.field} ${sort.direction}, ties broken by key in the same direction)`,
      });
    }
  }
}
