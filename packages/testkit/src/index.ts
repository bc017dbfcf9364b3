export type {
  ConformanceContext,
  ConformanceOptions,
  ProviderFaults,
} from './conformance/conformance-context.js';
export { ConformanceError, type ConformanceErrorOptions } from './conformance/conformance-error.js';
export { describeProviderConformance } from './conformance/describe-provider-conformance.js';
export {
  checkAbortedSignalRejects,
  checkAbortStopsPromptly,
  checkAuthenticationRejected,
  checkLongRateLimit,
  checkMalformedBody,
  checkPersistentServerError,
  checkShortRateLimit,
  checkTransientServerErrorRetried,
} from './conformance/fault-checks.js';
export {
  checkEmulatedFilter,
  checkPushedDownFilter,
  filterNotPushedReason,
} from './conformance/filter-checks.js';
export { filterSamples } from './conformance/filter-samples.js';
export {
  checkCursorReplay,
  checkLimitClamped,
  checkListingEqualsGroundTruth,
  checkOrdersValidate,
  checkPageSizeHonoured,
  checkPortShape,
  checkTotalCount,
  checkWalkReturnsEachOrderOnce,
} from './conformance/listing-checks.js';
export { assertListingMatches, expectedListing } from './conformance/listing-comparison.js';
export { type ListingWalk, type WalkOptions, walkListing } from './conformance/listing-walk.js';
export {
  checkGetOrderAgreesWithListing,
  checkMissingOrderNotFound,
} from './conformance/lookup-checks.js';
export {
  firstOrderDifference,
  firstOrderDisagreement,
  type OrderDifference,
} from './conformance/order-difference.js';
export { checkSortDirections, checkUnsupportedSortRefused } from './conformance/sort-checks.js';
export {
  checkStatusMapCoversDocumentedStatuses,
  checkUndocumentedStatusMapsToUnknown,
  checkUnknownStatusEndToEnd,
  undocumentedStatus,
} from './conformance/status-checks.js';
export { deriveStatusMap } from './memory/derive-status-map.js';
export { makeOrder } from './memory/make-order.js';
export {
  createMemoryProvider,
  type MemoryCall,
  type MemoryOrderUpdate,
  type MemoryProvider,
  type MemoryProviderOptions,
} from './memory/memory-provider.js';
export {
  SAMPLE_RAW_STATUSES,
  type SampleOrdersOptions,
  sampleOrders,
} from './memory/sample-orders.js';
export {
  type LoopbackReceiver,
  type ReceivedRequest,
  type ReceiverAnswer,
  startLoopbackReceiver,
} from './webhooks/loopback-receiver.js';
