import {
  AuthenticationError,
  type CallOptions,
  ConfigurationError,
  compareText,
  compareTimestamps,
  createHttpClient,
  errorFromProviderResponse,
  type HttpClient,
  type HttpRequest,
  type HttpResponse,
  InvalidQueryError,
  MAX_LIMIT,
  mapRecords,
  type Order,
  type OrderPage,
  type OrderProvider,
  type OrderQuery,
  orderIdProblem,
  type ProviderCapabilities,
  ProviderResponseError,
  type ProviderSettings,
  planQuery,
  providerIdSchema,
  type QueryPlan,
  type RateLimitSettings,
  readPackageVersion,
  registerSecret,
  type SortField,
  SPECIFICATION_VERSION,
  type StatusMap,
  toTransportOptions,
  type Warning,
} from '@orderbridge/core';
import {
  FLEXFACTOR_BASE_URLS,
  FLEXFACTOR_ENVIRONMENTS,
  type FlexFactorEnvironment,
  type FlexFactorOrderPage,
  flexFactorOrderListResponseSchema,
} from './flexfactor-api.js';
import {
  compareWithPosition,
  decodeFlexFactorCursor,
  encodeFlexFactorCursor,
  type FlexFactorCursorState,
  type FlexFactorPosition,
  positionOf,
  queryBinding,
} from './flexfactor-cursor.js';
import {
  bodyPath,
  bodyShapeError,
  describeFlexFactorError,
  kindOfEnvelopeFailure,
  readEnvelopeFailure,
} from './flexfactor-error.js';
import { readFlexFactorOrderDetail, readFlexFactorRow } from './flexfactor-mapper.js';
import { createFlexFactorStatusMap } from './flexfactor-status-map.js';
import { FlexFactorTokenManager } from './flexfactor-token.js';

/**
 * Settings of `createFlexFactor`: its credentials, host and page size, plus the transport, `id` and
 * `env` settings every provider accepts. Every field is optional; secrets may come from the
 * environment.
 */
export interface FlexFactorSettings extends ProviderSettings {
  /** Public app key (Merchant Portal → Developers → Api Keys). Default: `FLEXFACTOR_APP_KEY`. */
  appKey?: string | undefined;
  /** App secret. Default: `FLEXFACTOR_APP_SECRET`. Never logged, never in an error. */
  appSecret?: string | undefined;
  /**
   * `production` (`https://api.flexfactor.io/v1/`), `sandbox` (`https://api-sandbox.flexfactor.io/v1/`),
   * or the older hosts `production-flex-charge` (`https://api.flex-charge.com/v1/`) and
   * `sandbox-flex-charge` (`https://api-sandbox.flex-charge.com/v1/`). Default:
   * `FLEXFACTOR_ENVIRONMENT`, else `production`.
   */
  environment?: FlexFactorEnvironment | undefined;
  /**
   * API base URL including the version, e.g. `https://api.flexfactor.io/v1/`; overrides
   * `environment`. Default: `FLEXFACTOR_BASE_URL`, else the environment's URL.
   */
  baseUrl?: string | undefined;
  /** Client-side request budget (FlexFactor documents no rate limit). */
  rateLimit?: RateLimitSettings | undefined;
  /**
   * Largest page requested from FlexFactor (default 500). The API's maximum is not documented
   * (docs/providers/flexfactor.md, "Ambiguities"); lower this if FlexFactor refuses large pages.
   */
  pageSize?: number | undefined;
}

/** The FlexFactor provider: the `OrderProvider` port plus page-number access. */
export interface FlexFactorProvider extends OrderProvider {
  /** The cursor of page `pageNumber` of the listing whose first page was `firstPage` (same pin). */
  cursorForPage(firstPage: OrderPage, pageNumber: number): string;
  /** Fetches a token and the smallest possible page. @throws AuthenticationError for bad credentials. */
  checkConnection(options?: CallOptions): Promise<void>;
}

/** Settings after defaults, environment variables and validation. */
export interface ResolvedFlexFactorSettings {
  /** Provider id. */
  id: string;
  /** App key. */
  appKey: string;
  /** App secret. */
  appSecret: string;
  /** Base URL, ending in `/`. */
  baseUrl: string;
  /** Largest page size requested. */
  pageSize: number;
}

