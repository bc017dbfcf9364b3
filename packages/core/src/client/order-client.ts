import { ConfigurationError } from '../errors/configuration-error.js';
import { InvalidQueryError } from '../errors/invalid-query-error.js';
import { OrderBridgeError } from '../errors/orderbridge-error.js';
import { type Order, orderIdProblem, parseOrderKey, providerIdSchema } from '../model/order.js';
import type { Warning } from '../model/warning.js';
import {
  guard,
  isAbortError,
  type PaginateOptions,
  type PositionedPage,
  WarningCollector,
  walkPages,
} from '../pagination/pages.js';
import {
  type CallOptions,
  type OrderProvider,
  type ProviderCapabilities,
  SPECIFICATION_VERSION,
} from '../provider/order-provider.js';
import {
  compareSortValues,
  compareText,
  orderComparator,
  sortValueOf,
} from '../query/order-match.js';
import {
  FILTER_FIELDS,
  type OrderQuery,
  type OrderQueryInput,
  parseOrderQuery,
  type SortField,
  sortOf,
} from '../query/order-query.js';
import { planQuery } from '../query/query-plan.js';
import {
  type CompositeCursorState,
  cursorBinding,
  cursorQuery,
  decodeCompositeCursor,
  encodeCompositeCursor,
  type ProviderPosition,
} from './composite-cursor.js';

/** What to do when one provider fails during a merged call. */
export type ProviderErrorMode = 'fail' | 'partial';

/**
 * How much upstream work one `list` call may do. A filter a provider cannot apply itself (a
 * `search` on FlexPortal) is applied locally, page by page, and without a bound one call for one
 * order could read every page of the provider. When the budget runs out the call returns the orders
 * found so far, a `nextCursor` that continues the scan, and a `scan-budget-exhausted` warning.
 * `iterate` (which reads everything on purpose) has no budget.
 */
export interface ScanBudget {
  /**
   * Provider page requests one `list` call may make, summed over providers (default 20). Each
   * provider may always fetch its first page of the call, so every call makes progress.
   */
  maxPageRequests?: number | undefined;
  /**
   * Time in ms after which a `list` call requests no further pages (default 10,000). A request
   * already sent is not cut short: the transport's own timeouts bound it.
   */
  maxDurationMs?: number | undefined;
}

/** Default provider page requests of one `list` call. */
export const DEFAULT_SCAN_PAGE_REQUESTS = 20;
/** Default time one `list` call may spend requesting further pages, in ms. */
export const DEFAULT_SCAN_DURATION_MS = 10_000;

/** Settings of `createOrderClient`. */
export interface OrderClientSettings {
  /** The providers to merge; ids must be unique. */
  providers: readonly OrderProvider[];
  /**
   * `fail` (default): a provider error fails the call with that typed error (it names the
   * provider). `partial`: the call returns the other providers' orders plus a per-provider error list.
   */
  onProviderError?: ProviderErrorMode;
  /** Page size of `list` when the query names none (default 50). */
  defaultLimit?: number;
  /** Upstream work one `list` call may do (default 20 page requests, 10 s). */
  scanBudget?: ScanBudget | undefined;
}

/** Options of one client call (`onNextCursor` belongs to the page walks the client runs). */
export interface ClientCallOptions extends Omit<CallOptions, 'onNextCursor'> {
  /** Only these provider ids (default: all). */
  providers?: readonly string[] | undefined;
  /** Overrides the client's `onProviderError` for this call. */
  onProviderError?: ProviderErrorMode | undefined;
  /** Overrides the client's scan budget for this `list` call (ignored by `iterate`). */
  scanBudget?: ScanBudget | undefined;
}

/** A provider that failed during a merged call. */
export interface ProviderFailure {
  provider: string;
  error: OrderBridgeError;
}

