/**
 * `@orderbridge/sandbox`: faithful local simulators of the FlexPortal and FlexFactor APIs, with
 * seeded data (0 to millions of orders), fault injection and a control endpoint.
 */

export {
  ChurnCapacityError,
  type ChurnOptions,
  type ChurnResult,
  type FieldChange,
  type OrderChange,
  type VanishResult,
} from './churn/churn-request.js';
export { UnknownTenantError } from './churn/live-data.js';
export {
  connectSandbox,
  type RemoteOrderStore,
  type SandboxClient,
  SandboxControlError,
} from './control/connect-sandbox.js';
export {
  connectionEnvironment,
  formatConnectionSettings,
  type SandboxConnectionSettings,
} from './control/connection-settings.js';
export {
  type FaultSettings,
  faultSettingsSchema,
  PROVIDER_NAMES,
  type ProviderName,
} from './faults/provider-faults.js';
export {
  FLEXFACTOR_CHARGEBACK_CODE,
  FLEXFACTOR_ORDER_STATUSES,
  FLEXFACTOR_SANDBOX_ORDER_STATUSES,
  type FlexFactorAddress,
  type FlexFactorEnvelopeFailure,
  type FlexFactorOrderDetail,
  type FlexFactorOrderList,
  type FlexFactorProblem,
  type FlexFactorRow,
  type FlexFactorStatusCode,
  type FlexFactorTokenResponse,
  flexFactorAddressSchema,
  flexFactorEnvelopeFailureSchema,
  flexFactorOrderDetailSchema,
  flexFactorOrderListSchema,
  flexFactorPageSchema,
  flexFactorProblemSchema,
  flexFactorRowSchema,
  flexFactorStatusName,
  flexFactorTokenResponseSchema,
} from './flexfactor/flexfactor-schema.js';
export { FLEXFACTOR_SEED_ROWS } from './flexfactor/flexfactor-seed-rows.js';
export {
  FLEXFACTOR_ORDER_BY,
  type FlexFactorOrderBy,
  type FlexFactorOrderInput,
  type FlexFactorStore,
} from './flexfactor/flexfactor-store.js';
export {
  FLEXPORTAL_SORT_FIELDS,
  FLEXPORTAL_STATUSES,
  type FlexPortalAddress,
  type FlexPortalCustomer,
  type FlexPortalError,
  type FlexPortalOrder,
  type FlexPortalOrderItem,
  type FlexPortalOrderList,
  type FlexPortalPayment,
  type FlexPortalSortField,
  type FlexPortalStatus,
  type FlexPortalTotals,
  flexPortalAddressSchema,
  flexPortalCustomerSchema,
  flexPortalErrorSchema,
  flexPortalOrderItemSchema,
  flexPortalOrderListSchema,
  flexPortalOrderSchema,
  flexPortalPaymentSchema,
  flexPortalTotalsSchema,
} from './flexportal/flexportal-schema.js';
export type { FlexPortalOrderInput, FlexPortalStore } from './flexportal/flexportal-store.js';
export { CURRENCIES, type CurrencyInfo } from './money/currencies.js';
export {
  DEFAULT_FLEXFACTOR_CREDENTIALS,
  DEFAULT_ORDERS_PER_PROVIDER,
  DEFAULT_SANDBOX_PORT,
  DEFAULT_TENANTS,
  type Sandbox,
  type SandboxOptions,
  startSandbox,
} from './start-sandbox.js';
export type { ProviderStats, SandboxStats } from './stats/sandbox-stats.js';
export {
  FLEXFACTOR_ORDER_EVENTS,
  type FlexFactorOrderEvent,
  type FlexFactorWebhookPayload,
} from './webhooks/flexfactor-webhook-events.js';
export {
  WEBHOOK_RETRY_DELAYS_MS,
  type WebhookDelivery,
  type WebhookSubscription,
  type WebhookSubscriptionInput,
} from './webhooks/flexfactor-webhooks.js';