/** Environment variables `createFlexFactor` reads. */
export const FLEXFACTOR_ENVIRONMENT_VARIABLES = {
  appKey: 'FLEXFACTOR_APP_KEY',
  appSecret: 'FLEXFACTOR_APP_SECRET',
  baseUrl: 'FLEXFACTOR_BASE_URL',
  environment: 'FLEXFACTOR_ENVIRONMENT',
} as const;

const DEFAULT_ID = 'flexfactor';
const DEFAULT_MAX_PAGE_SIZE = 500;
const DEFAULT_PAGE_SIZE = 100;
const LIST_OPERATION = 'GET /v1/orders';
const GET_OPERATION = 'GET /v1/orders/{id}';
/** Resolution of the HTTP `Date` header, which tells FlexFactor's clock. */
const DATE_HEADER_RESOLUTION_MS = 1_000;

/** FlexFactor's `orderBy` value for each canonical sort field it supports (FF-LIST: `createdOn`, `amount`). */
const ORDER_BY: Partial<Record<SortField, string>> = {
  createdAt: 'createdOn',
  total: 'amount',
  id: 'id',
};

/**
 * Resolves settings: explicit values first, then environment variables, then defaults.
 * @throws ConfigurationError naming the setting and its environment variable when one is missing
 * or invalid.
 */
export function resolveFlexFactorSettings(
  settings: FlexFactorSettings = {},
  environment: Readonly<Record<string, string | undefined>> = settings.env ?? process.env,
): ResolvedFlexFactorSettings {
  const id = settings.id ?? DEFAULT_ID;
  if (!providerIdSchema.safeParse(id).success) {
    throw new ConfigurationError({
      setting: 'id',
      message: `FlexFactor id "${id}" is invalid: use lower-case letters, digits, "-" or "_" (it prefixes every order key)`,
    });
  }
  const secretSetting = (name: 'appKey' | 'appSecret'): string => {
    const variable = FLEXFACTOR_ENVIRONMENT_VARIABLES[name];
    const value = settings[name] ?? environment[variable];
    if (value === undefined || value.trim() === '') {
      throw new ConfigurationError({
        provider: id,
        setting: name,
        environmentVariable: variable,
        message: `FlexFactor ${name} is missing: pass createFlexFactor({ ${name} }) or set ${variable} (Merchant Portal → Developers → Api Keys)`,
      });
    }
    return value.trim();
  };
  const appKey = secretSetting('appKey');
  const appSecret = secretSetting('appSecret');

  const environmentName =
    settings.environment ??
    emptyToUndefined(environment[FLEXFACTOR_ENVIRONMENT_VARIABLES.environment]) ??
    'production';
  if (!Object.hasOwn(FLEXFACTOR_BASE_URLS, environmentName)) {
    throw new ConfigurationError({
      provider: id,
      setting: 'environment',
      environmentVariable: FLEXFACTOR_ENVIRONMENT_VARIABLES.environment,
      message: `FlexFactor environment "${environmentName}" is invalid: use ${FLEXFACTOR_ENVIRONMENTS.map((name) => `"${name}"`).join(', ')} (setting environment or ${FLEXFACTOR_ENVIRONMENT_VARIABLES.environment})`,
    });
  }
  const rawBaseUrl =
    settings.baseUrl ??
    emptyToUndefined(environment[FLEXFACTOR_ENVIRONMENT_VARIABLES.baseUrl]) ??
    FLEXFACTOR_BASE_URLS[environmentName as FlexFactorEnvironment];
  const baseUrl = validateBaseUrl(rawBaseUrl, id);

  const pageSize = settings.pageSize ?? DEFAULT_MAX_PAGE_SIZE;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_LIMIT) {
    throw new ConfigurationError({
      provider: id,
      setting: 'pageSize',
      message: `FlexFactor pageSize ${pageSize} is invalid: use a whole number from 1 to ${MAX_LIMIT}`,
    });
  }
  for (const name of ['timeout', 'deadline'] as const) {
    const value = settings[name];
    if (value !== undefined && !(Number.isFinite(value) && value > 0)) {
      throw new ConfigurationError({
        provider: id,
        setting: name,
        message: `FlexFactor ${name} ${value} is invalid: use a positive number of milliseconds`,
      });
    }
  }
  return { id, appKey, appSecret, baseUrl, pageSize };
}