/** One merged page. */
export interface OrderListResult {
  /** Orders from every provider, in the query's sort order (ties by key). */
  orders: Order[];
  /** Opaque cursor that resumes exactly after the last order, or null at the end. */
  nextCursor: string | null;
  /** Distinct warnings from every provider. */
  warnings: Warning[];
  /** Providers that failed (only in `partial` mode); their orders are missing from this page. */
  errors: ProviderFailure[];
  /** What the call read upstream: provider page requests, in total and per provider id. */
  scanned: ScanReport;
}

/** Upstream work of one `list` call. */
export interface ScanReport {
  /** Provider page requests made (each may have been retried by the transport). */
  pageRequests: number;
  /** Page requests per provider id. */
  byProvider: Record<string, number>;
  /** True when the scan budget ran out before the page was full. */
  isBudgetExhausted: boolean;
}

/** The merged stream of `iterate`, which also reports warnings, failures and its resume cursor. */
export interface OrderIteration extends AsyncIterable<Order> {
  /** Distinct warnings so far. */
  readonly warnings: readonly Warning[];
  /** Providers that failed so far (only in `partial` mode). */
  readonly errors: readonly ProviderFailure[];
  /**
   * A composite cursor that resumes after the last order yielded (pass it as `query.cursor` to
   * `list` or `iterate`); null when everything was yielded. Use it for checkpoints.
   */
  cursor(): string | null;
}

/** A configured provider, as `providers()` lists it. */
export interface ProviderInfo {
  id: string;
  specificationVersion: string;
  capabilities: ProviderCapabilities;
}

/**
 * The query a call runs. A query that names only a cursor (and perhaps a limit) continues the
 * listing the cursor came from: the cursor carries that listing's filters, sort and providers, so
 * nobody has to repeat them. A query with filters or a sort is taken as given, and its cursor must
 * belong to it.
 * @throws InvalidQueryError for a bad query or cursor.
 */
function continuedQuery(
  input: OrderQueryInput,
  providers: readonly string[] | undefined,
): { query: OrderQuery; providers: readonly string[] | undefined } {
  const query = parseOrderQuery(input);
  const selects =
    query.sort !== undefined || FILTER_FIELDS.some((field) => query[field] !== undefined);
  if (query.cursor === undefined || selects) return { query, providers };
  const carried = cursorQuery(query.cursor);
  return {
    query: parseOrderQuery({
      ...carried.query,
      cursor: query.cursor,
      ...(query.limit !== undefined ? { limit: query.limit } : {}),
    }),
    providers: providers ?? carried.providers,
  };
}

/** One canonical view of orders across providers. */
export interface OrderClient {
  /**
   * One page merged across providers, in the query's sort order, with one opaque cursor.
   * @throws InvalidQueryError for a bad query or a cursor from another query; in `fail` mode, the
   * first provider error.
   */
  list(query?: OrderQueryInput, options?: ClientCallOptions): Promise<OrderListResult>;
  /** Every matching order merged across providers, streamed; pages load ahead in the background. */
  iterate(query?: OrderQueryInput, options?: ClientCallOptions & PaginateOptions): OrderIteration;
  /**
   * One order by key (`flexportal:ord_123`).
   * @throws InvalidQueryError for a malformed key or an unknown provider; NotFoundError.
   */
  get(key: string, options?: CallOptions): Promise<Order>;
  /** The configured providers and their capabilities. */
  providers(): ProviderInfo[];
}

/**
 * Creates the multi-provider client.
 * @throws ConfigurationError when no provider is given, ids repeat or a provider implements another port version.
 */
