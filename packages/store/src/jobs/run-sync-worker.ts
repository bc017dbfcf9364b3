import { type OrderProvider, sleep } from '@orderbridge/core';
import type { OrderStore, StoreScope, SyncMode } from '../order-store.js';
import { type SyncOrdersOptions, type SyncResult, syncOrders } from '../sync/sync-orders.js';
import { LeaseLostError } from './lease-lost-error.js';
import {
  createSyncJobQueue,
  type SyncJobKey,
  type SyncJobLease,
  type SyncJobOutcome,
} from './sync-job-queue.js';

/** A job a worker can run: a provider (with the credentials of its scope) and the scope. */
export interface SyncWorkerJob {
  scope: StoreScope;
  provider: OrderProvider;
}

/** Default lease timeout: a dead worker's job is taken over this long after its last heartbeat. */
export const DEFAULT_LEASE_TIMEOUT_MS = 30_000;
/** Default time between two looks for a due job when none was free. */
export const DEFAULT_POLL_MS = 1000;

/** Options of {@link runSyncWorker}. */
export interface RunSyncWorkerOptions {
  /** A store opened with `createOrderStore` on PostgreSQL. */
  store: OrderStore;
  /** The jobs this worker can run (it registers them, and takes only these). */
  jobs: readonly SyncWorkerJob[];
  /** Names this worker in leases and logs (e.g. host:pid); unique in the cluster. */
  workerId: string;
  /** Time between two completed runs of a job, cluster-wide. */
  intervalMs: number;
  /** Jobs run at once by this worker (default 1). */
  concurrency?: number;
  /** Lease length, renewed every third of it while the job runs (default 30 s). */
  leaseTimeoutMs?: number;
  /** Time between two looks for a due job when none was free (default 1 s, with jitter). */
  pollMs?: number;
  /** A failed run is due again after this long (default the interval, at most 1 minute). */
  retryMs?: number;
  /** Settings passed to each run of `syncOrders`. */
  sync?: Pick<
    SyncOrdersOptions,
    'fullSweepIntervalMs' | 'lookbackMs' | 'overlapMs' | 'pageSize' | 'concurrency' | 'commitEvery'
  >;
  /**
   * Further loops this worker runs next to the sync jobs until the signal (the webhook deliverer,
   * for instance); each gets the signal and should resolve soon after it aborts. A loop that
   * rejects is reported as an `error` event and not restarted.
   */
  alongside?: ReadonlyArray<(signal: AbortSignal) => Promise<void>>;
  /** Stops the worker: each running job commits the batch in hand, releases its lease, and the promise resolves. */
  signal: AbortSignal;
  /** Called for each job start and end, lost lease and unexpected error. */
  onEvent?: (event: SyncWorkerEvent) => void;
}

/** What a worker reports. */
export type SyncWorkerEvent =
  | {
      type: 'job-start';
      lease: SyncJobLease;
      mode: SyncMode;
      reason: string;
      /** The run continues an interrupted one (its checkpoint). */
      resumed: boolean;
    }
  | { type: 'job-end'; lease: SyncJobLease; outcome: SyncJobOutcome; result: SyncResult }
  | { type: 'lease-lost'; lease: SyncJobLease }
  | { type: 'error'; error: Error };

const keyOf = (job: SyncJobKey) => `${job.scope}\u0000${job.provider}`;

/**
 * Runs sync jobs from the PostgreSQL job queue until the signal aborts: registers its jobs, then
 * in each of `concurrency` slots takes a due job's lease, renews it while `syncOrders` runs with
 * the store fenced by it, and releases it with the outcome (which sets the job's next due time
 * for the whole cluster). A lease lost to another worker stops the run at once: its writes are
 * refused by the fence, and the new holder resumes from the checkpoint.
 * @throws TypeError when the store is not PostgreSQL or two jobs repeat a (scope, provider).
 */