/**
 * Creates the FlexFactor provider. Settings are resolved now, so a missing secret fails here, not
 * at the first call.
 * @throws ConfigurationError when a setting is missing or invalid.
 */
export function createFlexFactor(settings: FlexFactorSettings = {}): FlexFactorProvider {
  const resolved = resolveFlexFactorSettings(settings);
  // The app key is the public client id (FF-TOKEN); the secret and every token are credentials.
  registerSecret(resolved.appSecret);
  const provider = resolved.id;
  const statusMap = createFlexFactorStatusMap(provider);
  const capabilities: ProviderCapabilities = {
    // FF-LIST: `query` (search), `status` (Int32 array), `from`/`to` (UTC), `mid` (merchant id).
    filters: ['status', 'createdFrom', 'createdTo', 'merchantId', 'search'],
    statusFilterValues: 'many',
    sorts: ['createdAt', 'total', 'id'],
    // FF-LIST rows carry no customer id (the mapper sets `customer.id: null`).
    neverMatchingFilters: ['customerId'],
    defaultPageSize: Math.min(DEFAULT_PAGE_SIZE, resolved.pageSize),
    maxPageSize: resolved.pageSize,
    pageNumbers: true,
    totalCount: true,
    // FF-LIST has no change time (no `updatedOn`, no sort by change): a sync re-reads the orders
    // created in the last 30 days, where statuses still move (capture, refunds), and leaves older
    // changes and vanished orders to periodic full sweeps.
    incrementalSync: { strategy: 'lookback', windowMs: 30 * 24 * 60 * 60_000 },
  };
  const http = createHttpClient({
    provider,
    baseUrl: resolved.baseUrl,
    userAgent: `@orderbridge/flexfactor/${readPackageVersion(import.meta.url)}`,
    ...toTransportOptions(settings),
    describeError: describeFlexFactorError,
  });
  const tokens = new FlexFactorTokenManager({
    provider,
    http,
    appKey: resolved.appKey,
    appSecret: resolved.appSecret,
  });
  const listing = new FlexFactorListing({ provider, statusMap, capabilities, http, tokens });

  return {
    specificationVersion: SPECIFICATION_VERSION,
    id: provider,
    capabilities,
    statusMap,
    listOrders: (query, options) => listing.list(query, options ?? {}),
    getOrder: (orderId, options) => listing.get(orderId, options ?? {}),
    cursorForPage: (firstPage, pageNumber) => listing.cursorForPage(firstPage, pageNumber),
    checkConnection: (options) => listing.checkConnection(options ?? {}),
  };
}

interface ListingContext {
  provider: string;
  statusMap: StatusMap;
  capabilities: ProviderCapabilities;
  http: HttpClient;
  tokens: FlexFactorTokenManager;
}

/** One list page as received: the validated envelope, its rows not yet mapped. */
interface ReceivedPage {
  page: FlexFactorOrderPage;
  /** The response's own code → name table (`orderStatuses`), for codes the map does not know. */
  statusLabels: Readonly<Record<string, string>> | null;
  headers: Headers;
  status: number;
  requestId: string | undefined;
}

/** One fetched and validated list page with its valid orders in listing order. */
interface FetchedPage {
  page: FlexFactorOrderPage;
  headers: Headers;
  orders: Order[];
  warnings: Warning[];
}

/** The listing and look-up logic behind the provider object. */
class FlexFactorListing {
  constructor(private readonly context: ListingContext) {}

