import {
  type CallOptions,
  ConfigurationError,
  createHttpClient,
  defineStatusMap,
  formatPath,
  type HttpClient,
  type HttpResponse,
  InvalidQueryError,
  mapRecords,
  type Order,
  type OrderPage,
  type OrderProvider,
  type OrderQuery,
  orderIdProblem,
  type ProviderCapabilities,
  ProviderResponseError,
  type ProviderSettings,
  parseOrderQuery,
  planQuery,
  providerIdSchema,
  providerSettingsShape,
  type QueryPlan,
  type RateLimitSettings,
  readPackageVersion,
  recordIssues,
  registerSecret,
  type SortField,
  SPECIFICATION_VERSION,
  type StatusMap,
  toTransportOptions,
} from '@orderbridge/core';
import { z } from 'zod';
import { type FlexPortalWireOrderList, flexPortalOrderListSchema } from './flexportal-api.js';
import { describeFlexPortalError } from './flexportal-error.js';
import { mapFlexPortalOrder } from './flexportal-mapper.js';
import { flexPortalStatusMap } from './flexportal-status-map.js';

/** FlexPortal's data regions; `test` is the sandbox host listed only in the quickstart (FP-QS). */
export type FlexPortalRegion = 'eu' | 'us' | 'qatar' | 'test';

/**
 * Base URL of each region (docs/providers/flexportal.md §1.1, OpenAPI `servers`). Data stays in its region: an order
 * created in EU is not visible through the US host.
 */
export const FLEXPORTAL_BASE_URLS: Readonly<Record<FlexPortalRegion, string>> = {
  eu: 'https://api-eu.flexportal.io',
  us: 'https://api-us.flexportal.io',
  qatar: 'https://api-qatar.flexportal.io',
  test: 'https://api-test.flexportal.io',
};

/**
 * Settings of `createFlexPortal`: its credentials and host, plus the transport, `id` and `env`
 * settings every provider accepts. Every one is optional where an environment variable can supply it.
 */
export interface FlexPortalSettings extends ProviderSettings {
  /** API key from Dashboard → Settings → API Keys; falls back to `FLEXPORTAL_API_KEY`. */
  apiKey?: string | undefined;
  /** Business Unit ID from Dashboard → Settings → General; falls back to `FLEXPORTAL_TENANT_ID`. */
  tenantId?: string | undefined;
  /** Data region (default `eu`); falls back to `FLEXPORTAL_REGION`. Ignored when `baseUrl` is set. */
  region?: FlexPortalRegion | undefined;
  /** Absolute http(s) base URL (a proxy, the local sandbox); falls back to `FLEXPORTAL_BASE_URL`. */
  baseUrl?: string | undefined;
  /**
   * Client-side request budget. FlexPortal's Starter tier allows 100 requests per minute
   * (docs/providers/flexportal.md §1.3): set `{ requestsPerMinute: 100 }` to never see a 429 there.
   */
  rateLimit?: RateLimitSettings | undefined;
}

/** The FlexPortal provider: the OrderBridge port plus what it was configured with. */
export interface FlexPortalProvider extends OrderProvider {
  /** The base URL requests go to. */
  readonly baseUrl: string;
  /** The tenant (Business Unit) whose orders this provider reads. */
  readonly tenantId: string;
  /**
   * Verifies credentials and reachability with one `GET /v1/orders?limit=1`.
   * @throws AuthenticationError, PermissionError, or the transport's typed errors.
   */
  checkConnection(options?: CallOptions): Promise<void>;
}

/** Environment variables the settings fall back to. */
export const FLEXPORTAL_ENVIRONMENT = {
  apiKey: 'FLEXPORTAL_API_KEY',
  tenantId: 'FLEXPORTAL_TENANT_ID',
  region: 'FLEXPORTAL_REGION',
  baseUrl: 'FLEXPORTAL_BASE_URL',
} as const;

/**
 * What FlexPortal's orders API does itself (docs/providers/flexportal.md §1.4, §1.5):
 * - filters: `status` (one value per request; docs/providers/flexportal.md ambiguity 4) and `customerId`. Dates, merchant and
 *   search have no parameter and are finished locally by core.
 * - sorts: `createdAt`, `updatedAt`, `orderId`, `totals.total`. FlexPortal's `status` sort is
 *   alphabetical on the raw value (cancelled < confirmed < fulfilled < partial < pending), which is
 *   not the canonical status order, so it is not offered and a status sort is refused.
 */