export function createOrderClient(settings: OrderClientSettings): OrderClient {
  const providers = validateProviders(settings.providers);
  const byId = new Map(providers.map((provider) => [provider.id, provider]));
  const defaultMode = settings.onProviderError ?? 'fail';
  const defaultLimit = settings.defaultLimit ?? 50;
  const defaultBudget = checkScanBudget(settings.scanBudget, 'scanBudget');

  const select = (ids: readonly string[] | undefined): OrderProvider[] => {
    if (!ids || ids.length === 0) return providers;
    const unknown = ids.filter((id) => !byId.has(id));
    if (unknown.length > 0) {
      throw new InvalidQueryError({
        issues: [
          {
            field: 'providers',
            message: `unknown provider${unknown.length > 1 ? 's' : ''} ${unknown.map((id) => `"${id}"`).join(', ')}; configured: ${[...byId.keys()].join(', ')}`,
          },
        ],
      });
    }
    return [...new Set(ids)].map((id) => byId.get(id)!);
  };

  return {
    async list(input = {}, options = {}) {
      const { query, providers: selected } = continuedQuery(input, options.providers);
      const limit = query.limit ?? defaultLimit;
      // A per-call setting overrides the client's, field by field.
      const callBudget =
        options.scanBudget === undefined
          ? defaultBudget
          : checkScanBudget(
              {
                maxPageRequests:
                  options.scanBudget.maxPageRequests ?? settings.scanBudget?.maxPageRequests,
                maxDurationMs:
                  options.scanBudget.maxDurationMs ?? settings.scanBudget?.maxDurationMs,
              },
              'options.scanBudget',
            );
      const budget = new ScanBudgetMeter(callBudget);
      const merge = new Merge(
        select(selected),
        query,
        options,
        options.onProviderError ?? defaultMode,
        {
          prefetch: false,
          concurrency: 1,
          pageSize: limit,
          budget,
        },
      );
      try {
        const orders: Order[] = [];
        await merge.fill(orders, limit);
        const nextCursor = merge.cursorNow();
        if (budget.isExhausted && nextCursor !== null) {
          merge.warnings.add([
            {
              code: 'scan-budget-exhausted',
              message: `the scan budget of this call ran out after ${budget.describe()}: ${orders.length} of ${limit} orders found so far; nextCursor continues the scan`,
            },
          ]);
        }
        return {
          orders,
          nextCursor,
          warnings: [...merge.warnings.list],
          errors: [...merge.errors],
          scanned: budget.report(nextCursor !== null),
        };
      } finally {
        await merge.close();
      }
    },

    iterate(input = {}, options = {}) {
      const { query, providers: selected } = continuedQuery(input, options.providers);
      const merge = new Merge(
        select(selected),
        query,
        options,
        options.onProviderError ?? defaultMode,
        {
          prefetch: options.prefetch ?? true,
          concurrency: options.concurrency ?? 4,
          pageSize: query.limit,
          onWarning: options.onWarning,
        },
      );
      return {
        get warnings() {
          return merge.warnings.list;
        },
        get errors() {
          return merge.errors;
        },
        cursor: () => merge.cursorNow(),
        async *[Symbol.asyncIterator]() {
          try {
            for (;;) {
              const next = await merge.next();
              if (!next) return;
              yield next;
            }
          } finally {
            await merge.close();
          }
        },
      };
    },

    async get(key, options = {}) {
      const parsed = typeof key === 'string' ? parseOrderKey(key) : undefined;
      if (!parsed) {
        throw new InvalidQueryError({
          issues: [
            {
              field: 'key',
              message: `"${key}" is not an order key; use <provider>:<id>, e.g. flexportal:ord_123`,
            },
          ],
        });
      }
      const provider = byId.get(parsed.provider);
      if (!provider) {
        throw new InvalidQueryError({
          issues: [
            {
              field: 'key',
              message: `provider "${parsed.provider}" is not configured; configured: ${[...byId.keys()].join(', ')}`,
            },
          ],
        });
      }
      const idProblem = orderIdProblem(parsed.id);
      if (idProblem !== undefined) {
        throw new InvalidQueryError({
          provider: provider.id,
          issues: [{ field: 'key', message: `the order id ${idProblem}` }],
        });
      }
      return guard(provider, () => provider.getOrder(parsed.id, options));
    },

    providers() {
      return providers.map((provider) => ({
        id: provider.id,
        specificationVersion: provider.specificationVersion,
        capabilities: provider.capabilities,
      }));
    },
  };
}