  async list(query: OrderQuery, options: CallOptions): Promise<OrderPage> {
    const { provider, capabilities, statusMap } = this.context;
    const plan = planQuery(query, { provider, capabilities, statusMap });
    const binding = queryBinding(query);
    const cursor = query.cursor
      ? decodeFlexFactorCursor(query.cursor, { provider, binding })
      : undefined;
    const warnings: Warning[] = [...plan.warnings];
    if (plan.isEmpty) {
      // No raw status can match (e.g. fulfillmentStatus "fulfilled"): nothing to ask FlexFactor.
      return {
        orders: [],
        nextCursor: null,
        totalCount: 0,
        pageNumber: 1,
        pageCount: 0,
        warnings,
      };
    }
    return cursor
      ? this.laterPage(plan, cursor, options, warnings)
      : this.firstPage(plan, binding, options, warnings);
  }

  /**
   * The first page pins the walk's upper time bound: the client clock (or `createdTo`, if
   * earlier) is sent as `to`, and every later page sends the same `to`, so orders created during
   * the walk never enter it and cannot shift pages. The response's `Date` header guards against a
   * local clock that is off: then the pin is taken from FlexFactor's clock and the page fetched
   * again (a clock ahead would let orders created during the walk in, one behind would leave out
   * the latest orders).
   */
  private async firstPage(
    plan: QueryPlan,
    binding: string,
    options: CallOptions,
    warnings: Warning[],
  ): Promise<OrderPage> {
    const query = plan.query;
    const sentAt = Date.now();
    let pin = earliest(query.createdTo, new Date(sentAt).toISOString());
    let received = await this.receivePage(plan, { page: 1, size: plan.pageSize, to: pin }, options);
    const receivedAt = Date.now();
    const serverTime = Date.parse(received.headers.get('date') ?? '');
    // FlexFactor's time at the response lies in [Date, Date + 1 s); beyond that (plus a second of
    // slack) the local clock is off, and the pin is taken from FlexFactor's clock instead.
    const isSkewed =
      !Number.isNaN(serverTime) &&
      (sentAt > serverTime + 2 * DATE_HEADER_RESOLUTION_MS ||
        serverTime > receivedAt + DATE_HEADER_RESOLUTION_MS);
    const serverPin = isSkewed
      ? earliest(query.createdTo, new Date(serverTime).toISOString())
      : pin;
    if (serverPin !== pin) {
      const provider = this.context.provider;
      warnings.push({
        code: 'other',
        provider,
        message: `the local clock differs from ${provider}'s (${new Date(sentAt).toISOString()} here, ${new Date(serverTime).toISOString()} there); the listing is pinned to ${provider}'s time`,
      });
      pin = serverPin;
      received = await this.receivePage(plan, { page: 1, size: plan.pageSize, to: pin }, options);
    }
    const state: FlexFactorCursorState = {
      v: 1,
      page: 1,
      size: servedSize(received.page, plan.pageSize),
      to: pin,
      total: received.page.totalItemCount,
      fp: binding,
    };
    await this.announceNextCursor(plan, received, state, options);
    const fetched = this.mapPage(received, options);
    return this.deliver(plan, fetched, fetched.orders, warnings, state);
  }

  /**
   * A page after the first. While the total stays what the walk saw, the page is delivered as is
   * (minus anything at or before the last order delivered). A changed total means orders were
   * deleted or back-dated ones inserted before the position: the walk realigns on the last order
   * delivered.
   */
  private async laterPage(
    plan: QueryPlan,
    cursor: FlexFactorCursorState,
    options: CallOptions,
    warnings: Warning[],
  ): Promise<OrderPage> {
    const target = { page: cursor.page, size: cursor.size, to: cursor.to };
    const received = await this.receivePage(plan, target, options);
    const last = cursor.last;
    if (!last || received.page.totalItemCount === cursor.total) {
      await this.announceNextCursor(plan, received, cursor, options);
      const fetched = this.mapPage(received, options);
      const orders = last
        ? afterPosition(fetched.orders, last, plan, cursor.refound === true)
        : fetched.orders;
      return this.deliver(plan, fetched, orders, warnings, cursor);
    }
    return this.realign(plan, cursor, last, this.mapPage(received, options), options, warnings);
  }

