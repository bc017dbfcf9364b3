import { NotFoundError, type Order, type OrderIteration, type OrderQuery } from '@orderbridge/core';
import type { OrderStore, StorePage } from '@orderbridge/store';
import type { CommandContext } from '../commands/command-context.js';
import type { OrderFlagValues } from '../commands/order-flags.js';
import type { ResolvedConfig } from '../config/resolve-config.js';
import { UsageError } from '../errors/usage-error.js';
import { withStore } from './open-store.js';

/**
 * Refuses `--database` on a live read, where it would silently do nothing.
 * @throws UsageError
 */
export function checkLiveOnly(flags: OrderFlagValues, command: string): void {
  if (flags.database !== undefined) {
    throw new UsageError('--database only applies with --source store.', {
      hint: `Add --source store to read the order store. Run "${command} --help" for usage.`,
    });
  }
}

/**
 * One order from the store by key.
 * @throws NotFoundError when the store does not hold it (say so, and how to fill the store).
 */
export function getStoredOrder(
  context: CommandContext,
  config: ResolvedConfig,
  key: string,
  provider: string,
  flags: OrderFlagValues,
): Promise<Order> {
  return withStore(context, config, flags.database, async (store, label) => {
    const stored = await store.getOrder(key);
    if (!stored) {
      throw new NotFoundError({
        provider,
        message: `Order ${key} is not in the order store (${label}). Run "orderbridge sync" to fill it, or drop --source store to ask ${provider}.`,
      });
    }
    return stored.order;
  });
}

/** One page of the store's orders matching the query (only `providers`, when given). */
export function listStoredOrders(
  store: OrderStore,
  query: OrderQuery,
  providers: readonly string[] | undefined,
): Promise<StorePage> {
  return store.listOrders({
    query,
    ...(providers && providers.length > 0 ? { providers } : {}),
  });
}

/** Every order of the store matching the query, page after page (keyset pagination). */
export async function* iterateStoredOrders(
  store: OrderStore,
  query: OrderQuery,
  providers: readonly string[] | undefined,
  signal: AbortSignal,
): AsyncGenerator<Order[]> {
  let cursor = query.cursor;
  do {
    signal.throwIfAborted();
    const page = await listStoredOrders(
      store,
      cursor === undefined ? query : { ...query, cursor },
      providers,
    );
    yield page.orders;
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
}

/** A store listing shaped as the live client's iteration, for the streaming export. */
export interface StoreOrderIteration {
  /** Yields every matching order, page after page; `cursor()` is exact after each whole page. */
  iteration: OrderIteration;
  /**
   * Aborts (with the interrupt's reason) only between pages: pass it to `streamOrders` instead of
   * the interrupt signal, with a batch size of one page, so an interrupted export always stops
   * right after a page its checkpoint cursor resumes from.
   */
  signal: AbortSignal;
}

/**
 * Every order of the store matching the query, as an `OrderIteration` (no warnings, no provider
 * failures: the store answers for every provider at once). Pages hold `query.limit` orders.
 */
export function iterateStoreForExport(
  store: OrderStore,
  query: OrderQuery,
  providers: readonly string[] | undefined,
  interrupt: AbortSignal,
): StoreOrderIteration {
  const boundary = new AbortController();
  /** The cursor after the last whole page yielded; null once the listing is exhausted. */
  let position: string | null = query.cursor ?? null;
  let started = false;
  async function* orders(): AsyncGenerator<Order> {
    let cursor = query.cursor;
    do {
      if (interrupt.aborted) {
        // Thrown, not returned: a finished iteration would mark the export complete.
        boundary.abort(interrupt.reason);
        throw interrupt.reason;
      }
      const page = await listStoredOrders(
        store,
        cursor === undefined ? query : { ...query, cursor },
        providers,
      );
      started = true;
      cursor = page.nextCursor ?? undefined;
      if (page.orders.length === 0) position = page.nextCursor;
      for (const [index, order] of page.orders.entries()) {
        // Moved before the page's last order is handed over: once the consumer holds it (and
        // writes the batch it completes), the page is whole.
        if (index === page.orders.length - 1) position = page.nextCursor;
        yield order;
      }
    } while (cursor !== undefined);
  }
  const iteration: OrderIteration = {
    warnings: [],
    errors: [],
    cursor: () => (started ? position : (query.cursor ?? null)),
    [Symbol.asyncIterator]: () => orders(),
  };
  return { iteration, signal: boundary.signal };
}
