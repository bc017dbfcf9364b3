import type { OrderProvider, OrderQuery } from '@orderbridge/core';
import type { SyncMode, SyncProgress, SyncState } from '../order-store.js';

/** How often a full sweep runs when nothing says otherwise: once a week. */
export const DEFAULT_FULL_SWEEP_INTERVAL_MS = 7 * 24 * 60 * 60_000;

/**
 * How much earlier than a run's start a sweep's vanish check stops: an order created after that
 * (by the provider's clock) may legitimately be missing from a listing pinned at the run's start.
 */
export const VANISH_MARGIN_MS = 5 * 60_000;

/** What the caller asks of one run. */
export interface RunRequest {
  /** `auto` (default): incremental when the provider and the store allow it, full otherwise. */
  mode: 'auto' | 'full' | 'incremental';
  /** Full sweep when the last one is older than this (0: never on schedule). */
  fullSweepIntervalMs: number;
  /** Overrides the provider's lookback window (`lookback` providers). */
  lookbackMs?: number | undefined;
  /** Overrides the provider's overlap (`change-time` providers). */
  overlapMs?: number | undefined;
  /** Page size; default the provider's largest. */
  pageSize?: number | undefined;
}

/** A run decided: what to walk and how to close it. */
export interface RunPlan {
  mode: SyncMode;
  /** Why this mode (for people: "no completed full sweep yet", "--full", ...). */
  reason: string;
  query: OrderQuery;
  /**
   * For an incremental walk by change time: orders changed before this (ISO) are known, so the
   * walk stops at the first page that reaches past it.
   */
  stopBefore: string | null;
  /** Lower `createdAt` bound of the vanish check (a lookback window); undefined: none. */
  vanishFrom: string | undefined;
  /** Whether the run checks for vanished orders at all. */
  checksVanished: boolean;
}

/**
 * Decides what a new run of `provider` does, from what the store remembers. A provider that
 * declares no incremental sync, or that has never completed a full sweep, gets a full sweep; so
 * does one whose last full sweep is older than the interval.
 * @throws Error when `incremental` is demanded of a provider that cannot do it
 */
export function planRun(
  provider: OrderProvider,
  state: SyncState | null,
  request: RunRequest,
  now: Date,
): RunPlan {
  const pageSize = request.pageSize ?? provider.capabilities.maxPageSize;
  const incremental = provider.capabilities.incrementalSync;
  const full = (reason: string): RunPlan => ({
    mode: 'full',
    reason,
    query: { sort: { field: 'createdAt', direction: 'desc' }, limit: pageSize },
    stopBefore: null,
    vanishFrom: undefined,
    checksVanished: true,
  });

  if (request.mode === 'full') return full('a full sweep was asked for');
  if (!incremental) {
    if (request.mode === 'incremental') {
      throw new Error(
        `${provider.id} declares no incremental sync (no change time, no lookback window); it can only be synced by full sweeps`,
      );
    }
    return full(`${provider.id} declares no incremental sync`);
  }
  if (!state?.lastFullSweepAt) return full('no completed full sweep yet');
  if (
    request.mode === 'auto' &&
    request.fullSweepIntervalMs > 0 &&
    now.getTime() - Date.parse(state.lastFullSweepAt) >= request.fullSweepIntervalMs
  ) {
    return full('the last full sweep is older than the sweep interval');
  }

  if (incremental.strategy === 'change-time') {
    if (!state.watermark) return full('no watermark yet');
    const overlapMs = request.overlapMs ?? incremental.overlapMs;
    return {
      mode: 'incremental',
      reason: `changes since ${state.watermark} (minus ${formatDuration(overlapMs)} overlap)`,
      query: { sort: { field: incremental.field, direction: 'desc' }, limit: pageSize },
      stopBefore: new Date(Date.parse(state.watermark) - overlapMs).toISOString(),
      vanishFrom: undefined,
      checksVanished: false,
    };
  }

  const windowMs = request.lookbackMs ?? incremental.windowMs;
  const from = new Date(now.getTime() - windowMs).toISOString();
  return {
    mode: 'incremental',
    reason: `orders created in the last ${formatDuration(windowMs)}`,
    query: { createdFrom: from, sort: { field: 'createdAt', direction: 'desc' }, limit: pageSize },
    stopBefore: null,
    vanishFrom: from,
    checksVanished: true,
  };
}

/**
 * The plan of a run being resumed: the same walk (its query is in the progress), the same
 * stopping point (the watermark has not moved while it was interrupted).
 */
export function resumePlan(
  provider: OrderProvider,
  state: SyncState,
  progress: SyncProgress,
  request: RunRequest,
): RunPlan {
  const incremental = provider.capabilities.incrementalSync;
  const isChangeTimeWalk =
    progress.mode === 'incremental' && incremental?.strategy === 'change-time' && state.watermark;
  const overlapMs =
    incremental?.strategy === 'change-time' ? (request.overlapMs ?? incremental.overlapMs) : 0;
  return {
    mode: progress.mode,
    reason: `resuming run ${progress.runId} started at ${progress.startedAt}`,
    query: progress.query,
    stopBefore:
      isChangeTimeWalk && state.watermark
        ? new Date(Date.parse(state.watermark) - overlapMs).toISOString()
        : null,
    vanishFrom: progress.mode === 'incremental' ? progress.query.createdFrom : undefined,
    checksVanished: progress.mode === 'full' || incremental?.strategy === 'lookback',
  };
}

/** `30d`, `10m`, `90s`, `250ms`: the largest whole unit. */
export function formatDuration(ms: number): string {
  const units: Array<[string, number]> = [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ];
  for (const [unit, size] of units) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}
