/**
 * `@orderbridge/flexportal`: the FlexPortal provider for OrderBridge (static API key + `Tenant-ID`,
 * cursor pagination), written from FlexPortal's public API documentation.
 */

export {
  type FlexPortalWireAddress,
  type FlexPortalWireError,
  type FlexPortalWireOrder,
  type FlexPortalWireOrderItem,
  type FlexPortalWireOrderList,
  flexPortalErrorSchema,
  flexPortalOrderListSchema,
  flexPortalOrderSchema,
} from './flexportal-api.js';
export { describeFlexPortalError } from './flexportal-error.js';
export {
  type FlexPortalAddress,
  type FlexPortalExtensionDetails,
  type FlexPortalItemExtensions,
  type FlexPortalMappingContext,
  type FlexPortalOrderExtensions,
  type FlexPortalPayment,
  type FlexPortalUpgradeDetails,
  flexPortalExtensionsOf,
  mapFlexPortalOrder,
} from './flexportal-mapper.js';
export {
  createFlexPortal,
  FLEXPORTAL_BASE_URLS,
  FLEXPORTAL_CAPABILITIES,
  FLEXPORTAL_ENVIRONMENT,
  type FlexPortalProvider,
  type FlexPortalRegion,
  type FlexPortalSettings,
} from './flexportal-provider.js';
export {
  flexPortalPaymentStatusMap,
  flexPortalRentalStatusMap,
  flexPortalStatusMap,
} from './flexportal-status-map.js';