function validateProviders(providers: readonly OrderProvider[] | undefined): OrderProvider[] {
  if (!providers || providers.length === 0) {
    throw new ConfigurationError({
      setting: 'providers',
      message: 'createOrderClient needs at least one provider',
    });
  }
  const seen = new Set<string>();
  for (const provider of providers) {
    if (provider.specificationVersion !== SPECIFICATION_VERSION) {
      throw new ConfigurationError({
        setting: 'providers',
        provider: provider.id,
        message: `provider "${provider.id}" implements port ${String(provider.specificationVersion)}; this client supports ${SPECIFICATION_VERSION}`,
      });
    }
    if (!providerIdSchema.safeParse(provider.id).success) {
      throw new ConfigurationError({
        setting: 'providers',
        message: `provider id "${provider.id}" is invalid: use lower-case letters, digits, "-" or "_"`,
      });
    }
    if (seen.has(provider.id)) {
      throw new ConfigurationError({
        setting: 'providers',
        provider: provider.id,
        message: `two providers share the id "${provider.id}"; give one of them another id (the "id" setting)`,
      });
    }
    seen.add(provider.id);
  }
  return [...providers];
}

interface MergeOptions {
  prefetch: boolean;
  concurrency: number;
  pageSize: number | undefined;
  onWarning?: ((warning: Warning) => void) | undefined;
  /** The `list` call's scan budget; none for `iterate`. */
  budget?: ScanBudgetMeter | undefined;
}

/**
 * Validates a scan budget.
 * @throws ConfigurationError naming the bad setting.
 */
function checkScanBudget(
  budget: ScanBudget | undefined,
  setting: string,
): Required<{ [K in keyof ScanBudget]: number }> {
  const pageRequests = budget?.maxPageRequests ?? DEFAULT_SCAN_PAGE_REQUESTS;
  const durationMs = budget?.maxDurationMs ?? DEFAULT_SCAN_DURATION_MS;
  if (!Number.isInteger(pageRequests) || pageRequests < 1) {
    throw new ConfigurationError({
      setting: `${setting}.maxPageRequests`,
      message: `${setting}.maxPageRequests must be a whole number of at least 1, got ${String(pageRequests)}`,
    });
  }
  if (!Number.isFinite(durationMs) || durationMs < 0) {
    throw new ConfigurationError({
      setting: `${setting}.maxDurationMs`,
      message: `${setting}.maxDurationMs must be a number of milliseconds of at least 0, got ${String(durationMs)}`,
    });
  }
  return { maxPageRequests: pageRequests, maxDurationMs: durationMs };
}

/** Counts the page requests of one `list` call against its budget. */
class ScanBudgetMeter {
  private used = 0;
  private readonly byProvider: Record<string, number> = {};
  private readonly startedAt = Date.now();
  /** True once a page was refused for lack of budget. */
  isExhausted = false;

  constructor(private readonly budget: { maxPageRequests: number; maxDurationMs: number }) {}

  /**
   * Takes one page request for a provider; false when the budget is spent. A provider's first
   * page of the call is always granted, so every call makes progress on every provider.
   */
  take(provider: string): boolean {
    const isFirst = this.byProvider[provider] === undefined;
    if (
      !isFirst &&
      (this.used >= this.budget.maxPageRequests ||
        Date.now() - this.startedAt >= this.budget.maxDurationMs)
    ) {
      this.isExhausted = true;
      return false;
    }
    this.used += 1;
    this.byProvider[provider] = (this.byProvider[provider] ?? 0) + 1;
    return true;
  }

