export { LeaseLostError } from './lease-lost-error.js';
export {
  DEFAULT_LEASE_TIMEOUT_MS,
  DEFAULT_POLL_MS,
  type RunSyncWorkerOptions,
  runSyncWorker,
  type SyncWorkerEvent,
  type SyncWorkerJob,
} from './run-sync-worker.js';
export type { StoreFence } from './store-fence.js';
export {
  createSyncJobQueue,
  overlappingLeases,
  type SyncJobKey,
  type SyncJobLease,
  type SyncJobLeaseRecord,
  type SyncJobOutcome,
  type SyncJobQueue,
  type SyncJobState,
} from './sync-job-queue.js';
