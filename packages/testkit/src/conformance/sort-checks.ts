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

/**
 * For a sort field the provider supports, a whole walk in each direction equals the ground truth
 * sorted by core's `orderComparator` (ties broken by key in the same direction).
 * @throws ConformanceError naming the first misplaced order.
 */
export async function checkSortDirections(
  context: ConformanceContext,
  field: SortField,
): Promise<void> {
  for (const direction of DIRECTIONS) {
    const result = await walk(context, { sort: { field, direction } });
    assertListingMatches(result, context.orders);
  }
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
    const query = parseOrderQuery({ sort: { field, direction }, limit: listingLimit(context) });
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