export const FLEXPORTAL_CAPABILITIES: ProviderCapabilities = {
  filters: ['status', 'customerId'],
  statusFilterValues: 'one',
  sorts: ['createdAt', 'updatedAt', 'id', 'total'],
  // FlexPortal orders belong to a tenant, not a merchant (the mapper sets `merchant: null`).
  neverMatchingFilters: ['merchantId'],
  defaultPageSize: 50,
  maxPageSize: 100,
  pageNumbers: false,
  totalCount: false,
  // FP-LIST sorts by `updatedAt`, which every order carries (required, never null): a sync walks
  // newest changes first and stops past the last watermark. Ten minutes of overlap cover clock
  // skew and orders that changed while the previous run was walking.
  incrementalSync: { strategy: 'change-time', field: 'updatedAt', overlapMs: 10 * 60_000 },
};

/** FlexPortal's `sortBy` value for each canonical sort field it supports. */
const SORT_BY: Partial<Record<SortField, string>> = {
  createdAt: 'createdAt',
  updatedAt: 'updatedAt',
  id: 'orderId',
  total: 'totals.total',
};

const PACKAGE_VERSION = readPackageVersion(import.meta.url);

/** Settings after environment fallbacks, validated. */
export interface ResolvedFlexPortalSettings {
  /** Provider id. */
  id: string;
  /** The API key (registered as a secret by `createFlexPortal`). */
  apiKey: string;
  /** The Business Unit ID sent as `Tenant-ID`. */
  tenantId: string;
  /** Base URL without a trailing slash; request paths start with `v1/`. */
  baseUrl: string;
}

const REGIONS = Object.keys(FLEXPORTAL_BASE_URLS) as FlexPortalRegion[];

const settingsShape = z.strictObject({
  apiKey: z.string().optional(),
  tenantId: z.string().optional(),
  region: z.string().optional(),
  baseUrl: z.string().optional(),
  ...providerSettingsShape,
});

/**
 * Applies the environment fallbacks and validates the settings (internal; `env` is a seam for tests).
 * @throws ConfigurationError naming the setting, and its environment variable where one exists.
 */
export function resolveFlexPortalSettings(
  settings: FlexPortalSettings,
  env: Readonly<Record<string, string | undefined>> = process.env,
): ResolvedFlexPortalSettings {
  const shape = settingsShape.safeParse(settings ?? {});
  if (!shape.success) {
    const issue = shape.error.issues[0]!;
    const parent = formatPath(issue.path);
    const setting =
      issue.code === 'unrecognized_keys'
        ? issue.keys.map((key) => (parent ? `${parent}.${key}` : key)).join(', ')
        : parent;
    throw new ConfigurationError({
      provider: 'flexportal',
      setting,
      ...environmentVariableOf(setting),
      message:
        issue.code === 'unrecognized_keys'
          ? `createFlexPortal() does not know the setting${issue.keys.length > 1 ? 's' : ''} ${setting
              .split(', ')
              .map((key) => `"${key}"`)
              .join(', ')}; see FlexPortalSettings`
          : `FlexPortal setting "${setting}" is invalid: ${issue.message}`,
    });
  }

  const fromEnv = (name: string) => {
    const value = env[name]?.trim();
    return value === '' ? undefined : value;
  };

  const id = settings.id ?? 'flexportal';
  if (!providerIdSchema.safeParse(id).success) {
    throw new ConfigurationError({
      provider: 'flexportal',
      setting: 'id',
      message: `FlexPortal provider id ${JSON.stringify(id)} is invalid: it must be lower-case letters, digits, "-" or "_" (at most 64)`,
    });
  }

  const apiKey = nonEmpty(settings.apiKey) ?? fromEnv(FLEXPORTAL_ENVIRONMENT.apiKey);
  if (apiKey === undefined) {
    throw missing('apiKey', 'API key', '(Dashboard → Settings → API Keys)');
  }
  const tenantId = nonEmpty(settings.tenantId) ?? fromEnv(FLEXPORTAL_ENVIRONMENT.tenantId);
  if (tenantId === undefined) {
    throw missing(
      'tenantId',
      'tenant id',
      '(the Business Unit ID under Dashboard → Settings → General)',
    );
  }

  // The region is validated even when a base URL overrides it: a wrong setting is never ignored.
  const region = nonEmpty(settings.region) ?? fromEnv(FLEXPORTAL_ENVIRONMENT.region) ?? 'eu';
  if (!REGIONS.includes(region as FlexPortalRegion)) {
    const source =
      nonEmpty(settings.region) !== undefined ? '"region"' : FLEXPORTAL_ENVIRONMENT.region;
    throw new ConfigurationError({
      provider: 'flexportal',
      setting: 'region',
      environmentVariable: FLEXPORTAL_ENVIRONMENT.region,
      message: `FlexPortal region ${JSON.stringify(region)} (from ${source}) is not one of ${REGIONS.join(', ')}: pass "region" or "baseUrl" to createFlexPortal(), or set ${FLEXPORTAL_ENVIRONMENT.region}`,
    });
  }
  const explicitBaseUrl = nonEmpty(settings.baseUrl);
  const baseUrlValue = explicitBaseUrl ?? fromEnv(FLEXPORTAL_ENVIRONMENT.baseUrl);
  const baseUrl =
    baseUrlValue === undefined
      ? FLEXPORTAL_BASE_URLS[region as FlexPortalRegion]
      : checkBaseUrl(
          baseUrlValue,
          explicitBaseUrl !== undefined ? '"baseUrl"' : FLEXPORTAL_ENVIRONMENT.baseUrl,
        );

  return { id, apiKey, tenantId, baseUrl };
}