  /** `12 provider page requests (flexportal 12) in 840 ms`. */
  describe(): string {
    const parts = Object.entries(this.byProvider).map(
      ([provider, count]) => `${provider} ${count}`,
    );
    return `${this.used} provider page request${this.used === 1 ? '' : 's'} (${parts.join(', ')}) in ${Date.now() - this.startedAt} ms`;
  }

  report(hasMore: boolean): ScanReport {
    return {
      pageRequests: this.used,
      byProvider: { ...this.byProvider },
      isBudgetExhausted: this.isExhausted && hasMore,
    };
  }
}

/**
 * A k-way merge of every provider's page stream in the canonical order (sort field, then key),
 * which knows at each moment where every provider stands so it can emit an exact resume cursor.
 */
class Merge {
  readonly warnings: WarningCollector;
  readonly errors: ProviderFailure[] = [];
  private readonly streams: ProviderStream[];
  private readonly compare: (left: Order, right: Order) => number;
  private readonly binding: string;
  private readonly pageSize: number;
  private readonly query: OrderQuery;

  constructor(
    providers: readonly OrderProvider[],
    query: OrderQuery,
    options: CallOptions,
    private readonly mode: ProviderErrorMode,
    mergeOptions: MergeOptions,
  ) {
    this.warnings = new WarningCollector(mergeOptions.onWarning);
    this.compare = orderComparator(query);
    const ids = providers.map((provider) => provider.id);
    this.query = query;
    this.binding = cursorBinding(query, ids);
    const { cursor: _cursor, limit: _limit, ...baseQuery } = query;
    const scans = new Map(providers.map((provider) => [provider.id, scanOf(baseQuery, provider)]));
    const state: CompositeCursorState | undefined = query.cursor
      ? decodeCompositeCursor(query.cursor, this.binding, ids, sortOf(query).field, (id, size) =>
          this.pageSizeOf(size, byIdOf(providers, id), scans.get(id)),
        )
      : undefined;
    this.pageSize = state ? state.pageSize : (mergeOptions.pageSize ?? 0);
    this.streams = providers.map((provider) => {
      const scan = scans.get(provider.id);
      // A provider no order of which can match is not asked at all (its plan says why).
      if (scan?.isEmpty) this.warnings.add(scan.warnings);
      const pageSize = this.pageSizeOf(this.pageSize, provider, scan);
      return new ProviderStream(
        provider,
        pageSize === 0 ? baseQuery : { ...baseQuery, limit: pageSize },
        sortOf(query),
        scan?.isEmpty ? 'done' : state?.positions.get(provider.id),
        {
          ...options,
          prefetch: mergeOptions.prefetch,
          concurrency: mergeOptions.concurrency,
        },
        this.warnings,
        mergeOptions.budget,
      );
    });
  }

  /**
   * The page size one provider is asked for (0: its default): the listing's page size within the
   * provider's maximum; the provider's largest page when it filters locally, because then most of
   * a page may be dropped and small pages would multiply the requests. Derived from the query and
   * the provider alone, so a resumed listing uses the same size its cursor's offsets refer to.
   */
  private pageSizeOf(
    listingPageSize: number,
    provider: OrderProvider | undefined,
    scan: ProviderScan | undefined,
  ): number {
    if (!provider) return listingPageSize;
    if (scan?.isLocalScan) return provider.capabilities.maxPageSize;
    if (listingPageSize === 0) return 0;
    return Math.min(listingPageSize, provider.capabilities.maxPageSize);
  }

  /**
   * The next order in merged order, or undefined when every provider is exhausted, or when a
   * provider's stream stopped for lack of scan budget (its next order is unknown, so no other
   * order can be known to come first).
   */
  async next(): Promise<Order | undefined> {
    await this.fillHeads();
    return this.takeNext();
  }

