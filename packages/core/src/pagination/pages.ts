import { type LinkedAbort, linkAbort } from '../abort/linked-abort.js';
import { OrderBridgeError } from '../errors/orderbridge-error.js';
import { ProviderResponseError } from '../errors/provider-response-error.js';
import type { Order } from '../model/order.js';
import type { Warning } from '../model/warning.js';
import type { CallOptions, OrderPage, OrderProvider } from '../provider/order-provider.js';
import { type OrderQuery, type OrderQueryInput, parseOrderQuery } from '../query/order-query.js';

/**
 * Options of `pages`, `paginate` and the client's `iterate`. `onNextCursor` is the walk's own
 * business (it pipelines the pages), so it is not among them.
 */
export interface PaginateOptions extends Omit<CallOptions, 'onNextCursor'> {
  /**
   * Pages requested at once from a provider that fetches pages by number (default 4). 1 turns
   * parallel fetching off. At most twice as many pages are held ahead of the caller.
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
 * current one, and requests it as soon as the provider announces its cursor (`onNextCursor`),
 * before the current page is mapped. For a provider that fetches pages by number, loads pages in
 * parallel (`concurrency` requests in flight) and falls back to one page at a time if the listing
 * changes under it. A cursor the provider repeats is an error, never an endless loop.
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
  // One signal for the whole walk: when the caller stops early, in-flight prefetches stop too.
  const walk = linkAbort([options.signal]);
  const signal = walk.signal;
  const prefetch = options.prefetch ?? true;
  const concurrency = Math.max(1, options.concurrency ?? 4);
  const seenCursors = new Set<string>();
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

  /**
   * Starts the request for the cursor a page announced, once the walk waits for that page (never
   * earlier: the caller may still be busy with the page before, and the walk reads at most one
   * page ahead of it). A cursor seen before is not requested: the page's own `nextCursor` check
   * reports the loop once the page arrives. Returns true when it started a request.
   */
  const startFollower = (request: PageRequest): boolean => {
    const next = request.announced;
    if (request.follower || !request.isAwaited || next === undefined || next === null) return false;
    if (seenCursors.has(next)) return false;
    request.follower = send(next, { pipelined: true });
    return true;
  };

  /**
   * One `listOrders` call. With `pipelined`, the provider may announce the next cursor before it
   * maps this page's records (`onNextCursor`), and the walk requests that page at once. With
   * `onAnnounce`, the announcement also tells a parallel walk that the response is in (only its
   * mapping remains), which frees the page's slot. `scope` aborts the call with a group of others.
   */
  const send = (cursor: string | null, mode: SendMode = {}): PageRequest =>
    new PageRequest(cursor, [signal, mode.scope], (request) =>
      guard(provider, () =>
        provider.listOrders(cursor === null ? withoutCursor(query) : { ...query, cursor }, {
          signal: request.signal,
          includeRaw: options.includeRaw,
          strict: options.strict,
          onNextCursor:
            mode.pipelined || mode.onAnnounce
              ? (next) => {
                  if (request.announced !== undefined) return undefined;
                  request.announced = next;
                  const followed = mode.pipelined === true && startFollower(request);
                  const refilled = mode.onAnnounce?.(request) ?? false;
                  // The provider awaits this before it maps the page: that CPU-bound work would
                  // otherwise run before the request just started could reach the socket (its
                  // promise chain only proceeds once the current task ends), and the overlap of
                  // mapping and round trip this hook exists for would be lost.
                  return followed || refilled ? nextTurn() : undefined;
                }
              : undefined,
        }),
      ),
    );

  // A page-number provider's walk may fetch its pages by number once the first page tells how
  // many there are; an early request for the first page's own next cursor would duplicate one.
  const mayFetchByNumber =
    concurrency > 1 &&
    provider.capabilities.pageNumbers &&
    typeof provider.cursorForPage === 'function';