/**
 * Creates the FlexPortal provider. Settings are resolved now, so a missing key fails at start-up,
 * not on the first request.
 * @throws ConfigurationError when a setting is missing or invalid (it names the setting and its
 * environment variable).
 */
export function createFlexPortal(settings: FlexPortalSettings = {}): FlexPortalProvider {
  const resolved = resolveFlexPortalSettings(settings, settings.env ?? process.env);
  const { id: provider, apiKey, tenantId, baseUrl } = resolved;
  registerSecret(apiKey);
  const statusMap: StatusMap =
    provider === flexPortalStatusMap.provider
      ? flexPortalStatusMap
      : defineStatusMap(provider, flexPortalStatusMap.entries);
  const capabilities = FLEXPORTAL_CAPABILITIES;

  const http: HttpClient = createHttpClient({
    provider,
    baseUrl,
    userAgent: `@orderbridge/flexportal/${PACKAGE_VERSION}`,
    ...toTransportOptions(settings),
    // docs/providers/flexportal.md §1.2: a static key as a bearer token, plus the Business Unit in `Tenant-ID`.
    headers: () => ({ authorization: `Bearer ${apiKey}`, 'tenant-id': tenantId }),
    describeError: describeFlexPortalError,
  });

  async function listOrders(input: OrderQuery, options: CallOptions = {}): Promise<OrderPage> {
    const query = parseOrderQuery(input);
    const plan = planQuery(query, { provider, capabilities, statusMap });
    if (plan.isEmpty) return { orders: [], nextCursor: null, warnings: [...plan.warnings] };

    const operation = 'GET /v1/orders';
    const response = await http.request({
      path: 'v1/orders',
      searchParams: listParameters(plan),
      signal: options.signal,
      operation,
    });
    const page = checkEnvelope(response, operation);
    // FP-OV: the listing ends when `hasMore` is false or `nextCursor` is null; the docs' own loop
    // stops on a falsy cursor, so an empty string ends it too.
    const providerNext = page.hasMore && page.nextCursor ? page.nextCursor : null;
    // The next cursor is known before the records are validated and mapped, so a page walk can
    // request the next page now (and gets a turn of the event loop to send it before the mapping
    // takes the thread). Not when the listing may stop early at a date bound: that depends on
    // the mapped orders, and a walk must not request a page it then drops.
    if (options.onNextCursor && plan.earlyStop === undefined) {
      await options.onNextCursor(providerNext);
    }
    const mapped = mapRecords(page.orders, {
      provider,
      path: 'orders',
      operation,
      strict: options.strict,
      status: response.status,
      requestId: response.requestId,
      recordId: readOrderId,
      map: (record) =>
        mapFlexPortalOrder(record, { provider, statusMap, includeRaw: options.includeRaw }),
    });
    const finished = plan.finishPage(mapped.values);
    return {
      orders: finished.orders,
      nextCursor: finished.reachedBound ? null : providerNext,
      warnings: [...plan.warnings, ...mapped.warnings],
    };
  }

  async function getOrder(id: string, options: CallOptions = {}): Promise<Order> {
    // An id like ".." would make the request path another endpoint: refused before any request.
    const problem = typeof id === 'string' ? orderIdProblem(id) : 'must be a string';
    if (problem !== undefined) {
      throw new InvalidQueryError({
        provider,
        issues: [{ field: 'id', message: `${problem} (a FlexPortal order id)` }],
      });
    }
    const operation = `GET /v1/orders/${id}`;
    const response = await http.request({
      path: `v1/orders/${encodeURIComponent(id)}`,
      signal: options.signal,
      operation,
    });
    // FP-GET: the body is the bare Order object, not wrapped in `data` or `order`. A single order
    // that does not match the schema cannot be skipped: the call fails with the JSON paths.
    try {
      return mapFlexPortalOrder(response.body, {
        provider,
        statusMap,
        includeRaw: options.includeRaw,
      }).value;
    } catch (error) {
      const issues = recordIssues(error);
      if (!issues) throw error;
      throw new ProviderResponseError({
        provider,
        issues,
        status: response.status,
        requestId: response.requestId,
        message: `${provider} ${operation} returned an order that does not match the documented schema: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`,
      });
    }
  }

  async function checkConnection(options: CallOptions = {}): Promise<void> {
    const operation = 'GET /v1/orders';
    const response = await http.request({
      path: 'v1/orders',
      searchParams: { limit: '1' },
      signal: options.signal,
      operation,
    });
    // A base URL that reaches something other than FlexPortal answers 200 too, but not this shape.
    checkEnvelope(response, operation);
  }

  /** @throws ProviderResponseError when the body is not the documented list envelope. */
  function checkEnvelope(response: HttpResponse, operation: string): FlexPortalWireOrderList {
    const envelope = flexPortalOrderListSchema.safeParse(response.body);
    if (envelope.success) return envelope.data;
    const issues = recordIssues(envelope.error) ?? [];
    throw new ProviderResponseError({
      provider,
      issues,
      status: response.status,
      requestId: response.requestId,
      message: `${provider} ${operation} returned a page that does not match the documented envelope: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`,
    });
  }

  return {
    specificationVersion: SPECIFICATION_VERSION,
    id: provider,
    capabilities,
    statusMap,
    baseUrl,
    tenantId,
    listOrders,
    getOrder,
    checkConnection,
  };
}

