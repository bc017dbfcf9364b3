import { randomUUID } from 'node:crypto';
import {
  compareTimestamps,
  InvalidQueryError,
  isAbortError,
  type Order,
  OrderBridgeError,
  type OrderProvider,
  pages,
  redactSecrets,
  type Warning,
} from '@orderbridge/core';
import {
  DEFAULT_SCOPE,
  type OrderStore,
  type StoreScope,
  type SyncCounts,
  type SyncMode,
  type SyncProgress,
} from '../order-store.js';
import {
  DEFAULT_FULL_SWEEP_INTERVAL_MS,
  planRun,
  type RunPlan,
  type RunRequest,
  resumePlan,
  VANISH_MARGIN_MS,
} from './plan-run.js';

/** Options of {@link syncOrders}. */
export interface SyncOrdersOptions {
  /** The providers to sync (each by its `id`). */
  providers: readonly OrderProvider[];
  store: OrderStore;
  /** Namespace in the store (a service tenant); default `default`. */
  scope?: StoreScope;
  /**
   * `auto` (default): resume an interrupted run, else incremental where the provider declares how
   * and a full sweep has completed, else a full sweep. `full`: a full sweep now (an interrupted
   * incremental run is dropped; an interrupted full sweep is resumed).
   */
  mode?: 'auto' | 'full' | 'incremental';
  /** A full sweep runs when the last one is older than this; default 7 days; 0: never on schedule. */
  fullSweepIntervalMs?: number;
  /** Overrides the lookback window of `lookback` providers (FlexFactor: 30 days). */
  lookbackMs?: number;
  /** Overrides the overlap of `change-time` providers (FlexPortal: 10 minutes). */
  overlapMs?: number;
  /** Page size; default each provider's largest. */
  pageSize?: number;
  /** Pages in flight for page-number providers (default 4). */
  concurrency?: number;
  /**
   * Orders per transaction (default 5000 on SQLite, 1000 on PostgreSQL: `DEFAULT_COMMIT_EVERY`):
   * pages are committed together, with the position after the last of them, once this many
   * orders are read, every 2 s, at the end, and before a failure or an interruption is reported.
   * A run killed outright re-reads at most this many orders. The batch in hand is held in memory
   * until it commits, so a larger one costs memory.
   */
  commitEvery?: number;
  /** Stops every run between batches; an interrupted run resumes next time. */
  signal?: AbortSignal;
  /** Called after every committed batch and when a run starts or ends. */
  onProgress?: (event: SyncEvent) => void;
  /** Called once per distinct warning (unknown status, rejected record, ...). */
  onWarning?: (warning: Warning) => void;
  /** The clock (tests). */
  now?: () => Date;
}

/** What a sync reports while it runs. */
export type SyncEvent =
  | { type: 'start'; provider: string; mode: SyncMode; reason: string; resumed: boolean }
  | { type: 'batch'; provider: string; counts: SyncCounts; pages: number; totalCount?: number }
  | { type: 'end'; result: SyncResult };

/** The outcome of one provider's run. */
export interface SyncResult {
  provider: string;
  scope: StoreScope;
  runId: string;
  mode: SyncMode;
  /** Why this mode was chosen. */
  reason: string;
  /** Whether the run continued an interrupted one. */
  resumed: boolean;
  /** `completed`; `failed` (see `error`; progress kept); `interrupted` (the signal; progress kept). */
  outcome: 'completed' | 'failed' | 'interrupted';
  counts: SyncCounts;
  /** Provider pages fetched and applied by this run (including before an interruption). */
  pages: number;
  durationMs: number;
  /** The failure, when `outcome` is `failed`. */
  error?: Error;
}

/**
 * Orders committed per transaction at most (several provider pages) by store backend; see
 * `commitEvery`. Measured with `orderbridge sync` of 200,000 FlexFactor orders at 50 ms latency
 * (pages of 500), two interleaved runs each:
 * - SQLite: 5,000. `node:sqlite` writes on the sync's own thread, and every transaction rewrites
 *   each index page it touched, so fewer, larger transactions are faster: 1,000 took 19% longer
 *   (48.6 against 40.9 s; peak RSS 173 against 195 MB).
 * - PostgreSQL: 1,000. The batch in hand (orders, their documents, the statement's array
 *   parameters) is what fills the heap:
 *   1,000 took 10% less time than 5,000 (58.3 against 64.6 s) at 145 against 255 MB peak RSS,
 *   and at 1,000,000 orders (one run each) 266.9 against 285.3 s at 159 against 271 MB.
 */
