import {
  AuthenticationError,
  defineStatusMap,
  type Order,
  OrderBridgeError,
  type OrderPage,
  type OrderProvider,
} from '@orderbridge/core';
import {
  createMemoryProvider,
  type MemoryProvider,
  type MemoryProviderOptions,
} from '../../memory/memory-provider.js';
import { SAMPLE_RAW_STATUSES, sampleOrders } from '../../memory/sample-orders.js';
import type { ConformanceContext } from '../conformance-context.js';

/** Documented statuses of the sample data the broken providers serve. */
export const DOCUMENTED = SAMPLE_RAW_STATUSES;

/** A provider that delegates to a memory backend, with some methods replaced. */
function broken(inner: MemoryProvider, overrides: Partial<OrderProvider>): OrderProvider {
  return {
    specificationVersion: inner.specificationVersion,
    id: inner.id,
    capabilities: inner.capabilities,
    statusMap: inner.statusMap,
    listOrders: (query, options) => inner.listOrders(query, options),
    getOrder: (id, options) => inner.getOrder(id, options),
    ...overrides,
  };
}

/** A context whose provider is `build(memoryBackend)`; the backend holds 60 sample orders. */
export function brokenContext(
  build: (inner: MemoryProvider) => OrderProvider,
  extra: Partial<ConformanceContext> = {},
  memoryOptions: MemoryProviderOptions = {},
): ConformanceContext {
  const inner = createMemoryProvider(sampleOrders({ count: 60, seed: 3 }), {
    id: 'broken',
    ...memoryOptions,
  });
  return {
    provider: build(inner),
    orders: inner.snapshot(),
    faults: inner.faults,
    setRawStatus: async (orderId, rawStatus) => inner.setRawStatus(orderId, rawStatus),
    ...extra,
  };
}

/**
 * Repeats the last order of each page at the top of the next one, in place of that page's first
 * order (a cursor that resumes one position too early, as an offset cursor does after a delete).
 */
export function repeatsOrderAcrossPages(inner: MemoryProvider): OrderProvider {
  const lastBefore = new Map<string, Order>();
  return broken(inner, {
    async listOrders(query, options) {
      const page = await inner.listOrders(query, options);
      const repeated = query.cursor ? lastBefore.get(query.cursor) : undefined;
      const last = page.orders.at(-1);
      if (page.nextCursor && last) lastBefore.set(page.nextCursor, last);
      return repeated ? { ...page, orders: [repeated, ...page.orders.slice(1)] } : page;
    },
  });
}

/** Claims to push the status filter down (the memory default) but drops it before "the API". */
export function ignoresPushedStatusFilter(inner: MemoryProvider): OrderProvider {
  return broken(inner, {
    listOrders(query, options) {
      const { status: _status, ...withoutStatus } = query;
      return inner.listOrders(withoutStatus, options);
    },
  });
}

/** Turns every typed error into a plain `Error` with the same message. */
export function throwsRawErrors(inner: MemoryProvider): OrderProvider {
  const raw = async <T>(call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (error) {
      if (OrderBridgeError.isInstance(error)) throw new Error(error.message);
      throw error;
    }
  };
  return broken(inner, {
    listOrders: (query, options) => raw(() => inner.listOrders(query, options)),
    getOrder: (id, options) => raw(() => inner.getOrder(id, options)),
  });
}

/** Maps a raw status its map does not know by throwing, instead of to `unknown`. */
export function throwsOnUnknownStatus(inner: MemoryProvider): OrderProvider {
  const check = (order: Order) => {
    if (order.status === 'unknown') {
      throw new Error(`unexpected status ${JSON.stringify(order.providerStatus.code)}`);
    }
    return order;
  };
  return broken(inner, {
    async listOrders(query, options) {
      const page = await inner.listOrders(query, options);
      page.orders.forEach(check);
      return page;
    },
    async getOrder(id, options) {
      return check(await inner.getOrder(id, options));
    },
  });
}