/**
 * Query parameters of `GET /v1/orders` for a plan (docs/providers/flexportal.md §1.5). `limit` goes as a decimal string
 * (the OpenAPI types it `string`, docs/providers/flexportal.md ambiguity 2). `sortBy`/`sortDir` are always sent, even for the
 * default, so the order never depends on a server default; they appear in FP-LIST's prose and
 * examples but not in its OpenAPI (docs/providers/flexportal.md ambiguity 3).
 */
function listParameters(plan: QueryPlan): Record<string, string | undefined> {
  const { query } = plan;
  // With `statusFilterValues: 'one'` core hands over at most one code. Sending none would still be
  // correct: `finishPage` re-checks every filter locally.
  const status =
    plan.statusCodes && plan.statusCodes.length === 1 ? String(plan.statusCodes[0]) : undefined;
  return {
    limit: String(plan.pageSize),
    startAfter: query.cursor,
    status,
    customerId: plan.pushedFilters.has('customerId') ? query.customerId : undefined,
    sortBy: SORT_BY[plan.sort.field],
    sortDir: plan.sort.direction,
  };
}

function readOrderId(record: unknown): string | undefined {
  if (typeof record !== 'object' || record === null) return undefined;
  const id = (record as { orderId?: unknown }).orderId;
  return typeof id === 'string' && id !== '' ? id : undefined;
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === '' ? undefined : trimmed;
}

function environmentVariableOf(setting: string): { environmentVariable?: string } {
  const name = FLEXPORTAL_ENVIRONMENT[setting as keyof typeof FLEXPORTAL_ENVIRONMENT];
  return name ? { environmentVariable: name } : {};
}

function missing(setting: 'apiKey' | 'tenantId', label: string, where: string): ConfigurationError {
  const variable = FLEXPORTAL_ENVIRONMENT[setting];
  return new ConfigurationError({
    provider: 'flexportal',
    setting,
    environmentVariable: variable,
    message: `FlexPortal ${label} is missing: pass "${setting}" to createFlexPortal() or set ${variable} ${where}`,
  });
}

function checkBaseUrl(value: string, source: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.search || url.hash) {
    throw new ConfigurationError({
      provider: 'flexportal',
      setting: 'baseUrl',
      environmentVariable: FLEXPORTAL_ENVIRONMENT.baseUrl,
      message: `FlexPortal base URL ${JSON.stringify(value)} (from ${source}) is not an absolute http(s) URL without query or fragment, e.g. https://api-eu.flexportal.io`,
    });
  }
  return value.replace(/\/+$/, '');
}
