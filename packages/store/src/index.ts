export * from './order-store.js';
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