export const DEFAULT_COMMIT_EVERY: Readonly<Record<OrderStore['dialect'], number>> = {
  sqlite: 5000,
  postgres: 1000,
};
/** A transaction commits at least this often while pages keep arriving. */
const COMMIT_INTERVAL_MS = 2000;

const ZERO_COUNTS: SyncCounts = {
  fetched: 0,
  created: 0,
  updated: 0,
  unchanged: 0,
  vanished: 0,
  rejected: 0,
};

/**
 * Syncs every provider into the store, all at once, and resolves with one result per provider (a
 * provider that fails does not stop the others; its result says why and its progress is kept).
 *
 * Exactly once in the store: each page is applied in one transaction together with the run's
 * progress (the cursor of the next page), so a run killed at any moment resumes after the last
 * committed page, and re-applying an order that did not change logs nothing.
 */
export async function syncOrders(options: SyncOrdersOptions): Promise<SyncResult[]> {
  const scope = options.scope ?? DEFAULT_SCOPE;
  const ids = new Set<string>();
  for (const provider of options.providers) {
    if (ids.has(provider.id)) {
      throw new InvalidQueryError({
        issues: [{ field: 'providers', message: `lists provider id "${provider.id}" twice` }],
      });
    }
    ids.add(provider.id);
  }
  return Promise.all(options.providers.map((provider) => syncProvider(provider, scope, options)));
}

async function syncProvider(
  provider: OrderProvider,
  scope: StoreScope,
  options: SyncOrdersOptions,
): Promise<SyncResult> {
  const now = options.now ?? (() => new Date());
  const started = performance.now();
  const { store } = options;
  const request: RunRequest = {
    mode: options.mode ?? 'auto',
    fullSweepIntervalMs: options.fullSweepIntervalMs ?? DEFAULT_FULL_SWEEP_INTERVAL_MS,
    lookbackMs: options.lookbackMs,
    overlapMs: options.overlapMs,
    pageSize: options.pageSize,
  };

  const state = await store.syncState(scope, provider.id);
  const interrupted = state?.progress ?? null;
  const resumes =
    interrupted !== null &&
    !(request.mode === 'full' && interrupted.mode !== 'full') &&
    !(request.mode === 'incremental' && interrupted.mode !== 'incremental');

  let plan: RunPlan;
  let progress: SyncProgress;
  if (resumes && state && interrupted) {
    plan = resumePlan(provider, state, interrupted, request);
    progress = interrupted;
  } else {
    plan = planRun(provider, state, request, now());
    progress = {
      runId: randomUUID(),
      mode: plan.mode,
      startedAt: now().toISOString(),
      cursor: null,
      query: plan.query,
      counts: { ...ZERO_COUNTS },
      requests: 0,
    };
    await store.beginRun(scope, provider.id, progress);
  }
  options.onProgress?.({
    type: 'start',
    provider: provider.id,
    mode: plan.mode,
    reason: plan.reason,
    resumed: resumes,
  });

  const result = (outcome: SyncResult['outcome'], error?: Error): SyncResult => ({
    provider: provider.id,
    scope,
    runId: progress.runId,
    mode: plan.mode,
    reason: plan.reason,
    resumed: resumes,
    outcome,
    counts: progress.counts,
    pages: progress.requests,
    durationMs: performance.now() - started,
    ...(error ? { error } : {}),
  });
  const finish = (outcome: SyncResult['outcome'], error?: Error): SyncResult => {
    const done = result(outcome, error);
    options.onProgress?.({ type: 'end', result: done });
    return done;
  };

  try {
    await walk(provider, scope, plan, progress, options, now, (committed) => {
      progress = committed;
    });
  } catch (error) {
    if (options.signal?.aborted && (isAbortError(error) || error === options.signal.reason)) {
      return finish('interrupted');
    }
    const failure = error instanceof Error ? error : new Error(String(error));
    await store.failRun(scope, provider.id, {
      message: redactSecrets(failure.message),
      code: OrderBridgeError.isInstance(failure) ? failure.name : null,
    });
    return finish('failed', failure);
  }
  if (options.signal?.aborted) return finish('interrupted');

  const vanishTo = new Date(Date.parse(progress.startedAt) - VANISH_MARGIN_MS).toISOString();
  const vanished = await store.finishRun({
    scope,
    provider: provider.id,
    runId: progress.runId,
    finishedAt: now().toISOString(),
    ...(plan.checksVanished
      ? { vanishedRange: { ...(plan.vanishFrom ? { from: plan.vanishFrom } : {}), to: vanishTo } }
      : {}),
    // Every change before the run started has been read (or, for a lookback run, everything a
    // lookback run can read): the next change-time walk may stop there, minus its overlap.
    watermark: progress.startedAt,
    fullSweep: plan.mode === 'full',
    counts: progress.counts,
    requests: progress.requests,
  });
  progress = { ...progress, counts: { ...progress.counts, vanished } };
  return finish('completed');
}