  /**
   * Finds the last delivered order again after the listing shifted. With `d` orders deleted before
   * the position it moved back by `d` rows, so the page that now holds it is fetched; if that page
   * starts after it (the estimate was short, or it was deleted itself), the walk steps back one
   * more page. Rows up to the last delivered order are skipped; the walk continues after it.
   */
  private async realign(
    plan: QueryPlan,
    cursor: FlexFactorCursorState,
    last: FlexFactorPosition,
    fetched: FetchedPage,
    options: CallOptions,
    warnings: Warning[],
  ): Promise<OrderPage> {
    const size = cursor.size;
    const removed = Math.max(0, cursor.total - fetched.page.totalItemCount);
    // 0-based index the last delivered order had, minus the rows removed before it.
    const lastIndex = (cursor.page - 1) * size - 1 - removed;
    let pageNumber = removed > 0 ? Math.max(1, Math.floor(lastIndex / size) + 1) : cursor.page;
    let current =
      pageNumber === cursor.page
        ? fetched
        : await this.fetchPage(plan, { page: pageNumber, size, to: cursor.to }, options);
    for (;;) {
      const found = current.orders.findIndex((order) => order.id === last.id);
      const first = current.orders[0];
      const startsAfter = found === -1 && first !== undefined && comesAfter(first, last, plan);
      if (!startsAfter || pageNumber === 1) break;
      pageNumber -= 1;
      current = await this.fetchPage(plan, { page: pageNumber, size, to: cursor.to }, options);
    }
    const orders = afterPosition(current.orders, last, plan, true);
    const isLastListed = current.orders.some((order) => order.id === last.id);
    return this.deliver(plan, current, orders, warnings, {
      ...cursor,
      page: pageNumber,
      total: current.page.totalItemCount,
      // The last order delivered is gone: the position was found by comparison, and stays so
      // (ties ordered by id) until an order is delivered after it.
      refound: isLastListed ? cursor.refound : true,
    });
  }

  /**
   * Builds the page: local filters (core's plan re-applies every filter, plus the pin), and the
   * cursor of the next page carrying the position of the last row taken from the listing.
   */
  private deliver(
    plan: QueryPlan,
    fetched: FetchedPage,
    listed: Order[],
    warnings: Warning[],
    state: FlexFactorCursorState,
  ): OrderPage {
    const pinned = listed.filter((order) => compareTimestamps(order.createdAt, state.to) <= 0);
    const { orders } = plan.finishPage(pinned);
    const pageCount = fetched.page.pageCount;
    return {
      orders,
      nextCursor: nextCursorOf(plan, state, pageCount, listed.at(-1)),
      totalCount: fetched.page.totalItemCount,
      pageNumber: state.page,
      pageCount,
      warnings: [...warnings, ...fetched.warnings],
    };
  }

  /**
   * Tells the caller the next cursor before the rows are mapped (`onNextCursor`), when it is
   * certain: it carries the position of the last row `deliver` will list, so that row is mapped
   * here on its own, and the cursor is announced only if it maps and (after a position) sorts
   * strictly after the position, which `afterPosition` always keeps. Otherwise (the last row
   * breaks the schema, or ties with the position) nothing is announced and the caller waits for
   * the page. The cursor is made by the same `nextCursorOf` as the page's own. Returns what the
   * caller's hook returned, for the caller to await before the rows are mapped.
   */
  private announceNextCursor(
    plan: QueryPlan,
    received: ReceivedPage,
    state: FlexFactorCursorState,
    options: CallOptions,
  ): unknown {
    if (!options.onNextCursor) return undefined;
    const { provider, statusMap } = this.context;
    const pageCount = received.page.pageCount;
    const lastRow = received.page.rows.at(-1);
    let lastListed: Order | undefined;
    if (state.page < pageCount && lastRow !== undefined) {
      const record = readFlexFactorRow(lastRow, '', {
        provider,
        statusMap,
        statusLabels: received.statusLabels,
      });
      if (!record.ok) return undefined;
      const last = state.last;
      if (
        last &&
        (record.order.id === last.id || compareWithPosition(record.order, last, plan.sort) <= 0)
      ) {
        return undefined;
      }
      lastListed = record.order;
    }
    return options.onNextCursor(nextCursorOf(plan, state, pageCount, lastListed));
  }

