import {
  FILTER_FIELDS,
  MAX_LIMIT,
  type OrderQueryInput,
  orderKey,
  orderSchema,
  parseOrderQuery,
  providerIdSchema,
  SORT_FIELDS,
  SPECIFICATION_VERSION,
} from '@orderbridge/core';
import { answered, listingLimit, walk } from './check-support.js';
import type { ConformanceContext } from './conformance-context.js';
import { ConformanceError } from './conformance-error.js';
import { assertListingMatches, expectedListing } from './listing-comparison.js';
import { walkSortOf } from './listing-walk.js';
import { firstOrderDifference } from './order-difference.js';

/**
 * The provider declares the v1 port, a valid id and consistent capabilities, and the ground truth
 * handed to the suite is valid canonical orders keyed by that id.
 * @throws ConformanceError naming the first inconsistency.
 */
export async function checkPortShape(context: ConformanceContext): Promise<void> {
  const { provider } = context;
  const fail = (finding: string, promise: string) => new ConformanceError({ finding, promise });
  if (provider.specificationVersion !== SPECIFICATION_VERSION) {
    throw fail(
      `provider declares specificationVersion ${JSON.stringify(provider.specificationVersion)}`,
      `a provider implements port ${SPECIFICATION_VERSION}`,
    );
  }
  if (!providerIdSchema.safeParse(provider.id).success) {
    throw fail(
      `provider id ${JSON.stringify(provider.id)} is not lower-case letters, digits, "-" or "_"`,
      'a provider id can prefix order keys',
    );
  }
  const capabilities = provider.capabilities;
  const strayFilter = capabilities.filters.find((field) => !FILTER_FIELDS.includes(field));
  if (strayFilter !== undefined) {
    throw fail(
      `capabilities.filters lists ${JSON.stringify(strayFilter)}`,
      `capabilities.filters holds only ${FILTER_FIELDS.join(', ')}`,
    );
  }
  const straySort = capabilities.sorts.find((field) => !SORT_FIELDS.includes(field));
  if (straySort !== undefined || capabilities.sorts.length === 0) {
    throw fail(
      straySort === undefined
        ? 'capabilities.sorts is empty'
        : `capabilities.sorts lists ${JSON.stringify(straySort)}`,
      `a provider sorts by at least one of ${SORT_FIELDS.join(', ')}`,
    );
  }
  if (!['none', 'one', 'many'].includes(capabilities.statusFilterValues)) {
    throw fail(
      `capabilities.statusFilterValues is ${JSON.stringify(capabilities.statusFilterValues)}`,
      'statusFilterValues is none, one or many',
    );
  }
  const { defaultPageSize, maxPageSize } = capabilities;
  if (
    !Number.isInteger(defaultPageSize) ||
    !Number.isInteger(maxPageSize) ||
    defaultPageSize < 1 ||
    defaultPageSize > maxPageSize
  ) {
    throw fail(
      `capabilities say defaultPageSize ${defaultPageSize}, maxPageSize ${maxPageSize}`,
      'page sizes are whole numbers with 1 <= defaultPageSize <= maxPageSize',
    );
  }
  if (capabilities.pageNumbers && typeof provider.cursorForPage !== 'function') {
    throw fail(
      'capabilities.pageNumbers is true but the provider has no cursorForPage',
      'a page-number provider implements cursorForPage',
    );
  }
  checkGroundTruth(context);
}

function checkGroundTruth(context: ConformanceContext): void {
  const seen = new Set<string>();
  const promise = 'setup returns the backend’s orders as valid canonical orders of this provider';
  context.orders.forEach((order, index) => {
    const parsed = orderSchema.safeParse(order);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ConformanceError({
        finding: `ground truth order ${index} (${String(order?.key)}) is not a valid Order: ${issue?.path.join('.')}: ${issue?.message}`,
        promise,
      });
    }
    if (order.provider !== context.provider.id) {
      throw new ConformanceError({
        finding: `ground truth order ${order.key} belongs to provider ${JSON.stringify(order.provider)}, not ${JSON.stringify(context.provider.id)}`,
        promise,
      });
    }
    if (seen.has(order.key)) {
      throw new ConformanceError({
        finding: `ground truth lists order ${order.key} twice`,
        promise,
      });
    }
    seen.add(order.key);
  });
}

/**
 * Walking every page (with core's `pages()`) returns each order the backend holds exactly once,
 * in the requested sort order.
 * @throws ConformanceError naming a repeated, missing, foreign or misplaced order.
 */
export async function checkWalkReturnsEachOrderOnce(
  context: ConformanceContext,
  query: OrderQueryInput = {},
): Promise<void> {
  const result = await walk(context, query);
  assertListingMatches(result, context.orders);
}

/**
 * Every listed order validates against the canonical schema, belongs to the provider, and carries
 * `raw` only when asked (`includeRaw`).
 * @throws ConformanceError naming the order and the schema issue.
 */
