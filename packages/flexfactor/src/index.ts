export {
  FLEXFACTOR_BASE_URLS,
  FLEXFACTOR_ENVIRONMENTS,
  type FlexFactorEnvironment,
  type FlexFactorErrorTuple,
  type FlexFactorOrderDetail,
  type FlexFactorOrderListResponse,
  type FlexFactorOrderPage,
  type FlexFactorOrderRow,
  type FlexFactorTokenResponse,
  flexFactorOrderDetailSchema,
  flexFactorOrderListResponseSchema,
  flexFactorOrderPageSchema,
  flexFactorOrderRowSchema,
  flexFactorTokenResponseSchema,
} from './flexfactor-api.js';
export { describeFlexFactorError } from './flexfactor-error.js';
export {
  type FlexFactorMapContext,
  type FlexFactorOrderDetailExtension,
  type FlexFactorOrderExtensions,
  type FlexFactorRecordResult,
  flexFactorExtensionsOf,
  readFlexFactorOrderDetail,
  readFlexFactorRow,
} from './flexfactor-mapper.js';
export {
  createFlexFactor,
  FLEXFACTOR_ENVIRONMENT_VARIABLES,
  type FlexFactorProvider,
  type FlexFactorSettings,
} from './flexfactor-provider.js';
export { createFlexFactorStatusMap, flexFactorStatusMap } from './flexfactor-status-map.js';