/** Quietly drops orders whose raw status is unknown. */
export function dropsUnknownStatus(inner: MemoryProvider): OrderProvider {
  return broken(inner, {
    async listOrders(query, options) {
      const page = await inner.listOrders(query, options);
      return { ...page, orders: page.orders.filter((order) => order.status !== 'unknown') };
    },
  });
}

/** Its status map forgets one documented value (`refunded`). */
export function statusMapMissesRefunded(inner: MemoryProvider): OrderProvider {
  const entries = inner.statusMap.entries.filter((entry) => entry.code !== 'refunded');
  return broken(inner, { statusMap: defineStatusMap(inner.id, entries) });
}

/** Serves three orders more per page than asked. */
export function ignoresPageSize(inner: MemoryProvider): OrderProvider {
  return broken(inner, {
    listOrders(query, options) {
      const limit = (query.limit ?? inner.capabilities.defaultPageSize) + 3;
      return inner.listOrders({ ...query, limit }, options);
    },
  });
}

/** Claims to sort by createdAt only, yet answers a sort by total instead of refusing it. */
export function answersUnsupportedSort(inner: MemoryProvider): OrderProvider {
  return broken(inner, { capabilities: { ...inner.capabilities, sorts: ['createdAt'] } });
}

/** Breaks sort ties by key in the wrong direction on descending walks. */
export function breaksTiesWrongly(inner: MemoryProvider): OrderProvider {
  return broken(inner, {
    async listOrders(query, options) {
      const page = await inner.listOrders(query, options);
      const orders = [...page.orders];
      // Swap neighbours created at the same instant: ties no longer follow the key.
      for (let index = 1; index < orders.length; index++) {
        if (orders[index]!.createdAt === orders[index - 1]!.createdAt) {
          [orders[index - 1], orders[index]] = [orders[index]!, orders[index - 1]!];
        }
      }
      return { ...page, orders };
    },
  });
}

/** `getOrder` reports a different total than the listing. */
export function getOrderDisagrees(inner: MemoryProvider): OrderProvider {
  return broken(inner, {
    async getOrder(id, options) {
      const order = await inner.getOrder(id, options);
      const total = order.totals.total;
      return {
        ...order,
        totals: { ...order.totals, total: { ...total, amountMinor: total.amountMinor + 1 } },
      };
    },
  });
}

/** `getOrder` of a missing id resolves with `undefined` (cast) instead of rejecting. */
export function resolvesMissingOrder(inner: MemoryProvider): OrderProvider {
  return broken(inner, {
    async getOrder(id, options) {
      try {
        return await inner.getOrder(id, options);
      } catch {
        return undefined as unknown as Order;
      }
    },
  });
}

/** Its 401 error message quotes the API key it was given. */
export function leaksSecretOn401(apiKey: string): () => OrderProvider {
  return () => {
    const inner = createMemoryProvider([], { id: 'broken' });
    const fail = async (): Promise<never> => {
      throw new AuthenticationError({
        provider: 'broken',
        status: 401,
        message: `broken rejected the API key ${apiKey}`,
      });
    };
    return broken(inner, { listOrders: fail, getOrder: fail });
  };
}

/** Ignores the abort signal: waits for the response whatever the caller says. */
export function ignoresAbort(inner: MemoryProvider): OrderProvider {
  return broken(inner, {
    listOrders: (query, options) => inner.listOrders(query, { ...options, signal: undefined }),
    getOrder: (id, options) => inner.getOrder(id, { ...options, signal: undefined }),
  });
}

/** Reports emulated filters without a warning (it hides the local work). */
export function hidesEmulationWarnings(inner: MemoryProvider): OrderProvider {
  return broken(inner, {
    async listOrders(query, options): Promise<OrderPage> {
      const page = await inner.listOrders(query, options);
      return {
        ...page,
        warnings: page.warnings.filter((warning) => warning.code !== 'filter-emulated'),
      };
    },
  });
}
