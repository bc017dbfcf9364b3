import type { OrderProvider, OrderQuery } from '@orderbridge/core';

/**
 * The number of orders an export will write, for the progress bar: the sum of each provider's
 * `totalCount` for the query (one single-order page each). Undefined when any provider does not
 * report a total, filters part of the query locally (its total would count orders that are then
 * dropped), or fails: the bar then shows count and rate without a total. Never fails the export.
 */
export async function estimateTotal(
  providers: readonly OrderProvider[],
  query: OrderQuery,
  signal: AbortSignal,
): Promise<number | undefined> {
  const { cursor: _cursor, ...withoutCursor } = query;
  try {
    const totals = await Promise.all(
      providers.map(async (provider) => {
        if (!provider.capabilities.totalCount) return undefined;
        const page = await provider.listOrders({ ...withoutCursor, limit: 1 }, { signal });
        if (page.warnings.some((warning) => warning.code === 'filter-emulated')) return undefined;
        return page.totalCount;
      }),
    );
    if (totals.some((total) => total === undefined)) return undefined;
    return totals.reduce<number>((sum, total) => sum + (total ?? 0), 0);
  } catch {
    return undefined;
  }
}