/**
 * Walks the run's listing from its cursor, committing several pages per transaction.
 * `onCommitted` hears the run's progress after every commit, the only way it is reported: what
 * a completed run has read, and what a failed one has kept.
 */
async function walk(
  provider: OrderProvider,
  scope: StoreScope,
  plan: RunPlan,
  initial: SyncProgress,
  options: SyncOrdersOptions,
  now: () => Date,
  onCommitted: (progress: SyncProgress) => void,
): Promise<void> {
  let progress = initial;
  const query = progress.cursor ? { ...plan.query, cursor: progress.cursor } : plan.query;
  const listing = pages(provider, query, {
    signal: options.signal,
    concurrency: options.concurrency,
    onWarning: (warning) => {
      if (warning.code === 'invalid-record') {
        progress = {
          ...progress,
          counts: { ...progress.counts, rejected: progress.counts.rejected + 1 },
        };
      }
      options.onWarning?.(warning);
    },
  });
  const commitEvery = options.commitEvery ?? DEFAULT_COMMIT_EVERY[options.store.dialect];
  // Pages read but not yet committed, and the position after the last of them.
  let pending: Order[] = [];
  let pendingPages = 0;
  let pendingCursor = progress.cursor;
  let pendingFetched = 0;
  let totalCount: number | undefined;
  let lastCommitAt = performance.now();
  const commit = async () => {
    if (pendingPages === 0) return;
    const counts = { ...progress.counts, fetched: progress.counts.fetched + pendingFetched };
    const next: SyncProgress = {
      ...progress,
      cursor: pendingCursor,
      counts,
      requests: progress.requests + pendingPages,
    };
    const applied = await options.store.applyBatch({
      scope,
      provider: provider.id,
      runId: progress.runId,
      observedAt: now().toISOString(),
      orders: pending,
      progress: next,
    });
    progress = {
      ...next,
      counts: {
        ...counts,
        created: counts.created + applied.created,
        updated: counts.updated + applied.updated,
        unchanged: counts.unchanged + applied.unchanged,
      },
    };
    onCommitted(progress);
    pending = [];
    pendingPages = 0;
    pendingFetched = 0;
    lastCommitAt = performance.now();
    options.onProgress?.({
      type: 'batch',
      provider: provider.id,
      counts: progress.counts,
      pages: progress.requests,
      ...(totalCount !== undefined ? { totalCount } : {}),
    });
  };
  try {
    for await (const page of listing) {
      // A change-time walk is sorted newest change first: once a page reaches past the watermark
      // (minus overlap), every later page holds only orders the store already has.
      const reachesKnown =
        plan.stopBefore !== null &&
        page.orders.some(
          (order) =>
            order.updatedAt === null ||
            compareTimestamps(order.updatedAt, plan.stopBefore ?? '') < 0,
        );
      const isLast = page.nextCursor === null || reachesKnown;
      for (const order of page.orders) pending.push(order);
      pendingPages += 1;
      pendingFetched += page.orders.length;
      // The position after this page; a finished walk keeps its last cursor (finishRun clears it).
      if (!isLast) pendingCursor = page.nextCursor;
      if (page.totalCount !== undefined) totalCount = page.totalCount;
      // Several pages per transaction: every transaction rewrites the index pages it touched, so
      // one per provider page would write each index page many times over.
      if (
        isLast ||
        pending.length >= commitEvery ||
        performance.now() - lastCommitAt >= COMMIT_INTERVAL_MS ||
        options.signal?.aborted
      ) {
        await commit();
      }
      if (isLast || options.signal?.aborted) break;
    }
  } catch (error) {
    // Keep what was read before the failure: the next run resumes after it.
    await commit();
    throw error;
  }
  await commit();
}

/** The counts of a run that did nothing yet. */
export function emptyCounts(): SyncCounts {
  return { ...ZERO_COUNTS };
}
