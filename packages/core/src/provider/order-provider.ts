import type { Order } from '../model/order.js';
import type { StatusMap } from '../model/status.js';
import type { Warning } from '../model/warning.js';
import type { FilterField, OrderQuery, SortField } from '../query/order-query.js';

/** Version of the provider port this package defines. */
export const SPECIFICATION_VERSION = 'v1';

/**
 * What a provider's API does itself. Core plans every query against this: what is listed is sent
 * to the provider, the rest is done locally and reported as a warning.
 */
export interface ProviderCapabilities {
  /**
   * Filters the provider's API applies. A status dimension listed here is pushed down through the
   * provider's status map (core works out the raw values).
   */
  readonly filters: readonly FilterField[];
  /** How many raw status values one request can filter by. */
  readonly statusFilterValues: 'none' | 'one' | 'many';
  /** Sort fields the API can order by, in both directions. A query sorted otherwise is refused. */
  readonly sorts: readonly SortField[];
  /**
   * Filters on fields this provider's orders never carry (FlexFactor has no customer id): a query
   * with one of them matches none of its orders, so core answers it empty without a request.
   * Optional; absent means every field may match.
   */
  readonly neverMatchingFilters?: readonly FilterField[] | undefined;
  /** Page size used when a query names none. */
  readonly defaultPageSize: number;
  /** Largest page the API serves; larger `limit`s are reduced, with a warning. */
  readonly maxPageSize: number;
  /** Whether pages can be fetched by number (then `cursorForPage` exists and pages load in parallel). */
  readonly pageNumbers: boolean;
  /** Whether pages report the total number of matching orders. */
  readonly totalCount: boolean;
  /**
   * How a store can sync this provider incrementally; absent means full sweeps only. Optional, so
   * providers written before it existed keep working unchanged.
   */
  readonly incrementalSync?: IncrementalSyncCapability | undefined;
}

/**
 * How a provider can be synced incrementally into a store (port v1, optional member added in core
 * 0.1; a provider without it is synced by full sweeps, so every provider can be synced).
 *
 * - `change-time`: the provider can list orders sorted by a change time (`updatedAt`, descending).
 *   A sync walks that listing from the newest change and stops once it is past the last run's
 *   watermark minus `overlapMs` (covering clock skew between the provider and us, and orders that
 *   changed while the last run was walking).
 * - `lookback`: the provider has no change time. A sync re-reads every order created in the last
 *   `windowMs` (statuses of younger orders still move) and relies on periodic full sweeps for
 *   changes to older orders and for orders that vanished.
 */
export type IncrementalSyncCapability =
  | {
      readonly strategy: 'change-time';
      /** The sortable change-time field. */
      readonly field: 'updatedAt';
      /** How far before the watermark a run keeps reading. */
      readonly overlapMs: number;
    }
  | {
      readonly strategy: 'lookback';
      /** How far back (by `createdAt`) an incremental run re-reads orders. */
      readonly windowMs: number;
    };

/** Per-call options. */
export interface CallOptions {
  /** Aborts the call; an aborted call is never retried and rejects with the signal's reason. */
  signal?: AbortSignal | undefined;
  /** Include the provider's wire object as `order.raw`. */
  includeRaw?: boolean | undefined;
  /**
   * Fail on the first record that does not match the provider's schema, instead of reporting it as
   * an `invalid-record` warning and delivering the rest.
   */
  strict?: boolean | undefined;
  /**
   * Called by `listOrders` as soon as the provider knows the page's `nextCursor` (right after the
   * response envelope is validated, before it maps the page's records), so a caller can start the
   * next request early; `null` means this is the last page. Optional on both sides: a provider
   * calls it at most once per call, only with exactly the `nextCursor` the call will return if it
   * succeeds, and skips it when that cursor depends on the mapped records (e.g. a listing that
   * stops early at a date bound). The provider awaits what it returns (a promise, or nothing)
   * before it maps the records, so a request the caller just started can go out before that
   * CPU-bound work. The call may still fail afterwards (a record breaks the schema in strict
   * mode): a caller that started a request must then abort it. Core's page walks use it to keep
   * record validation and mapping off a cursor walk's critical path. It must not throw.
   */
  onNextCursor?: ((cursor: string | null) => unknown) | undefined;
}

/** One page of a listing. */
export interface OrderPage {
  /** The orders of this page, in the query's sort order. May be empty while `nextCursor` is set. */
  orders: Order[];
  /** Opaque cursor of the next page, or null at the end. */
  nextCursor: string | null;
  /** Total number of orders the listing would return, when the provider reports it. */
  totalCount?: number | undefined;
  /** For page-number providers: the number of this page (1-based) and how many pages there are. */
  pageNumber?: number | undefined;
  pageCount?: number | undefined;
  /** What the caller should know: emulated filters, unknown statuses, rejected records. */
  warnings: Warning[];
}

/**
 * The port every order provider implements (version `v1`). `listOrders` answers any canonical
 * query exactly, one page at a time, or refuses it with `InvalidQueryError`; `getOrder` throws
 * `NotFoundError` for an id the provider does not know.
 */
export interface OrderProvider {
  /** Port version; core refuses providers written against another version. */
  readonly specificationVersion: typeof SPECIFICATION_VERSION;
  /** Provider id (`flexportal`); overridable so two accounts of one provider can coexist. */
  readonly id: string;
  /** What the provider's API does itself. */
  readonly capabilities: ProviderCapabilities;
  /** Raw status → canonical statuses, as data. */
  readonly statusMap: StatusMap;
  /**
   * One page of orders matching the query, in its sort order.
   * @throws InvalidQueryError when the query cannot be answered correctly; a `ProviderApiError`,
   * `ProviderResponseError` or `TransportError` when the provider fails.
   */
  listOrders(query: OrderQuery, options?: CallOptions): Promise<OrderPage>;
  /**
   * One order by the provider's own id.
   * @throws NotFoundError when the provider does not know the id.
   */
  getOrder(id: string, options?: CallOptions): Promise<Order>;
  /**
   * For page-number providers: the cursor of page `pageNumber` of the listing `page` belongs to
   * (any page of it: its first, or the one a resumed walk started with), with the same pinned
   * bounds. Lets core fetch the following pages in parallel.
   */
  cursorForPage?(page: OrderPage, pageNumber: number): string;
  /** Verifies credentials and reachability with the cheapest possible request. */
  checkConnection?(options?: CallOptions): Promise<void>;
}
