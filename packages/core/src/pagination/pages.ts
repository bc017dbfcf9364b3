import { OrderBridgeError } from '../errors/orderbridge-error.js';
import { ProviderResponseError } from '../errors/provider-response-error.js';
import type { Order } from '../model/order.js';
import type { Warning } from '../model/warning.js';
import type { CallOptions, OrderPage, OrderProvider } from '../provider/order-provider.js';
import { type OrderQuery, type OrderQueryInput, parseOrderQuery } from '../query/order-query.js';

/** Options of `pages`, `paginate` and the client's `iterate`. */
export interface PaginateOptions extends CallOptions {
  /**
   * Pages requested at once from a provider that fetches pages by number (default 4). 1 turns
   * parallel fetching off.
   */
  concurrency?: number;
  /** Fetch the next page while the caller consumes the current one (default true). */
  prefetch?: boolean;
  /** Called once for each distinct warning (emulated filter, unknown status, rejected record). */
  onWarning?: (warning: Warning) => void;
}

/** An async iterable that also collects the distinct warnings seen so far. */
export interface WarningIterable<T> extends AsyncIterable<T> {
  /** Distinct warnings seen so far, in order of first appearance. */
  readonly warnings: readonly Warning[];
}

/**
 * Every page of a listing, in order. Prefetches the next page while the caller works on the
 * current one; for a provider that fetches pages by number, loads pages in parallel (bounded by
 * `concurrency`) and falls back to one page at a time if the listing changes under it. A cursor the
 * provider repeats is an error, never an endless loop.
 * @throws InvalidQueryError for an invalid query; the provider's typed errors.
 */
export function pages(
  provider: OrderProvider,
  query: OrderQueryInput | OrderQuery = {},
  options: PaginateOptions = {},
): WarningIterable<OrderPage> {
  const warnings = new WarningCollector(options.onWarning);
  return {
    get warnings() {
      return warnings.list;
    },
    async *[Symbol.asyncIterator]() {
      for await (const { page } of walkPages(provider, parseOrderQuery(query), options, warnings))
        yield page;
    },
  };
}

/** A page together with the cursor that fetched it (null: the listing's first page). */
export interface PositionedPage {
  page: OrderPage;
  cursor: string | null;
}

/**
 * Every order of a listing, in order: the pages of `pages(...)` flattened. Warnings are collected
 * on the returned iterable's `warnings` and passed to `onWarning`.
 */
export function paginate(
  provider: OrderProvider,
  query: OrderQueryInput | OrderQuery = {},
  options: PaginateOptions = {},
): WarningIterable<Order> {
  const pageIterable = pages(provider, query, options);
  return {
    get warnings() {
      return pageIterable.warnings;
    },
    async *[Symbol.asyncIterator]() {
      for await (const page of pageIterable) yield* page.orders;
    },
  };
}

/**
 * Reads at most `max` orders from an iterable into an array; the cap is required so a listing can
 * never exhaust memory by accident. Stops fetching once `max` orders are in.
 */
export async function collect<T>(source: AsyncIterable<T>, options: { max: number }): Promise<T[]> {
  if (!Number.isInteger(options?.max) || options.max < 0) {
    throw new RangeError('collect needs { max }: a whole number of items to read at most');
  }
  const items: T[] = [];
  if (options.max === 0) return items;
  for await (const item of source) {
    items.push(item);
    if (items.length >= options.max) break;
  }
  return items;
}

/** Deduplicates warnings by code, provider, field and order, keeping first appearance. */
export class WarningCollector {
  readonly list: Warning[] = [];
  private readonly seen = new Set<string>();
  constructor(private readonly onWarning?: (warning: Warning) => void) {}

  add(warnings: readonly Warning[]): void {
    for (const warning of warnings) {
      const key = `${warning.code}|${warning.provider ?? ''}|${warning.field ?? ''}|${warning.orderKey ?? ''}|${warning.recordId ?? ''}`;
      if (this.seen.has(key)) continue;
      this.seen.add(key);
      this.list.push(warning);
      this.onWarning?.(warning);
    }
  }
}

/**
 * The page walk behind `pages`: yields each page with the cursor that fetched it, so a merged
 * listing can record exactly where it stands. Used by the multi-provider client.
 */