export async function runSyncWorker(options: RunSyncWorkerOptions): Promise<void> {
  const queue = createSyncJobQueue(options.store);
  const byKey = new Map<string, SyncWorkerJob>();
  for (const job of options.jobs) {
    const key = keyOf({ scope: job.scope, provider: job.provider.id });
    if (byKey.has(key)) {
      throw new TypeError(`The job ${job.scope}/${job.provider.id} is listed twice`);
    }
    byKey.set(key, job);
  }
  const keys = options.jobs.map((job) => ({ scope: job.scope, provider: job.provider.id }));
  const leaseMs = options.leaseTimeoutMs ?? DEFAULT_LEASE_TIMEOUT_MS;
  const pollMs = options.pollMs ?? DEFAULT_POLL_MS;
  const retryMs = options.retryMs ?? Math.min(options.intervalMs, 60_000);
  const { signal } = options;
  const report = (event: SyncWorkerEvent) => options.onEvent?.(event);
  const asError = (error: unknown) => (error instanceof Error ? error : new Error(String(error)));

  await queue.register(keys, options.intervalMs);

  const runJob = async (lease: SyncJobLease, job: SyncWorkerJob): Promise<void> => {
    // Aborted by the worker's signal (finish the batch in hand, release) or by a lost lease.
    const controller = new AbortController();
    const stop = () => controller.abort(signal.reason);
    signal.addEventListener('abort', stop, { once: true });
    let lost = false;
    const heartbeat = (async () => {
      while (!controller.signal.aborted) {
        try {
          await sleep(leaseMs / 3, controller.signal);
        } catch {
          return;
        }
        // A failed renewal (database unreachable for a moment) is retried at the next beat; the
        // fence keeps the store safe if the lease expires meanwhile and another worker takes it.
        const renewed = await queue.renew(lease, leaseMs).catch(() => true);
        if (!renewed) {
          lost = true;
          controller.abort(new LeaseLostError({ message: 'lease taken over' }));
        }
      }
    })();
    let outcome: SyncJobOutcome = 'failed';
    try {
      const [result] = await syncOrders({
        ...options.sync,
        providers: [job.provider],
        store: queue.fencedStore(lease),
        scope: job.scope,
        signal: controller.signal,
        onProgress: (event) => {
          if (event.type === 'start') {
            report({
              type: 'job-start',
              lease,
              mode: event.mode,
              reason: event.reason,
              resumed: event.resumed,
            });
          }
        },
      });
      // One provider, one result; without one the run is treated as failed (retried later).
      if (result !== undefined) {
        outcome = result.outcome;
        if (!lost) report({ type: 'job-end', lease, outcome, result });
      }
    } catch (error) {
      if (LeaseLostError.isInstance(error)) lost = true;
      else report({ type: 'error', error: asError(error) });
    } finally {
      signal.removeEventListener('abort', stop);
      controller.abort();
      await heartbeat;
    }
    if (lost) {
      report({ type: 'lease-lost', lease });
      return;
    }
    await queue.release(lease, outcome, retryMs).catch((error: unknown) => {
      // Not released: the lease expires after its timeout and the job is taken over then.
      report({ type: 'error', error: asError(error) });
    });
  };

  const slot = async (): Promise<void> => {
    while (!signal.aborted) {
      let lease: SyncJobLease | null = null;
      try {
        lease = await queue.acquire(options.workerId, keys, leaseMs);
      } catch (error) {
        report({ type: 'error', error: asError(error) });
      }
      const job = lease && byKey.get(keyOf(lease));
      if (lease && job) {
        await runJob(lease, job);
        continue;
      }
      // Jitter, so that workers started together do not all look at the same moment.
      await sleep(pollMs * (0.5 + Math.random()), signal).catch(() => {});
    }
  };

  const loops = (options.alongside ?? []).map((loop) =>
    loop(signal).catch((error: unknown) => report({ type: 'error', error: asError(error) })),
  );
  const slots = Array.from({ length: Math.max(1, options.concurrency ?? 1) }, () => slot());
  await Promise.all([...slots, ...loops]);
}