  try {
    if (query.cursor) seenCursors.add(query.cursor);
    let current: PageRequest | undefined = send(query.cursor ?? null, {
      pipelined: prefetch && !mayFetchByNumber,
    });
    let pageIndex = 0;
    while (current) {
      const request: PageRequest = current;
      current = undefined;
      request.isAwaited = true;
      // The next cursor may have been announced while the caller was busy with the page before.
      startFollower(request);
      let page: OrderPage;
      try {
        page = await request.page;
      } catch (error) {
        // The page failed after announcing its successor: that request is of no use now.
        request.follower?.abort();
        throw error;
      }
      pageIndex += 1;
      warnings.add(page.warnings);
      const positioned: PositionedPage = { page, cursor: request.cursor };

      if (pageIndex === 1 && canFetchByNumber(provider, page, concurrency)) {
        request.follower?.abort();
        yield positioned;
        const resumeFrom = yield* parallelPages(provider, page, concurrency, send, warnings);
        if (resumeFrom === null) return;
        // Cursors generated for parallel pages are ours, not the provider's: start loop detection afresh.
        seenCursors.clear();
        seenCursors.add(resumeFrom);
        current = send(resumeFrom, { pipelined: prefetch });
        continue;
      }

      let follower = request.follower;
      if (follower && follower.cursor !== page.nextCursor) {
        // The provider announced another cursor than the one it returned (a provider bug): the
        // returned cursor is the truth, so the early request is dropped and that one is followed.
        follower.abort();
        follower = undefined;
      }
      if (page.nextCursor !== null) {
        remember(page.nextCursor, pageIndex);
        if (!follower && prefetch) follower = send(page.nextCursor, { pipelined: true });
      }
      yield positioned;
      current = follower ?? (page.nextCursor !== null ? send(page.nextCursor) : undefined);
    }
  } finally {
    walk.abort(WALK_ENDED);
    walk.release();
  }
}

/**
 * Why a walk's requests still in flight are aborted when the walk ends, and why one dropped early
 * is: made once (an `AbortController#abort()` without a reason builds a new DOMException, stack
 * trace included, for every walk).
 */
const WALK_ENDED = new DOMException('The page walk ended.', 'AbortError');
const REQUEST_DROPPED = new DOMException('The page request is no longer needed.', 'AbortError');

/** How a walk sends one `listOrders` call (see `send` in `walkPages`). */
interface SendMode {
  /** Request the announced next cursor at once. */
  pipelined?: boolean;
  /** Called on the announcement; returns true when it started a request. */
  onAnnounce?: (request: PageRequest) => boolean;
  /** Aborts the call together with a group of others. */
  scope?: AbortSignal;
}

/**
 * Resolves in the next turn of the event loop. A request started from a promise callback reaches
 * its socket only after several phases of the loop (the transport's and fetch's promise chains,
 * and a check-phase callback on the way: one `setImmediate` was measured not to be enough, a
 * zero-delay timer is), so this is what a provider awaits before mapping a page.
 */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** One `listOrders` call of a walk, and what its provider announced before mapping its records. */
class PageRequest {
  /** This call's signal: the walk's and the group's, and this call's own `abort`. */
  readonly #link: LinkedAbort;
  /** The page; its rejection is already marked handled, awaiting it still throws. */
  readonly page: Promise<OrderPage>;
  /** The next cursor from `onNextCursor` (undefined: none announced yet). */
  announced: string | null | undefined;
  /** The request for the announced cursor, once started. */
  follower: PageRequest | undefined;
  /** True once the walk waits for this page: from then on an announcement starts the follower. */
  isAwaited = false;

