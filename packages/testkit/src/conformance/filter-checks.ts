import type { FilterField, OrderProvider, OrderQueryInput } from '@orderbridge/core';
import { hasLocalWorkWarning, walk } from './check-support.js';
import type { ConformanceContext } from './conformance-context.js';
import { ConformanceError } from './conformance-error.js';
import { describeQuery } from './describe.js';
import { filterSamples } from './filter-samples.js';
import { assertListingMatches } from './listing-comparison.js';

const STATUS_DIMENSIONS: ReadonlySet<FilterField> = new Set([
  'status',
  'paymentStatus',
  'fulfillmentStatus',
]);

/**
 * Why a provider does not push a filter down, or undefined when it does. A status dimension is
 * pushed down when the provider filters by status and its raw status decides that dimension for
 * every documented value (the rule core's `planQuery` applies).
 */
export function filterNotPushedReason(
  provider: OrderProvider,
  field: FilterField,
): string | undefined {
  const { filters, statusFilterValues } = provider.capabilities;
  const notPushed = `${field} is not pushed down by ${provider.id}`;
  if (!STATUS_DIMENSIONS.has(field)) {
    return filters.includes(field) ? undefined : `${notPushed} (capabilities.filters)`;
  }
  if (!filters.includes('status')) return `${notPushed} (capabilities.filters has no status)`;
  if (statusFilterValues === 'none') {
    return `${notPushed} (capabilities.statusFilterValues is none)`;
  }
  const dimension = field as 'status' | 'paymentStatus' | 'fulfillmentStatus';
  const undecided = provider.statusMap.entries.find((entry) => entry[dimension] === undefined);
  return undecided
    ? `${notPushed} (its raw status ${JSON.stringify(undecided.code)} does not decide ${field}; statusMap)`
    : undefined;
}

/**
 * A filter the provider claims to push down returns exactly the ground-truth orders that match,
 * in order, for sample values taken from the ground truth (created-date bounds are inclusive and
 * are walked in both directions when the provider sorts by `createdAt`).
 * @throws ConformanceError naming the stray, missing or misplaced order.
 */
export async function checkPushedDownFilter(
  context: ConformanceContext,
  field: FilterField,
): Promise<void> {
  const promise = `${field} is pushed down (capabilities.filters) and must return exactly the matching orders`;
  for (const query of queriesFor(context, field)) {
    assertListingMatches(await walk(context, query), context.orders, { exactness: promise });
  }
}

/**
 * A filter the provider does not push down is still answered exactly (core finishes it locally)
 * and the listing says so with a `filter-emulated` or `early-stop` warning for that field.
 * @throws ConformanceError naming the wrong order or the missing warning.
 */
export async function checkEmulatedFilter(
  context: ConformanceContext,
  field: FilterField,
): Promise<void> {
  const promise = `${field} is applied locally and must still return exactly the matching orders`;
  for (const query of queriesFor(context, field)) {
    const result = await walk(context, query);
    assertListingMatches(result, context.orders, { exactness: promise });
    if (!hasLocalWorkWarning(result.warnings, field)) {
      const codes = result.warnings.map((warning) => `${warning.code}(${warning.field ?? ''})`);
      throw new ConformanceError({
        finding: `page walk of ${describeQuery(result.query)} reported no filter-emulated or early-stop warning for ${field} (warnings: ${codes.join(', ') || 'none'})`,
        promise:
          'a filter the provider does not push down is reported as a filter-emulated, early-stop or filter-never-matches warning',
      });
    }
  }
}

/** The sample queries of a field; date filters in both createdAt directions when supported. */
function queriesFor(context: ConformanceContext, field: FilterField): OrderQueryInput[] {
  const samples = filterSamples(field, context.orders);
  const sorts = context.provider.capabilities.sorts;
  if ((field !== 'createdFrom' && field !== 'createdTo') || !sorts.includes('createdAt')) {
    return samples;
  }
  return samples.flatMap((sample) => [
    { ...sample, sort: { field: 'createdAt', direction: 'desc' } },
    { ...sample, sort: { field: 'createdAt', direction: 'asc' } },
  ]);
}
