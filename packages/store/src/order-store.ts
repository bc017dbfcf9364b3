import type { Order, OrderQuery } from '@orderbridge/core';

/**
 * A namespace inside one database: a service tenant, or `default`. Two scopes may hold orders with
 * the same key (two accounts of `flexportal`) without seeing each other's.
 */
export type StoreScope = string;

/** The scope used when none is given. */
export const DEFAULT_SCOPE: StoreScope = 'default';

/** Kinds of entry in the change log. */
export const CHANGE_KINDS = ['created', 'updated', 'vanished'] as const;
/** A kind of entry in the change log. */
export type ChangeKind = (typeof CHANGE_KINDS)[number];

/** One field's move, in a change-log entry. */
export interface FieldChange<T> {
  from: T;
  to: T;
}

/**
 * What changed in an `updated` entry: each status dimension, the totals and fulfilment progress
 * when they moved, and the names of every other top-level canonical field that differs.
 */
export interface OrderDiff {
  status?: FieldChange<Order['status']>;
  paymentStatus?: FieldChange<Order['paymentStatus']>;
  fulfillmentStatus?: FieldChange<Order['fulfillmentStatus']>;
  providerStatus?: FieldChange<Order['providerStatus']>;
  totals?: FieldChange<Order['totals']>;
  fulfillment?: FieldChange<Order['fulfillment']>;
  /** A vanished order that a later sweep saw again. */
  reappeared?: true;
  /** Top-level canonical fields that differ (including the ones above). */
  fields: string[];
}

/** One entry of the change log. `seq` grows monotonically in commit order. */
export interface ChangeEntry {
  seq: number;
  scope: StoreScope;
  key: string;
  provider: string;
  kind: ChangeKind;
  /** Present for `updated`; null for `created` and `vanished`. */
  diff: OrderDiff | null;
  /** ISO 8601 UTC time the change was observed (written). */
  observedAt: string;
  /** The sync run that observed it. */
  runId: string;
}

/** Selects change-log entries (keyset by `seq`). */
export interface ChangeQuery {
  scope?: StoreScope;
  /** Entries with `seq` strictly greater than this (default 0). */
  after?: number;
  /** At most this many entries (default 100, at most 1000). */
  limit?: number;
  provider?: string | readonly string[];
  kind?: ChangeKind | readonly ChangeKind[];
}

/** An order as the store holds it: the canonical document plus bookkeeping. */
export interface StoredOrder {
  order: Order;
  /** ISO 8601 UTC times. */
  firstSeenAt: string;
  lastSeenAt: string;
  lastChangedAt: string;
  /** When a full sweep last missed it; null while the provider still lists it. */
  vanishedAt: string | null;
  /** Hash of the canonical content (without `raw`); a row changes only when it changes. */
  contentHash: string;
}

/** The kind of a sync run. */
export type SyncMode = 'full' | 'incremental';

/**
 * A run in progress, written in the same transaction as every batch it covers, so a run killed at
 * any moment resumes from the page after the last committed batch.
 */
export interface SyncProgress {
  runId: string;
  mode: SyncMode;
  /** ISO 8601 UTC start of the run (the next watermark once it completes). */
  startedAt: string;
  /** The provider cursor of the next page to fetch; null before the first page is committed. */
  cursor: string | null;
  /** The canonical query the run walks (without cursor); the resume must walk the same one. */
  query: OrderQuery;
  /** Counts so far. */
  counts: SyncCounts;
  /** Upstream requests so far. */
  requests: number;
}

/** What a run did, per order. */
export interface SyncCounts {
  fetched: number;
  created: number;
  updated: number;
  unchanged: number;
  vanished: number;
  /** Records the provider sent that failed validation (reported as warnings, not stored). */
  rejected: number;
}

/** The store's memory of one provider's syncing. */
export interface SyncState {
  scope: StoreScope;
  provider: string;
  /** ISO 8601 UTC: every change at the provider before this time is in the store. */
  watermark: string | null;
  /** The run in progress (or interrupted), if any. */
  progress: SyncProgress | null;
  lastRun: {
    runId: string;
    mode: SyncMode;
    startedAt: string;
    finishedAt: string;
    counts: SyncCounts;
    requests: number;
  } | null;
  /** ISO 8601 UTC end of the last completed full sweep. */
  lastFullSweepAt: string | null;
  /** The last run's failure, if it failed (message only: no secrets, no upstream URLs). */
  lastError: { at: string; message: string; code: string | null } | null;
}

/** One batch of fetched orders, applied in one transaction. */
export interface SyncBatch {
  scope?: StoreScope;
  provider: string;
  runId: string;
  /** ISO 8601 UTC time the batch was observed. */
  observedAt: string;
  orders: readonly Order[];
  /**
   * The run's progress after this batch, committed with it. Its counts do not yet include this
   * batch's outcome: the store adds the batch's created / updated / unchanged to `progress.counts`
   * before writing, so a resumed run continues with exact counts.
   */
  progress: SyncProgress;
}