  /** Starts the call; `cursor` is the cursor requested (null: the listing's first page). */
  constructor(
    readonly cursor: string | null,
    signals: readonly (AbortSignal | undefined)[],
    load: (request: PageRequest) => Promise<OrderPage>,
  ) {
    this.#link = linkAbort(signals);
    this.page = quiet(load(this).finally(() => this.#link.release()));
  }

  /** The signal the call runs under. */
  get signal(): AbortSignal {
    return this.#link.signal;
  }

  /** Aborts this call alone (a page that failed drops the request it started early). */
  abort(): void {
    this.#link.abort(REQUEST_DROPPED);
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
 * resumed at page k) with `concurrency` requests in flight and yields them in order.
 * If a page reports a different total than page 1, the listing changed under the walk: the pages
 * fetched ahead are dropped (their requests aborted) and the walk continues one page at a time
 * from the last good page's own cursor, which lets the provider realign. Returns the cursor to
 * continue from, or null.
 */
async function* parallelPages(
  provider: OrderProvider,
  first: OrderPage,
  concurrency: number,
  send: (cursor: string, mode: SendMode) => PageRequest,
  warnings: WarningCollector,
): AsyncGenerator<PositionedPage, string | null> {
  const pageCount = first.pageCount ?? 1;
  const firstNumber = first.pageNumber ?? 1;
  // Aborts what this phase started when it ends early (the caller stops, or the walk realigns).
  const scope = new AbortController();
  // Pages requested and not yet yielded, on the wire or arrived, by number.
  const ahead = new Map<number, PageRequest>();
  // Requests whose response has not arrived: each holds one of the `concurrency` slots.
  const onWire = new Set<PageRequest>();
  // Why a slot is refilled as soon as its response arrives (when the provider announces the next
  // cursor, or else when the page is returned), not when the caller asks for the next page in
  // order: pages arrive out of order and are mapped one at a time on this thread, and a page that
  // waits for an earlier one, for its own mapping, or for a caller busy with an earlier page would
  // otherwise hold its slot and leave fewer than `concurrency` requests on the wire. `lookahead`
  // bounds the pages held ahead of the caller, so a slow caller cannot make the walk read the
  // whole listing into memory.
  const lookahead = 2 * concurrency;
  let nextToRequest = firstNumber + 1;
  // Set once a page failed or showed that the listing changed: no request goes out after that.
  let hasStopped = false;
  /** Sends requests while there is room; returns true when it sent one. */
  const fill = (): boolean => {
    let hasSent = false;
    while (
      !hasStopped &&
      !scope.signal.aborted &&
      onWire.size < concurrency &&
      ahead.size < lookahead &&
      nextToRequest <= pageCount
    ) {
      const pageNumber = nextToRequest;
      nextToRequest += 1;
      let request: PageRequest;
      try {
        request = send(provider.cursorForPage!(first, pageNumber), {
          scope: scope.signal,
          onAnnounce: (announcing) => onWire.delete(announcing) && fill(),
        });
      } catch (error) {
        // Surfaces in order, when the walk reaches this page.
        hasStopped = true;
        ahead.set(pageNumber, new PageRequest(null, [], () => Promise.reject(error)));
        return hasSent;
      }
      hasSent = true;
      // A provider that announced before its first await already has its response.
      if (request.announced === undefined) onWire.add(request);
      ahead.set(pageNumber, request);
      request.page.then(
        (page) => {
          onWire.delete(request);
          // The walk realigns when it reaches this page: fetching beyond it would be wasted.
          if (hasListingChanged(first, page)) hasStopped = true;
          else fill();
        },
        () => {
          // The walk fails when it reaches this page: fetching beyond it would be wasted.
          onWire.delete(request);
          hasStopped = true;
        },
      );
    }
    return hasSent;
  };
  let previousCursor = first.nextCursor;
  try {
    for (let pageNumber = firstNumber + 1; pageNumber <= pageCount; pageNumber++) {
      fill();
      const request = ahead.get(pageNumber)!;
      const page = await request.page;
      ahead.delete(pageNumber);
      if (hasListingChanged(first, page)) {
        // The listing changed (orders deleted, or back-dated ones inserted): realign sequentially.
        return previousCursor;
      }
      warnings.add(page.warnings);
      yield { page, cursor: request.cursor };
      previousCursor = page.nextCursor;
    }
    return previousCursor;
  } finally {
    scope.abort();
  }
}

/** True when a page reports another total than the first page of its walk. */
function hasListingChanged(first: OrderPage, page: OrderPage): boolean {
  return (
    first.totalCount !== undefined &&
    page.totalCount !== undefined &&
    page.totalCount !== first.totalCount
  );
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
