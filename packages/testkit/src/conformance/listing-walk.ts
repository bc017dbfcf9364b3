import {
  type CallOptions,
  type Order,
  type OrderPage,
  type OrderProvider,
  type OrderQuery,
  type OrderQueryInput,
  pages,
  parseOrderQuery,
  sortOf,
  type Warning,
} from '@orderbridge/core';
import { ConformanceError } from './conformance-error.js';
import { describeError, describeQuery } from './describe.js';

/** A whole listing as the provider delivered it, page by page. */
export interface ListingWalk {
  /** The validated query that was walked. */
  query: OrderQuery;
  /** Every page, in order. */
  pages: OrderPage[];
  /** Every order of every page, in order. */
  orders: Order[];
  /** For each order, the 1-based number of the page it came on (same index as `orders`). */
  pageNumbers: number[];
  /** Distinct warnings of the whole walk, in order of first appearance. */
  warnings: readonly Warning[];
}

/** Options of `walkListing`. */
export interface WalkOptions extends CallOptions {
  /**
   * Pages after which the walk is declared endless. Default: enough for the backend's whole
   * dataset twice over, plus slack for empty pages.
   */
  maxPages?: number;
  /** How many orders the backend holds; sizes the default `maxPages`. */
  datasetSize?: number;
}

/**
 * Walks a listing to its end with core's `pages()` (the way apps read a provider) and checks the
 * shape of every page on the way: an array of orders no longer than the page size, warnings, and a
 * string or null cursor.
 * @throws ConformanceError when the provider fails, a page is malformed or too large, or the
 * listing does not end.
 */
export async function walkListing(
  provider: OrderProvider,
  input: OrderQueryInput | OrderQuery,
  options: WalkOptions = {},
): Promise<ListingWalk> {
  const query = parseOrderQuery(input);
  const label = `page walk of ${describeQuery(query)}`;
  const pageSize = effectivePageSize(provider, query);
  const maxPages = options.maxPages ?? Math.ceil((options.datasetSize ?? 1000) / pageSize) * 2 + 10;
  const iterable = pages(provider, query, {
    includeRaw: options.includeRaw,
    signal: options.signal,
  });
  const walk: ListingWalk = { query, pages: [], orders: [], pageNumbers: [], warnings: [] };
  try {
    for await (const page of iterable) {
      const pageNumber = walk.pages.length + 1;
      checkPageShape(page, pageNumber, pageSize, label);
      walk.pages.push(page);
      for (const order of page.orders) {
        walk.orders.push(order);
        walk.pageNumbers.push(pageNumber);
      }
      if (walk.pages.length >= maxPages && page.nextCursor !== null) {
        throw new ConformanceError({
          finding: `${label} did not end after ${maxPages} pages of at most ${pageSize} (the backend holds ${options.datasetSize ?? 'an unknown number of'} orders)`,
          promise: 'a listing ends: the last page has nextCursor null',
        });
      }
    }
  } catch (error) {
    if (ConformanceError.isInstance(error)) throw error;
    throw new ConformanceError({
      finding: `${label} failed on page ${walk.pages.length + 1}: ${describeError(error)}`,
      promise: 'listOrders answers every query whose sort the provider supports',
      cause: error,
    });
  }
  walk.warnings = [...iterable.warnings];
  return walk;
}

/** The page size a provider must not exceed for a query: its limit (or default), capped at the maximum. */
export function effectivePageSize(provider: OrderProvider, query: OrderQuery): number {
  const { defaultPageSize, maxPageSize } = provider.capabilities;
  return Math.min(query.limit ?? defaultPageSize, maxPageSize);
}

/** The sort a walk uses by default: `createdAt desc` when supported, else the first supported field. */
export function walkSortOf(provider: OrderProvider): OrderQuery['sort'] {
  const sorts = provider.capabilities.sorts;
  const fallback = sortOf({});
  if (sorts.includes(fallback.field)) return fallback;
  const field = sorts[0];
  return field === undefined ? fallback : { field, direction: 'desc' };
}

function checkPageShape(page: OrderPage, pageNumber: number, pageSize: number, label: string) {
  const shapeError = (finding: string) =>
    new ConformanceError({
      finding: `${label}: page ${pageNumber} ${finding}`,
      promise: 'a page is { orders: Order[], nextCursor: string | null, warnings: Warning[] }',
    });
  if (typeof page !== 'object' || page === null) throw shapeError('is not an object');
  if (!Array.isArray(page.orders)) throw shapeError('has no orders array');
  if (!Array.isArray(page.warnings)) throw shapeError('has no warnings array');
  if (page.nextCursor !== null && typeof page.nextCursor !== 'string') {
    throw shapeError(`has nextCursor ${JSON.stringify(page.nextCursor)}`);
  }
  if (page.nextCursor === '') throw shapeError('has an empty nextCursor');
  if (page.orders.length > pageSize) {
    throw new ConformanceError({
      finding: `${label}: page ${pageNumber} holds ${page.orders.length} orders, but the page size is ${pageSize}`,
      promise:
        'a page never holds more orders than the query limit (or defaultPageSize), capped at maxPageSize',
    });
  }
}