export async function checkOrdersValidate(context: ConformanceContext): Promise<void> {
  const { provider } = context;
  const result = await walk(context);
  for (const order of result.orders) {
    const parsed = orderSchema.safeParse(order);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ConformanceError({
        finding: `listed order ${String(order?.key)} is invalid at ${issue?.path.join('.') || '(order)'}: ${issue?.message}`,
        promise: 'every order validates against the canonical orderSchema',
      });
    }
    if (order.provider !== provider.id || order.key !== orderKey(provider.id, order.id)) {
      throw new ConformanceError({
        finding: `listed order ${order.key} has provider ${JSON.stringify(order.provider)}`,
        promise: `every order carries the provider's id (${provider.id}) and the key <provider>:<id>`,
      });
    }
    if (order.raw !== undefined) {
      throw new ConformanceError({
        finding: `listed order ${order.key} carries raw although includeRaw was not set`,
        promise: 'raw is included only when the caller asks for it (includeRaw)',
      });
    }
  }
  const firstPage = await answered(
    () =>
      provider.listOrders(
        parseOrderQuery({ limit: listingLimit(context), sort: walkSortOf(provider) }),
        { includeRaw: true },
      ),
    'the first page with includeRaw',
    'listOrders answers every query whose sort the provider supports',
  );
  const bare = firstPage.orders.find((order) => order.raw === undefined);
  if (bare) {
    throw new ConformanceError({
      finding: `listed order ${bare.key} has no raw although includeRaw was set`,
      promise: "with includeRaw, every order carries the provider's wire object as raw",
    });
  }
}

/**
 * Every listed order equals its ground-truth order (deep equality, `raw` ignored).
 * @throws ConformanceError naming the order and the first differing path.
 */
export async function checkListingEqualsGroundTruth(context: ConformanceContext): Promise<void> {
  const truthByKey = new Map(context.orders.map((order) => [order.key, order]));
  const result = await walk(context);
  for (const order of result.orders) {
    const truth = truthByKey.get(order.key);
    if (!truth) continue; // reported by checkWalkReturnsEachOrderOnce
    const difference = firstOrderDifference(order, truth);
    if (difference) {
      throw new ConformanceError({
        finding: `listed order ${order.key} differs from the ground truth at ${difference.path}: listed ${difference.left}, ground truth ${difference.right}`,
        promise: 'listed orders are the canonical orders the backend holds',
      });
    }
  }
}

/**
 * With `limit: n`, every page holds at most n orders and the walk still returns every order once.
 * @throws ConformanceError naming the oversized page or the broken walk.
 */
export async function checkPageSizeHonoured(context: ConformanceContext, limit = 7): Promise<void> {
  // Small pages only on small datasets: keep the walk to at most ~60 pages.
  const size = Math.max(limit, Math.ceil(context.orders.length / 60));
  const result = await walk(context, { limit: size });
  assertListingMatches(result, context.orders);
  if (context.orders.length > size && result.pages.length < 2) {
    throw new ConformanceError({
      finding: `a walk with limit ${size} over ${context.orders.length} orders returned everything on one page`,
      promise: 'a page never holds more orders than the query limit',
    });
  }
}

/**
 * A limit above `maxPageSize` is reduced to it, with a `limit-clamped` warning.
 * @throws ConformanceError when the page is larger or the warning is missing.
 */
export async function checkLimitClamped(context: ConformanceContext): Promise<void> {
  const { provider } = context;
  const limit = provider.capabilities.maxPageSize + 1;
  if (limit > MAX_LIMIT) return; // no valid query asks for more than the provider serves
  const query = parseOrderQuery({ limit, sort: walkSortOf(provider) });
  const page = await answered(
    () => provider.listOrders(query),
    `listOrders with limit ${limit} (maxPageSize ${limit - 1})`,
    'a limit above maxPageSize is reduced, not refused',
  );
  if (page.orders.length > limit - 1) {
    throw new ConformanceError({
      finding: `listOrders with limit ${limit} returned ${page.orders.length} orders, above maxPageSize ${limit - 1}`,
      promise: 'a page never holds more than maxPageSize orders',
    });
  }
  if (!page.warnings.some((warning) => warning.code === 'limit-clamped')) {
    throw new ConformanceError({
      finding: `listOrders with limit ${limit} (maxPageSize ${limit - 1}) returned no limit-clamped warning`,
      promise: 'a limit the provider cannot honour is reported as a limit-clamped warning',
    });
  }
}

/**
 * A cursor can be used again and gives the same page: the multi-provider client resumes from
 * stored cursors.
 * @throws ConformanceError when the replayed page differs.
 */
export async function checkCursorReplay(context: ConformanceContext): Promise<void> {
  const { provider } = context;
  const query = parseOrderQuery({ limit: listingLimit(context), sort: walkSortOf(provider) });
  const promise = 'a cursor resumes the same listing at the same place every time it is used';
  const first = await answered(() => provider.listOrders(query), 'the first page', promise);
  if (first.nextCursor === null) return;
  const next = { ...query, cursor: first.nextCursor };
  const once = await answered(() => provider.listOrders(next), 'the second page', promise);
  const again = await answered(() => provider.listOrders(next), 'the second page again', promise);
  const keys = (page: typeof once) => page.orders.map((order) => order.key).join(',');
  if (keys(once) !== keys(again) || once.nextCursor !== again.nextCursor) {
    throw new ConformanceError({
      finding: `the second page fetched twice with the same cursor differed (${once.orders.length} vs ${again.orders.length} orders, first ${once.orders[0]?.key} vs ${again.orders[0]?.key})`,
      promise,
    });
  }
}

/**
 * When the provider reports `totalCount`, it equals the number of orders the listing returns.
 * @throws ConformanceError when it does not.
 */
export async function checkTotalCount(context: ConformanceContext): Promise<void> {
  const { provider } = context;
  const query = parseOrderQuery({ limit: listingLimit(context), sort: walkSortOf(provider) });
  const page = await answered(
    () => provider.listOrders(query),
    'the first page',
    'listOrders answers every query whose sort the provider supports',
  );
  const expected = expectedListing(context.orders, query).length;
  if (page.totalCount !== expected) {
    throw new ConformanceError({
      finding: `the first page reports totalCount ${String(page.totalCount)}, but the listing holds ${expected} orders`,
      promise:
        'a provider with capabilities.totalCount reports the number of orders the listing returns',
    });
  }
}