  /** `GET /v1/orders` for one page, validated; rows are read one by one. */
  private async fetchPage(
    plan: QueryPlan,
    target: { page: number; size: number; to: string },
    options: CallOptions,
  ): Promise<FetchedPage> {
    return this.mapPage(await this.receivePage(plan, target, options), options);
  }

  /** `GET /v1/orders` for one page; the envelope is validated, the rows are not read yet. */
  private async receivePage(
    plan: QueryPlan,
    target: { page: number; size: number; to: string },
    options: CallOptions,
  ): Promise<ReceivedPage> {
    const { provider } = this.context;
    const query = plan.query;
    const searchParams = new URLSearchParams();
    // FF-LIST parameter names; `query` not `queryString` (docs/providers/flexfactor.md ambiguity 16).
    if (plan.pushedFilters.has('search') && query.search) searchParams.set('query', query.search);
    // An Int32 array: ASP.NET binds repeated keys, `status=1&status=7` (docs/providers/flexfactor.md ambiguity 17).
    for (const code of plan.statusCodes ?? []) searchParams.append('status', String(code));
    if (plan.pushedFilters.has('createdFrom') && query.createdFrom)
      searchParams.set('from', query.createdFrom);
    searchParams.set('to', target.to);
    if (plan.pushedFilters.has('merchantId') && query.merchantId)
      searchParams.set('mid', query.merchantId);
    // Sent explicitly: the defaults of orderBy and sort are not documented (FF-LIST).
    searchParams.set('orderBy', ORDER_BY[plan.sort.field] ?? 'createdOn');
    searchParams.set('sort', plan.sort.direction);
    searchParams.set('pageSize', String(target.size));
    // 1-based, as X.PagedList (whose field names the response uses) counts (docs/providers/flexfactor.md ambiguity 18).
    searchParams.set('pageNumber', String(target.page));

    const response = await this.send(
      { path: 'orders', searchParams, operation: LIST_OPERATION },
      options,
    );
    const parsed = flexFactorOrderListResponseSchema.safeParse(response.body);
    if (!parsed.success) {
      throw bodyShapeError({
        provider,
        response,
        issues: parsed.error.issues,
        message: `${provider} ${LIST_OPERATION} returned a page that does not match the documented format (${describeIssue(parsed.error.issues[0])})`,
      });
    }
    return {
      page: parsed.data.orders,
      statusLabels: parsed.data.orderStatuses ?? null,
      headers: response.headers,
      status: response.status,
      requestId: response.requestId,
    };
  }

  /** Reads the rows of a received page one by one. */
  private mapPage(received: ReceivedPage, options: CallOptions): FetchedPage {
    const { provider, statusMap } = this.context;
    const { page } = received;
    // One loop for every provider (core's mapRecords): a row off the documented format is left out
    // and reported as an invalid-record warning with its JSON path, or fails the call when strict.
    const { values: orders, warnings } = mapRecords(page.rows, {
      provider,
      path: 'orders.rows',
      operation: LIST_OPERATION,
      strict: options.strict,
      status: received.status,
      requestId: received.requestId,
      recordId: (raw) => {
        const id = (raw as { id?: unknown } | null)?.id;
        return typeof id === 'string' ? id : undefined;
      },
      map: (raw) => {
        const record = readFlexFactorRow(raw, '', {
          provider,
          statusMap,
          statusLabels: received.statusLabels,
          includeRaw: options.includeRaw,
        });
        if (!record.ok) {
          throw new ProviderResponseError({
            provider,
            issues: record.issues,
            message: 'row off the documented format',
          });
        }
        return { value: record.order, warnings: record.warnings };
      },
    });
    return { page, headers: received.headers, orders, warnings };
  }