  /**
   * Appends what `next` would return, call after call, to `orders` until it holds `limit` orders
   * or `next` would return undefined. Orders already buffered are taken without awaiting anything:
   * a page load is one await, where calling `next` per order made two async calls per order (for
   * a 50-order `list`, 100 promises and as many microtask turns).
   */
  async fill(orders: Order[], limit: number): Promise<void> {
    while (orders.length < limit) {
      if (this.streams.some((stream) => stream.needsPage())) await this.fillHeads();
      const order = this.takeNext();
      if (order === undefined) return;
      orders.push(order);
    }
  }

  /** The first of the streams' buffered heads in merged order, taken; see `next`. */
  private takeNext(): Order | undefined {
    if (this.streams.some((stream) => stream.isPaused)) return undefined;
    let best: ProviderStream | undefined;
    for (const stream of this.streams) {
      const head = stream.peek();
      if (head === undefined) continue;
      if (!best || this.compare(head, best.peek()!) < 0) best = stream;
    }
    return best?.take();
  }

  /** The cursor after everything returned so far; loads nothing. */
  cursorNow(): string | null {
    const positions = new Map<string, ProviderPosition | 'done'>();
    let isFinished = true;
    for (const stream of this.streams) {
      const position = stream.position();
      positions.set(stream.provider.id, position);
      if (position !== 'done') isFinished = false;
    }
    return isFinished
      ? null
      : encodeCompositeCursor(this.query, { positions, pageSize: this.pageSize });
  }

  async close(): Promise<void> {
    await Promise.all(this.streams.map((stream) => stream.close()));
  }

  private async fillHeads(): Promise<void> {
    const needing = this.streams.filter((stream) => stream.needsPage());
    if (needing.length === 0) return;
    const results = await Promise.allSettled(needing.map((stream) => stream.load()));
    for (const [index, result] of results.entries()) {
      if (result.status === 'fulfilled') continue;
      const stream = needing[index]!;
      const error = result.reason;
      if (
        this.mode === 'fail' ||
        InvalidQueryError.isInstance(error) ||
        isAbortError(error) ||
        !OrderBridgeError.isInstance(error)
      ) {
        throw error;
      }
      stream.fail();
      this.errors.push({ provider: stream.provider.id, error });
    }
  }
}

/** One provider's page stream inside a merge, with its position. */
class ProviderStream {
  private iterator: AsyncIterator<PositionedPage> | undefined;
  private buffer: Order[] | undefined;
  private index = 0;
  private pageCursor: string | null;
  private nextCursor: string | null = null;
  private lastKey: string | null;
  private lastValue: ProviderPosition['lastValue'];
  private isDone: boolean;
  private hasFailed = false;
  private pendingSkip: number;
  /** True until the first page of a resumed stream is loaded and realigned. */
  private isResuming: boolean;
  /** True once the call's scan budget refused this stream a page. */
  isPaused = false;

  constructor(
    readonly provider: OrderProvider,
    private readonly query: OrderQuery,
    private readonly sort: { field: SortField; direction: 'asc' | 'desc' },
    start: ProviderPosition | 'done' | undefined,
    private readonly options: PaginateOptions,
    private readonly warnings: WarningCollector,
    private readonly budget?: ScanBudgetMeter | undefined,
  ) {
    this.isDone = start === 'done';
    const position = start === 'done' || start === undefined ? undefined : start;
    this.pageCursor = position?.pageCursor ?? null;
    this.pendingSkip = position?.consumed ?? 0;
    this.lastKey = position?.lastKey ?? null;
    this.lastValue = position?.lastValue ?? null;
    this.isResuming = position !== undefined;
  }

  /** True when the next order is not buffered and more may come. */
  needsPage(): boolean {
    if (this.isDone || this.hasFailed || this.isPaused) return false;
    return this.buffer === undefined || this.index >= this.buffer.length;
  }

