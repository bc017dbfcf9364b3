import { NotFoundError, type Order, type OrderClient } from '@orderbridge/core';
import type { OrderStore } from '@orderbridge/store';
import type { ServiceLogger } from '../observability/logger.js';

/** One order to re-fetch and write into a store scope. */
export interface RefreshRequest {
  /** The tenant, for logs. */
  tenantId: string;
  /** The tenant's client: the order is read through it (`client.get`), with its credentials. */
  client: OrderClient;
  /** The tenant's store scope. */
  scope: string;
  /** The provider id (`flexfactor`). */
  provider: string;
  /** The provider's order id, already checked with core's `orderIdProblem`. */
  orderId: string;
  /** Why (the webhook's event), for logs. */
  reason: string;
  /** The request that asked, for logs and the change log's `runId`. */
  requestId: string;
}

/** Settings of {@link createOrderRefresher}. */
export interface OrderRefresherSettings {
  store: OrderStore;
  logger: ServiceLogger;
  /** Waits before the 2nd, 3rd, … attempt of a failed refresh, in ms (default 1 s, 5 s, 15 s). */
  retryDelaysMs?: readonly number[] | undefined;
  /** Refreshes running at once (default 4). */
  concurrency?: number | undefined;
  /** Time one upstream read may take, in ms (default 30 s). */
  attemptTimeoutMs?: number | undefined;
}

/** Re-fetches orders in the background and writes them into the store. */
export interface OrderRefresher {
  /**
   * Schedules a refresh. A refresh of the same order that is waiting absorbs this one
   * (`coalesced`); one already reading gets one more read after it, so an event that arrived while
   * the order was read is never answered with the state from before it.
   */
  enqueue(request: RefreshRequest): 'queued' | 'coalesced';
  /** Resolves when nothing is queued, running or waiting for a retry (for tests). */
  idle(): Promise<void>;
  /** Stops: waiting refreshes and retries are dropped (logged), running ones finish. */
  close(): Promise<void>;
}

/** Half the width of the creation-time window a listing view is looked for in. */
const LISTING_WINDOW_MS = 1000;
/** Pages of that window read at most (orders created within a second of each other are few). */
const LISTING_PAGES = 5;

/**
 * The order as the provider's listing shows it, or undefined when the listing does not show it.
 * Why: a sync stores orders as listings show them, and a provider's single-order view can carry
 * more (FlexFactor's detail adds the customer's address and spells status names in capitals); a
 * refresh that stored the single-order view would log a change that is no change, and the next
 * sync would log one back. The listing is read around the order's creation time, which every
 * provider can filter by (pushed down or finished by core), so it costs one more request.
 */
async function listingView(
  request: RefreshRequest,
  detail: Order,
  signal: AbortSignal,
): Promise<Order | undefined> {
  const createdAt = Date.parse(detail.createdAt);
  if (Number.isNaN(createdAt)) return undefined;
  let cursor: string | undefined;
  for (let page = 0; page < LISTING_PAGES; page++) {
    const result = await request.client.list(
      {
        createdFrom: new Date(createdAt - LISTING_WINDOW_MS).toISOString(),
        createdTo: new Date(createdAt + LISTING_WINDOW_MS).toISOString(),
        limit: 100,
        ...(cursor !== undefined ? { cursor } : {}),
      },
      { providers: [request.provider], signal },
    );
    const found = result.orders.find((order) => order.key === detail.key);
    if (found !== undefined || result.nextCursor === null) return found;
    cursor = result.nextCursor;
  }
  return undefined;
}

/** Default waits before retries of a failed refresh. */
export const DEFAULT_REFRESH_RETRY_DELAYS_MS = [1000, 5000, 15_000] as const;

interface Entry {
  request: RefreshRequest;
  state: 'queued' | 'running' | 'retrying';
  /** A webhook came while it was running: read once more when done. */
  again: boolean;
  attempt: number;
  timer?: NodeJS.Timeout;
}

/**
 * Creates the refresher: a small in-memory queue keyed by (scope, provider, order id), so a burst
 * of webhooks about one order costs one read. Each refresh reads the order through the tenant's
 * client (`get`, then the listing around its creation time, so the stored document is the one a
 * sync stores) and writes it with `store.refreshOrders`, the store's normal change-writing path, so a
 * change gets its change-log entry. A failed read or write is retried after each of
 * `retryDelaysMs`, then given up and logged; the next sync run is the backstop (the queue is not
 * persisted: a restart drops what was waiting).
 */