/** What applying one batch did. */
export interface BatchResult {
  created: number;
  updated: number;
  unchanged: number;
}

/**
 * Orders observed outside a sync run (an incoming webhook made us re-fetch them), written through
 * the same change-writing path as a sync batch.
 */
export interface ObservedOrders {
  scope?: StoreScope;
  provider: string;
  /**
   * Names the observation in the change log's `runId` (e.g. `webhook:flexfactor:…`): what wrote a
   * change, as a sync run's id does for its batches.
   */
  observationId: string;
  /** ISO 8601 UTC time the orders were observed. */
  observedAt: string;
  orders: readonly Order[];
}

/** Closes a run: marks what a sweep did not see as vanished and moves the watermark. */
export interface FinishRun {
  scope?: StoreScope;
  provider: string;
  runId: string;
  finishedAt: string;
  /**
   * Orders of this provider last seen by another run, created inside this range, are marked
   * vanished (one `vanished` entry each). Omitted: nothing is marked (an incremental run by change
   * time cannot tell). `from` omitted means no lower bound (a full sweep).
   */
  vanishedRange?: { from?: string; to: string };
  /** The new watermark (null keeps the current one). */
  watermark: string | null;
  /** Whether this run was a full sweep (moves `lastFullSweepAt`). */
  fullSweep: boolean;
  /** The run's counts; `vanished` is recorded as the number this call marks. */
  counts: SyncCounts;
  requests: number;
}

/** Store-side listing: the canonical query, scoped, over a set of providers. */
export interface StoreListQuery {
  scope?: StoreScope;
  /** Providers to read; all of the scope when omitted. */
  providers?: readonly string[];
  /** Include vanished orders (default false). */
  includeVanished?: boolean;
  query: OrderQuery;
}

/** A page read from the store. */
export interface StorePage {
  orders: Order[];
  /** Keyset cursor (opaque, unsigned: callers that hand it out sign it). */
  nextCursor: string | null;
}

/** A migration's state. */
export interface MigrationState {
  name: string;
  executedAt: string | null;
}

/**
 * Orders at rest. Every write that changes an order logs the change in the same transaction; the
 * change log's sequence is the one source of the change feed.
 */
export interface OrderStore {
  /** `sqlite` or `postgres`. */
  readonly dialect: 'sqlite' | 'postgres';
  /** Applied and pending migrations. */
  migrations(): Promise<MigrationState[]>;
  /** Applies pending migrations (done on open); returns the names applied now. */
  migrate(): Promise<string[]>;

  /**
   * Upserts a batch by key in one transaction: a new key is `created`, a content difference is
   * `updated` (with its diff), the same content only refreshes `lastSeenAt`. The run's progress is
   * written in the same transaction.
   */
  applyBatch(batch: SyncBatch): Promise<BatchResult>;
  /**
   * Writes orders observed outside a sync run (re-fetched after an incoming webhook) exactly as
   * `applyBatch` writes a batch — same diff, hash and change-log rules, same locks — but touches
   * no run: a sync run in progress keeps its position and counts, and an order it already saw
   * keeps counting as seen by it (its vanish check is not disturbed). A new order is recorded as
   * seen by the observation, so the next sweep that misses it marks it vanished.
   */
  refreshOrders(observed: ObservedOrders): Promise<BatchResult>;
  /** Starts a run: records its progress (replacing an interrupted one). */
  beginRun(scope: StoreScope, provider: string, progress: SyncProgress): Promise<void>;
  /** Completes a run in one transaction; returns how many orders were marked vanished. */
  finishRun(finish: FinishRun): Promise<number>;
  /** Records a failed run (progress is kept, so the next run resumes). */
  failRun(
    scope: StoreScope,
    provider: string,
    error: { message: string; code: string | null },
  ): Promise<void>;
  /** One provider's sync state in a scope; null before anything was recorded for it. */
  syncState(scope: StoreScope, provider: string): Promise<SyncState | null>;
  /** Every provider's sync state in a scope, or in every scope when none is given. */
  syncStates(scope?: StoreScope): Promise<SyncState[]>;

  getOrder(key: string, scope?: StoreScope): Promise<StoredOrder | null>;
  listOrders(query: StoreListQuery): Promise<StorePage>;
  /** Orders held and not vanished, in a scope (default `default`), of one or every provider. */
  countOrders(scope?: StoreScope, provider?: string): Promise<number>;
  listChanges(query: ChangeQuery): Promise<ChangeEntry[]>;

  close(): Promise<void>;
}