  /** Loads pages until an order is buffered or the provider is exhausted. */
  async load(): Promise<void> {
    while (this.needsPage()) {
      if (this.buffer !== undefined && this.nextCursor === null) {
        this.isDone = true;
        return;
      }
      if (this.budget && !this.budget.take(this.provider.id)) {
        this.isPaused = true;
        return;
      }
      this.iterator ??= walkPages(
        this.provider,
        this.pageCursor === null ? this.query : { ...this.query, cursor: this.pageCursor },
        this.options,
        this.warnings,
      )[Symbol.asyncIterator]();
      const step = await this.iterator.next();
      if (step.done) {
        this.isDone = true;
        return;
      }
      const { page, cursor } = step.value;
      this.buffer = page.orders;
      this.pageCursor = cursor;
      this.nextCursor = page.nextCursor;
      this.index = this.isResuming ? this.realign(page.orders) : 0;
      this.isResuming = false;
      this.pendingSkip = 0;
    }
  }

  peek(): Order | undefined {
    if (this.hasFailed || this.buffer === undefined) return undefined;
    return this.buffer[this.index];
  }

  take(): Order {
    const order = this.buffer![this.index]!;
    this.index += 1;
    this.lastKey = order.key;
    this.lastValue = sortValueOf(order, this.sort.field);
    return order;
  }

  fail(): void {
    this.hasFailed = true;
  }

  position(): ProviderPosition | 'done' {
    if (this.isDone) return 'done';
    const base = { lastKey: this.lastKey, lastValue: this.lastValue };
    if (this.buffer === undefined)
      return { ...base, pageCursor: this.pageCursor, consumed: this.pendingSkip };
    if (this.index < this.buffer.length)
      return { ...base, pageCursor: this.pageCursor, consumed: this.index };
    if (this.nextCursor === null) return 'done';
    return { ...base, pageCursor: this.nextCursor, consumed: 0 };
  }

  async close(): Promise<void> {
    await this.iterator?.return?.();
  }

  /**
   * Where to continue in a re-fetched page: after the order the cursor recorded. The page may have
   * changed since (orders inserted or removed), so the recorded count is checked against the
   * recorded key, then the key is searched, and as a last resort the sort position decides.
   */
  private realign(orders: readonly Order[]): number {
    const expected = this.pendingSkip;
    if (this.lastKey === null) return Math.min(expected, orders.length);
    if (expected > 0 && orders[expected - 1]?.key === this.lastKey) return expected;
    const found = orders.findIndex((order) => order.key === this.lastKey);
    if (found !== -1) return found + 1;
    const sign = this.sort.direction === 'asc' ? 1 : -1;
    let skip = 0;
    while (skip < orders.length) {
      const order = orders[skip]!;
      const byValue = compareSortValues(
        this.sort.field,
        sortValueOf(order, this.sort.field),
        this.lastValue,
      );
      const position = sign * (byValue !== 0 ? byValue : compareText(order.key, this.lastKey));
      if (position > 0) break;
      skip += 1;
    }
    return skip;
  }
}

/** What the merge needs to know of a provider's plan for the query. */
interface ProviderScan {
  /** True when no order of the provider can match: it is not asked. */
  isEmpty: boolean;
  /** True when the provider filters some of the query locally (pages may come back thinned). */
  isLocalScan: boolean;
  /** The plan's warnings (reported for a provider that is not asked). */
  warnings: readonly Warning[];
}

/**
 * Plans the query against a provider the way the provider will. A query the provider refuses (a
 * sort it lacks) gives no scan: the provider itself reports that when asked.
 */
function scanOf(query: OrderQuery, provider: OrderProvider): ProviderScan | undefined {
  try {
    const plan = planQuery(query, {
      provider: provider.id,
      capabilities: provider.capabilities,
      statusMap: provider.statusMap,
    });
    return {
      isEmpty: plan.isEmpty,
      isLocalScan: plan.emulatedFilters.length > 0,
      warnings: plan.warnings,
    };
  } catch {
    return undefined;
  }
}

function byIdOf(providers: readonly OrderProvider[], id: string): OrderProvider | undefined {
  return providers.find((provider) => provider.id === id);
}