export function createOrderRefresher(settings: OrderRefresherSettings): OrderRefresher {
  const { store, logger } = settings;
  const retryDelays = settings.retryDelaysMs ?? DEFAULT_REFRESH_RETRY_DELAYS_MS;
  const concurrency = settings.concurrency ?? 4;
  const attemptTimeoutMs = settings.attemptTimeoutMs ?? 30_000;
  const entries = new Map<string, Entry>();
  const ready: string[] = [];
  let running = 0;
  let closed = false;
  let idleWaiters: Array<() => void> = [];

  const keyOf = (request: RefreshRequest) =>
    `${request.scope}\u0000${request.provider}\u0000${request.orderId}`;

  const settleIdle = () => {
    if (entries.size > 0) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const resolve of waiters) resolve();
  };

  const pump = () => {
    while (!closed && running < concurrency && ready.length > 0) {
      const key = ready.shift() as string;
      const entry = entries.get(key);
      if (entry === undefined) continue;
      running++;
      void run(key, entry).finally(() => {
        running--;
        pump();
        settleIdle();
      });
    }
  };

  const run = async (key: string, entry: Entry): Promise<void> => {
    entry.state = 'running';
    entry.again = false;
    entry.attempt++;
    const { request } = entry;
    const log = {
      tenant: request.tenantId,
      provider: request.provider,
      orderId: request.orderId,
      event: request.reason,
      requestId: request.requestId,
    };
    try {
      const signal = AbortSignal.timeout(attemptTimeoutMs);
      const detail = await request.client.get(`${request.provider}:${request.orderId}`, {
        signal,
      });
      const order = (await listingView(request, detail, signal)) ?? detail;
      const result = await store.refreshOrders({
        scope: request.scope,
        provider: request.provider,
        orders: [order],
        observationId: `webhook:${request.provider}:${request.requestId}`,
        observedAt: new Date().toISOString(),
      });
      logger.info({ ...log, attempt: entry.attempt, ...result }, 'webhook refresh written');
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (NotFoundError.isInstance(error)) {
        // Absent upstream: nothing to write; the next sweep marks it vanished if it stays away.
        logger.warn({ ...log, error: message }, 'webhook refresh: the provider has no such order');
      } else if (entry.attempt <= retryDelays.length && !closed) {
        const delay = retryDelays[entry.attempt - 1] as number;
        logger.warn(
          { ...log, attempt: entry.attempt, retryInMs: delay, error: message },
          'webhook refresh failed; retrying',
        );
        entry.state = 'retrying';
        entry.timer = setTimeout(() => {
          entry.timer = undefined;
          entry.state = 'queued';
          ready.push(key);
          pump();
        }, delay);
        entry.timer.unref();
        return;
      } else {
        logger.error(
          { ...log, attempts: entry.attempt, error: message },
          'webhook refresh failed; giving up (the next sync run reads the order)',
        );
      }
    }
    if (entry.again && !closed) {
      // A webhook arrived while this one read: read once more, from the first attempt.
      entry.state = 'queued';
      entry.attempt = 0;
      ready.push(key);
      return;
    }
    entries.delete(key);
  };

  return {
    enqueue(request) {
      const key = keyOf(request);
      const existing = entries.get(key);
      if (existing !== undefined) {
        if (existing.state === 'running') existing.again = true;
        return 'coalesced';
      }
      if (closed) {
        logger.warn(
          { tenant: request.tenantId, orderId: request.orderId, requestId: request.requestId },
          'webhook refresh dropped: shutting down (the next sync run reads the order)',
        );
        return 'coalesced';
      }
      entries.set(key, { request, state: 'queued', again: false, attempt: 0 });
      ready.push(key);
      pump();
      return 'queued';
    },
    idle() {
      if (entries.size === 0) return Promise.resolve();
      return new Promise<void>((resolve) => idleWaiters.push(resolve));
    },
    async close() {
      closed = true;
      for (const [key, entry] of entries) {
        if (entry.state === 'running') continue;
        if (entry.timer) clearTimeout(entry.timer);
        entries.delete(key);
        logger.warn(
          { tenant: entry.request.tenantId, orderId: entry.request.orderId },
          'webhook refresh dropped at shutdown (the next sync run reads the order)',
        );
      }
      ready.length = 0;
      settleIdle();
      await this.idle();
    },
  };
}
