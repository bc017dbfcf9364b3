export { createOrderStore, type OrderStoreSettings } from './create-order-store.js';
export * from './jobs/index.js';
export * from './order-store.js';
export * from './reports/index.js';
export { StoreUnavailableError } from './store-unavailable-error.js';
export { DATABASE_URL_VARIABLE, describeStoreUrl } from './store-url.js';
export {
  DEFAULT_FULL_SWEEP_INTERVAL_MS,
  formatDuration,
  planRun,
  type RunPlan,
  type RunRequest,
  VANISH_MARGIN_MS,
} from './sync/plan-run.js';
export {
  emptyCounts,
  type SyncEvent,
  type SyncOrdersOptions,
  type SyncResult,
  syncOrders,
} from './sync/sync-orders.js';
export * from './webhooks/index.js';
