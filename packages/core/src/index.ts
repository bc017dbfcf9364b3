export { type LinkAbortOptions, type LinkedAbort, linkAbort } from './abort/linked-abort.js';
export {
  type ClientCallOptions,
  createOrderClient,
  DEFAULT_SCAN_DURATION_MS,
  DEFAULT_SCAN_PAGE_REQUESTS,
  type OrderClient,
  type OrderClientSettings,
  type OrderIteration,
  type OrderListResult,
  type ProviderErrorMode,
  type ProviderFailure,
  type ProviderInfo,
  type ScanBudget,
  type ScanReport,
} from './client/order-client.js';
export * from './errors/index.js';
export {
  joinPath,
  type MappedRecord,
  type MapRecordsOptions,
  mapRecords,
  recordIssues,
} from './mapping/map-records.js';
export {
  addMoney,
  compareMoneyValue,
  currencyCodeSchema,
  currencyExponent,
  formatMoney,
  type Money,
  MoneyConversionError,
  moneyFromDecimal,
  moneySchema,
  toDecimalString,
  toMinorUnits,
} from './model/money.js';
export {
  type Customer,
  customerSchema,
  type Merchant,
  merchantSchema,
  type Order,
  type OrderItem,
  orderIdProblem,
  orderItemSchema,
  orderKey,
  orderSchema,
  parseOrderKey,
  providerIdSchema,
} from './model/order.js';
export {
  defineStatusMap,
  FULFILLMENT_STATUSES,
  type FulfillmentStatus,
  findStatusEntry,
  findStatusLabelEntry,
  fulfillmentStatusSchema,
  type MappedStatus,
  mapStatus,
  ORDER_STATUSES,
  type OrderStatus,
  orderStatusSchema,
  PAYMENT_STATUSES,
  type PaymentStatus,
  type ProviderStatus,
  paymentStatusSchema,
  type StatusDimension,
  type StatusLabelEntry,
  type StatusMap,
  type StatusMapEntry,
  type StatusMapping,
} from './model/status.js';
export {
  compareTimestamps,
  normalizeTimestamp,
  TimestampError,
  timestampSchema,
  timestampToEpochMs,
} from './model/timestamp.js';
export type { Warning, WarningCode } from './model/warning.js';
export {
  collect,
  isAbortError,
  type PaginateOptions,
  pages,
  paginate,
  type WarningIterable,
} from './pagination/pages.js';
export {
  type CallOptions,
  type IncrementalSyncCapability,
  type OrderPage,
  type OrderProvider,
  type ProviderCapabilities,
  SPECIFICATION_VERSION,
} from './provider/order-provider.js';
export {
  type ProviderSettings,
  providerSettingsShape,
  toTransportOptions,
} from './provider/provider-settings.js';
export {
  compareBySortField,
  compareSortValues,
  compareText,
  matchesFilter,
  matchesQuery,
  matchesSearch,
  orderComparator,
  type SortValue,
  sortValueOf,
} from './query/order-match.js';
export {
  DEFAULT_SORT,
  FILTER_FIELDS,
  type FilterField,
  formatPath,
  MAX_LIMIT,
  type OrderQuery,
  type OrderQueryInput,
  orderQuerySchema,
  parseOrderQuery,
  queryFingerprint,
  SORT_FIELDS,
  type SortDirection,
  type SortField,
  sortOf,
  TOTAL_SORT_NEEDS_CURRENCY,
  toQueryIssues,
} from './query/order-query.js';
export { type PlanContext, planQuery, type QueryPlan } from './query/query-plan.js';
export {
  normalizeStatusText,
  parseSortText,
  RELATIVE_TIME_PATTERN,
  resolveDateText,
} from './query/query-text.js';
export {
  createHttpClient,
  type ErrorEvent,
  type HttpClient,
  type HttpClientSettings,
  type HttpRequest,
  type HttpResponse,
  type RequestEvent,
  type ResponseEvent,
  type RetryEvent,
  type RetrySettings,
  requestIdFrom,
  type TransportHooks,
  type TransportOptions,
} from './transport/http-client.js';
export { RateLimiter, type RateLimitSettings, sleep } from './transport/rate-limiter.js';
export { parseRetryAfter } from './transport/retry-after.js';
export { CORE_VERSION, readPackageVersion } from './version.js';