  async get(orderId: string, options: CallOptions): Promise<Order> {
    const { provider, statusMap } = this.context;
    // An id like ".." would make the request path another endpoint: refused before any request.
    const problem = typeof orderId === 'string' ? orderIdProblem(orderId) : 'must be a string';
    if (problem !== undefined) {
      throw new InvalidQueryError({
        provider,
        issues: [{ field: 'id', message: `${problem} (a FlexFactor order id)` }],
      });
    }
    const response = await this.send(
      { path: `orders/${encodeURIComponent(orderId)}`, operation: GET_OPERATION },
      options,
    );
    const record = readFlexFactorOrderDetail(response.body, {
      provider,
      statusMap,
      includeRaw: options.includeRaw,
    });
    if (!record.ok) {
      throw new ProviderResponseError({
        provider,
        status: response.status,
        requestId: response.requestId,
        issues: record.issues,
        message: `${provider} ${GET_OPERATION} returned an order that does not match the documented format (${record.issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')})`,
      });
    }
    return record.order;
  }

  cursorForPage(firstPage: OrderPage, pageNumber: number): string {
    if (firstPage.nextCursor === null) {
      throw new RangeError('cursorForPage needs the first page of a listing that has more pages');
    }
    if (!Number.isInteger(pageNumber) || pageNumber < 1) {
      throw new RangeError(`page number ${pageNumber} is invalid: use a whole number from 1`);
    }
    const state = decodeFlexFactorCursor(firstPage.nextCursor, {
      provider: this.context.provider,
      binding: readBinding(firstPage.nextCursor),
    });
    const { last: _last, refound: _refound, ...pinned } = state;
    return encodeFlexFactorCursor({ ...pinned, page: pageNumber });
  }

  async checkConnection(options: CallOptions): Promise<void> {
    const searchParams = new URLSearchParams({ pageSize: '1', pageNumber: '1' });
    await this.send({ path: 'orders', searchParams, operation: LIST_OPERATION }, options);
  }

  /**
   * Sends a data request with the bearer token. A 401 means the token expired or was revoked
   * early (FF-TOKEN: "reuse the token until a request returns 401"): that token is dropped, a new
   * one fetched once, and the request retried once; a second 401 is final. The token goes in the
   * request's own headers so the 401 handler knows exactly which token FlexFactor refused: calls
   * that fail with the same stale token then cause one renewal between them, not one each.
   */
  private async send(request: HttpRequest, options: CallOptions): Promise<HttpResponse> {
    const { tokens } = this.context;
    const token = await tokens.accessToken(options.signal);
    try {
      return await this.sendWith(request, token, options);
    } catch (error) {
      if (!AuthenticationError.isInstance(error)) throw error;
      tokens.invalidate(token);
    }
    const renewed = await tokens.accessToken(options.signal);
    try {
      return await this.sendWith(request, renewed, options);
    } catch (error) {
      if (!AuthenticationError.isInstance(error)) throw error;
      throw new AuthenticationError({
        provider: this.context.provider,
        status: error.status,
        requestId: error.requestId,
        providerCode: error.providerCode,
        details: error.details,
        cause: error,
        message: `${this.context.provider} ${request.operation ?? request.path} refused a freshly issued access token${error.status !== undefined ? ` (HTTP ${error.status})` : ''}; check that the app key may read orders in this environment`,
      });
    }
  }

  private async sendWith(
    request: HttpRequest,
    token: string,
    options: CallOptions,
  ): Promise<HttpResponse> {
    const response = await this.context.http.request({
      ...request,
      // The bearer token is this request's credential (see `send`); the transport masks the
      // Authorization header in every hook and error, and the token is a registered secret.
      authenticated: false,
      headers: { ...request.headers, authorization: `Bearer ${token}` },
      signal: options.signal,
    });
    // The envelope can report a failure with HTTP 200 (§2.4, §2.8 shape 2).
    const failure = readEnvelopeFailure(response.body);
    if (failure) {
      const { codeStatus: _codeStatus, ...description } = failure;
      throw errorFromProviderResponse({
        ...description,
        kind: kindOfEnvelopeFailure(failure, response.status),
        provider: this.context.provider,
        status: response.status,
        operation: request.operation,
        requestId: response.requestId,
      });
    }
    return response;
  }
}

