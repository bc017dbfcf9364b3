import {
  type Order,
  type OrderPage,
  type OrderProvider,
  type OrderQueryInput,
  parseOrderQuery,
} from '@orderbridge/core';

/** How a walk over a provider's own page cursors ended. */
export interface WalkResult {
  /** Orders delivered, in order. */
  orders: Order[];
  /** Pages delivered. */
  pages: OrderPage[];
  /** The cursor of the page that failed (resume from it), or null when the walk completed. */
  cursor: string | null;
  /** The error that stopped the walk, if any. */
  error?: unknown;
}

/**
 * Walks a listing page by page with the provider's own cursors (no prefetch, no parallel pages),
 * calling `beforePage(n)` before page n is requested. An error stops the walk and is returned with
 * the cursor of the page it failed on, so a test can resume exactly there.
 */
export async function walkProviderPages(
  provider: OrderProvider,
  query: OrderQueryInput,
  options: {
    beforePage?: (pageNumber: number, delivered: readonly Order[]) => void | Promise<void>;
    cursor?: string | null;
    maxPages?: number;
  } = {},
): Promise<WalkResult> {
  const orders: Order[] = [];
  const pages: OrderPage[] = [];
  let cursor = options.cursor ?? null;
  const maxPages = options.maxPages ?? 10_000;
  for (let pageNumber = 1; pageNumber <= maxPages; pageNumber++) {
    await options.beforePage?.(pageNumber, orders);
    let page: OrderPage;
    try {
      page = await provider.listOrders(
        parseOrderQuery(cursor === null ? query : { ...query, cursor }),
      );
    } catch (error) {
      return { orders, pages, cursor, error };
    }
    pages.push(page);
    orders.push(...page.orders);
    if (page.nextCursor === null) return { orders, pages, cursor: null };
    cursor = page.nextCursor;
  }
  throw new Error(`the walk did not end within ${maxPages} pages`);
}
