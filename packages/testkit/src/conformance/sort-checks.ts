import {
  InvalidQueryError,
  parseOrderQuery,
  type SortDirection,
  type SortField,
} from '@orderbridge/core';
import { assertNoSecret, listingLimit, rejectionOf, walk } from './check-support.js';
import type { ConformanceContext } from './conformance-context.js';
import { ConformanceError } from './conformance-error.js';
import { describeError } from './describe.js';
import { assertListingMatches } from './listing-comparison.js';

const DIRECTIONS: readonly SortDirection[] = ['asc', 'desc'];

/** How many currencies of the ground truth a total sort is walked in (the most frequent ones). */
const TOTAL_SORT_CURRENCIES = 3;

/**
 * For a sort field the provider supports, a whole walk in each direction equals the ground truth
 * sorted by core's `orderComparator` (ties broken by key in the same direction). A total sort names
 * one currency (core refuses one that does not), so it is walked once per currency of the ground
 * truth, up to three.
 * @throws ConformanceError naming the first misplaced order.
 */
export async function checkSortDirections(
  context: ConformanceContext,
  field: SortField,
): Promise<void> {
  const currencies =
    field === 'total' ? currenciesOf(context).slice(0, TOTAL_SORT_CURRENCIES) : [undefined];
  for (const currency of currencies) {
    for (const direction of DIRECTIONS) {
      const result = await walk(context, {
        sort: { field, direction },
        ...(currency ? { currency } : {}),
      });
      assertListingMatches(result, context.orders);
    }
  }
}

/** The currencies of the ground truth's totals, most frequent first. */
function currenciesOf(context: ConformanceContext): string[] {
  const counts = new Map<string, number>();
  for (const order of context.orders) {
    const currency = order.totals.total.currency;
    counts.set(currency, (counts.get(currency) ?? 0) + 1);
  }
  const currencies = [...counts.entries()]
    .sort((left, right) => right[1] - left[1])
    .map(([currency]) => currency);
  return currencies.length > 0 ? currencies : ['USD'];
}

/**
 * A sort field the provider does not support (not in `capabilities.sorts`) is refused with
 * `InvalidQueryError` in both directions, instead of answered in another order.
 * @throws ConformanceError when the provider answers or fails otherwise.
 */
export async function checkUnsupportedSortRefused(
  context: ConformanceContext,
  field: SortField,
): Promise<void> {
  const promise = `a sort the provider cannot do (${field}, not in capabilities.sorts) is refused with InvalidQueryError, never answered in another order`;
  for (const direction of DIRECTIONS) {
    const query = parseOrderQuery({
      sort: { field, direction },
      limit: listingLimit(context),
      // A total sort must name a currency to be a valid query at all.
      ...(field === 'total' ? { currency: 'USD' } : {}),
    });
    const outcome = await rejectionOf(() => context.provider.listOrders(query));
    const situation = `listOrders sorted by ${field} ${direction}`;
    if (!outcome) {
      throw new ConformanceError({ finding: `${situation} resolved`, promise });
    }
    if (!InvalidQueryError.isInstance(outcome.error)) {
      throw new ConformanceError({
        finding: `${situation} rejected with ${describeError(outcome.error)}`,
        promise,
        cause: outcome.error,
      });
    }
    assertNoSecret(outcome.error, context, situation);
  }
}