/**
 * The orders of a page that come after the last delivered order: everything after it when it is on
 * the page, and never anything that sorts strictly before it. When the position was found by
 * comparison (`realigned`: the order itself was deleted) and it is not on the page, ties with it
 * are ordered by id, as the canonical order and the sandbox do (FlexFactor documents no
 * tie-break); otherwise equal-valued rows on a later page are trusted as new.
 */
function afterPosition(
  orders: Order[],
  last: FlexFactorPosition,
  plan: QueryPlan,
  realigned: boolean,
): Order[] {
  const found = orders.findIndex((order) => order.id === last.id);
  const rest = found === -1 ? orders : orders.slice(found + 1);
  return rest.filter((order) => {
    if (order.id === last.id) return false;
    const comparison = compareWithPosition(order, last, plan.sort);
    if (comparison !== 0) return comparison > 0;
    return !(realigned && found === -1) || comesAfter(order, last, plan);
  });
}

/**
 * Whether `order` comes after `last` in the listing: by sort value, then (equal values) by id in
 * the sort direction.
 */
function comesAfter(order: Order, last: FlexFactorPosition, plan: QueryPlan): boolean {
  const comparison = compareWithPosition(order, last, plan.sort);
  if (comparison !== 0) return comparison > 0;
  const byId = compareText(order.id, last.id);
  return plan.sort.direction === 'asc' ? byId > 0 : byId < 0;
}

/**
 * The cursor after a page: the next page number and the position of the last row listed (or the
 * previous position when none was), or null after the last page.
 */
function nextCursorOf(
  plan: QueryPlan,
  state: FlexFactorCursorState,
  pageCount: number,
  lastListed: Order | undefined,
): string | null {
  if (state.page >= pageCount) return null;
  const next: FlexFactorCursorState = {
    ...state,
    page: state.page + 1,
    last: lastListed ? positionOf(lastListed, plan.sort.field) : state.last,
    seq: (state.seq ?? 0) + 1,
    refound: lastListed ? undefined : state.refound,
  };
  return encodeFlexFactorCursor(withoutUndefined(next));
}

function servedSize(page: FlexFactorOrderPage, requested: number): number {
  // A server that caps the page size reports the size it used; page numbers follow that size.
  return page.pageSize > 0 && page.pageSize < requested ? page.pageSize : requested;
}

function earliest(bound: string | undefined, now: string): string {
  if (bound === undefined) return now;
  return compareTimestamps(bound, now) <= 0 ? bound : now;
}

function readBinding(cursor: string): string {
  try {
    const decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as {
      fp?: unknown;
    };
    return typeof decoded.fp === 'string' ? decoded.fp : '';
  } catch {
    return '';
  }
}

function withoutUndefined(state: FlexFactorCursorState): FlexFactorCursorState {
  return Object.fromEntries(
    Object.entries(state).filter(([, value]) => value !== undefined),
  ) as unknown as FlexFactorCursorState;
}

function emptyToUndefined(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function describeIssue(issue: { path: PropertyKey[]; message: string } | undefined): string {
  if (!issue) return 'unknown issue';
  return `${bodyPath(issue.path)}: ${issue.message}`;
}

function validateBaseUrl(value: string, provider: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigurationError({
      provider,
      setting: 'baseUrl',
      environmentVariable: FLEXFACTOR_ENVIRONMENT_VARIABLES.baseUrl,
      message: `FlexFactor baseUrl "${value}" (setting baseUrl or ${FLEXFACTOR_ENVIRONMENT_VARIABLES.baseUrl}) is not an absolute URL: use e.g. https://api.flexfactor.io/v1/`,
    });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigurationError({
      provider,
      setting: 'baseUrl',
      environmentVariable: FLEXFACTOR_ENVIRONMENT_VARIABLES.baseUrl,
      message: `FlexFactor baseUrl "${value}" (setting baseUrl or ${FLEXFACTOR_ENVIRONMENT_VARIABLES.baseUrl}) must use http or https`,
    });
  }
  // Paths are relative (`oauth2/token`, `orders`): without the trailing slash they would resolve
  // next to `/v1` instead of under it.
  return url.href.endsWith('/') ? url.href : `${url.href}/`;
}