export async function* walkPages(
  provider: OrderProvider,
  query: OrderQuery,
  options: PaginateOptions,
  warnings: WarningCollector,
): AsyncGenerator<PositionedPage> {
  // One controller for the whole walk: when the caller stops early, in-flight prefetches stop too.
  const controller = new AbortController();
  const signal = options.signal
    ? AbortSignal.any([options.signal, controller.signal])
    : controller.signal;
  const callOptions: CallOptions = {
    signal,
    includeRaw: options.includeRaw,
    strict: options.strict,
  };
  const prefetch = options.prefetch ?? true;
  const concurrency = Math.max(1, options.concurrency ?? 4);
  const seenCursors = new Set<string>();
  const fetchPage = async (cursor: string | undefined): Promise<PositionedPage> => ({
    cursor: cursor ?? null,
    page: await guard(provider, () =>
      provider.listOrders(
        cursor === undefined ? withoutCursor(query) : { ...query, cursor },
        callOptions,
      ),
    ),
  });
  const remember = (cursor: string, pageIndex: number) => {
    if (seenCursors.has(cursor)) {
      throw new ProviderResponseError({
        provider: provider.id,
        issues: [{ path: 'nextCursor', message: 'repeats an earlier cursor' }],
        message: `${provider.id} returned the same cursor again after page ${pageIndex}; stopping instead of looping forever`,
      });
    }
    seenCursors.add(cursor);
  };

  try {
    if (query.cursor) seenCursors.add(query.cursor);
    let pending: Promise<PositionedPage> | undefined = fetchPage(query.cursor);
    let pageIndex = 0;
    while (pending) {
      const positioned: PositionedPage = await pending;
      const page = positioned.page;
      pending = undefined;
      pageIndex += 1;
      warnings.add(page.warnings);

      if (pageIndex === 1 && canFetchByNumber(provider, page, concurrency)) {
        yield positioned;
        const resumeFrom = yield* parallelPages(provider, page, concurrency, fetchPage, warnings);
        if (resumeFrom === null) return;
        // Cursors generated for parallel pages are ours, not the provider's: start loop detection afresh.
        seenCursors.clear();
        seenCursors.add(resumeFrom);
        pending = fetchPage(resumeFrom);
        continue;
      }

      if (page.nextCursor !== null) {
        remember(page.nextCursor, pageIndex);
        if (prefetch) pending = quiet(fetchPage(page.nextCursor));
      }
      yield positioned;
      if (!pending && page.nextCursor !== null) pending = fetchPage(page.nextCursor);
    }
  } finally {
    controller.abort();
  }
}

function canFetchByNumber(provider: OrderProvider, first: OrderPage, concurrency: number): boolean {
  return (
    concurrency > 1 &&
    provider.capabilities.pageNumbers &&
    typeof provider.cursorForPage === 'function' &&
    first.nextCursor !== null &&
    typeof first.pageCount === 'number' &&
    first.pageCount > (first.pageNumber ?? 1)
  );
}

/**
 * Loads the pages after `first` (pages 2..pageCount for a new walk; k+1..pageCount for a walk
 * resumed at page k) with at most `concurrency` requests in flight and yields them in order.
 * If a page reports a different total than page 1, the listing changed under the walk: the pages
 * fetched ahead are dropped and the walk continues one page at a time from the last good page's
 * own cursor, which lets the provider realign. Returns the cursor to continue from, or null.
 */
async function* parallelPages(
  provider: OrderProvider,
  first: OrderPage,
  concurrency: number,
  fetchPage: (cursor: string) => Promise<PositionedPage>,
  warnings: WarningCollector,
): AsyncGenerator<PositionedPage, string | null> {
  const pageCount = first.pageCount ?? 1;
  const inFlight = new Map<number, Promise<PositionedPage>>();
  const firstNumber = first.pageNumber ?? 1;
  let nextToRequest = firstNumber + 1;
  const fill = () => {
    while (inFlight.size < concurrency && nextToRequest <= pageCount) {
      inFlight.set(nextToRequest, quiet(fetchPage(provider.cursorForPage!(first, nextToRequest))));
      nextToRequest += 1;
    }
  };
  let previous = first;
  for (let pageNumber = firstNumber + 1; pageNumber <= pageCount; pageNumber++) {
    fill();
    const positioned = await inFlight.get(pageNumber)!;
    const page = positioned.page;
    inFlight.delete(pageNumber);
    if (
      first.totalCount !== undefined &&
      page.totalCount !== undefined &&
      page.totalCount !== first.totalCount
    ) {
      // The listing changed (orders deleted, or back-dated ones inserted): realign sequentially.
      return previous.nextCursor;
    }
    warnings.add(page.warnings);
    yield positioned;
    previous = page;
  }
  return previous.nextCursor;
}

/** Calls the provider; a raw (non-OrderBridge) error is wrapped so it names the provider. */
export async function guard<T>(provider: OrderProvider, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (OrderBridgeError.isInstance(error) || isAbortError(error)) throw error;
    throw new OrderBridgeError({
      provider: provider.id,
      message: `provider "${provider.id}" failed with an untyped error: ${error instanceof Error ? error.message : String(error)}`,
      cause: error,
    });
  }
}

/** True for the error an aborted signal rejects with. */
export function isAbortError(error: unknown): boolean {
  return (
    error instanceof Error &&
    (error.name === 'AbortError' || error.name === 'TimeoutError') &&
    !OrderBridgeError.isInstance(error)
  );
}

function withoutCursor(query: OrderQuery): OrderQuery {
  if (query.cursor === undefined) return query;
  const { cursor: _cursor, ...rest } = query;
  return rest;
}

/** Marks a promise's rejection as handled now; awaiting it later still throws. */
function quiet<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}
