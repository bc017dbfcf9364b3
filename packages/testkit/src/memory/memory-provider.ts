import {
  type CallOptions,
  ConfigurationError,
  compareSortValues,
  compareText,
  errorFromProviderResponse,
  FILTER_FIELDS,
  findStatusEntry,
  InvalidQueryError,
  mapStatus,
  matchesFilter,
  type Order,
  type OrderPage,
  type OrderProvider,
  type OrderQuery,
  orderComparator,
  orderKey,
  orderSchema,
  type ProviderCapabilities,
  ProviderResponseError,
  parseOrderQuery,
  planQuery,
  providerIdSchema,
  registerSecret,
  SORT_FIELDS,
  type SortDirection,
  type SortField,
  type StatusMap,
  sleep,
  sortValueOf,
  type Warning,
} from '@orderbridge/core';
import type { ProviderFaults } from '../conformance/conformance-context.js';
import { deriveStatusMap } from './derive-status-map.js';
import {
  decodeMemoryCursor,
  encodeMemoryCursor,
  type MemoryPosition,
  withPage,
} from './memory-cursor.js';

/** Settings of `createMemoryProvider`. */
export interface MemoryProviderOptions {
  /** Provider id; every order is re-keyed under it (default `memory`). */
  id?: string;
  /**
   * What the provider claims to do itself (default: pushes every filter down, many status values,
   * every sort, defaultPageSize 20, maxPageSize 100, cursor pages, totalCount). What it does not
   * claim is finished by core's plan, with warnings, exactly as for an HTTP provider.
   */
  capabilities?: Partial<ProviderCapabilities>;
  /** The API key the caller presents. */
  apiKey?: string;
  /** When set, every call with another `apiKey` rejects with `AuthenticationError`. */
  expectedApiKey?: string;
  /** Latency added to every call, in ms (default 0); an aborted call stops waiting at once. */
  latencyMs?: number;
  /**
   * Raw status → canonical statuses. Default: derived from the orders held (each raw code with the
   * statuses its orders have), so it always agrees with them.
   */
  statusMap?: StatusMap;
  /**
   * Runs before every `listOrders` / `getOrder` call is answered (after the latency). Throw to make
   * the call reject with exactly that error (a `TimeoutError`, a plain `Error`: what `faults`, which
   * speak HTTP statuses, cannot produce), or return a promise to hold the call; pass `call.signal`
   * on (e.g. to core's `sleep`) so an abort still ends it.
   */
  beforeCall?: (call: MemoryCall) => void | Promise<void>;
}

/** A call the memory provider is about to answer, as `beforeCall` sees it. */
export interface MemoryCall {
  /** The method called. */
  operation: 'listOrders' | 'getOrder';
  /** How many calls of this method the provider has received, this one included (1 = first). */
  number: number;
  /** The caller's abort signal, if any. */
  signal: AbortSignal | undefined;
}

/** Changes to one order: a partial order, or a function from the current order to the new one. */
export type MemoryOrderUpdate =
  | Partial<Omit<Order, 'provider' | 'id' | 'key'>>
  | ((order: Order) => Order);

/**
 * A complete in-memory `OrderProvider`: filters, sorts, cursors (keyset, or page numbers), faults,
 * credentials and latency, plus mutation and call recording for tests.
 */
export interface MemoryProvider extends OrderProvider {
  /** Fault switches; each affects the next calls of `listOrders` / `getOrder` only. */
  readonly faults: ProviderFaults;
  /** Every query `listOrders` received, in order (validated form). */
  readonly calls: OrderQuery[];
  /** Every id `getOrder` received, in order. */
  readonly lookups: string[];
  /**
   * Adds an order (re-keyed under the provider id) and returns it as stored.
   * @throws Error when the order is invalid or its id is already held.
   */
  insert(order: Order): Order;
  /**
   * Changes an order and returns it as stored.
   * @throws Error when the id is not held or the result is not a valid order.
   */
  update(id: string, changes: MemoryOrderUpdate): Order;
  /** Removes an order; returns whether it was held. */
  remove(id: string): boolean;
  /**
   * Makes the backend hold raw status `rawStatus` for an order, as a real API could send it: a value
   * the status map does not know is served as status `unknown` with a warning. Setting the order's
   * own code again restores it.
   * @throws Error when the id is not held.
   */
  setRawStatus(id: string, rawStatus: string | number): void;
  /** The orders as the provider serves them (ground truth for tests), without `raw`. */
  snapshot(): Order[];
}

const DEFAULT_CAPABILITIES: ProviderCapabilities = {
  filters: [...FILTER_FIELDS],
  statusFilterValues: 'many',
  sorts: [...SORT_FIELDS],
  defaultPageSize: 20,
  maxPageSize: 100,
  pageNumbers: false,
  totalCount: true,
};

interface Served {
  order: Order;
  warning: Warning | undefined;
}

/**
 * Creates an in-memory provider over `orders` (copied and re-keyed under the provider id). It
 * answers every query exactly, the way the port asks: claimed filters before paging, the rest
 * through core's `planQuery` with warnings; an unsupported sort is refused.
 * @throws ConfigurationError when an order or a setting is invalid, or two orders share an id.
 */
export function createMemoryProvider(
  orders: readonly Order[],
  options: MemoryProviderOptions = {},
): MemoryProvider {
  const id = options.id ?? 'memory';
  if (!providerIdSchema.safeParse(id).success) {
    throw new ConfigurationError({
      setting: 'id',
      message: `memory provider id ${JSON.stringify(id)} must be lower-case letters, digits, "-" or "_"`,
    });
  }
  const capabilities = validateCapabilities({ ...DEFAULT_CAPABILITIES, ...options.capabilities });
  registerSecret(options.apiKey, options.expectedApiKey);

  const stored = new Map<string, Order>();
  const rawOverrides = new Map<string, string | number>();
  let version = 0;
  let cache: { version: number; map: StatusMap; served: Served[] } | undefined;

  const adopt = (order: Order, where: string): Order => {
    const rekeyed = structuredClone({ ...order, provider: id, key: orderKey(id, order.id) });
    const parsed = orderSchema.safeParse(rekeyed);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ConfigurationError({
        setting: where,
        message: `${where} is not a valid order: ${issue?.path.join('.') || '(order)'}: ${issue?.message}`,
      });
    }
    return rekeyed;
  };
  orders.forEach((order, index) => {
    const adopted = adopt(order, `orders[${index}]`);
    if (stored.has(adopted.id)) {
      throw new ConfigurationError({
        setting: `orders[${index}]`,
        message: `orders[${index}] repeats order id ${JSON.stringify(adopted.id)}`,
      });
    }
    stored.set(adopted.id, adopted);
  });

  const view = () => {
    if (cache?.version === version) return cache;
    const map = options.statusMap ?? deriveStatusMap(id, stored.values());
    const served = [...stored.values()].map((order) =>
      serve(order, rawOverrides.get(order.id), map),
    );
    cache = { version, map, served };
    return cache;
  };
  const changed = () => {
    version += 1;
  };

  const faultState = {
    failures: 0,
    failStatus: 500,
    retryAfterMs: undefined as number | undefined,
    malformed: 0,
    latencyMs: 0,
  };
  const faults: ProviderFaults = {
    async failNext(count, status, faultOptions) {
      faultState.failures = count;
      faultState.failStatus = status;
      faultState.retryAfterMs =
        faultOptions?.retryAfterSeconds === undefined
          ? undefined
          : faultOptions.retryAfterSeconds * 1000;
    },
    async malformedNext(count) {
      faultState.malformed = count;
    },
    async latency(ms) {
      faultState.latencyMs = ms;
    },
    async clear() {
      Object.assign(faultState, {
        failures: 0,
        malformed: 0,
        latencyMs: 0,
        retryAfterMs: undefined,
      });
    },
  };

  /** What a server does before it answers: waits, checks the key, applies injected faults. */
  const gate = async (
    operation: MemoryCall['operation'],
    number: number,
    callOptions: CallOptions,
  ) => {
    callOptions.signal?.throwIfAborted();
    const delay = (options.latencyMs ?? 0) + faultState.latencyMs;
    if (delay > 0) await sleep(delay, callOptions.signal);
    await options.beforeCall?.({ operation, number, signal: callOptions.signal });
    if (options.expectedApiKey !== undefined && options.apiKey !== options.expectedApiKey) {
      throw errorFromProviderResponse({
        provider: id,
        status: 401,
        operation,
        message: 'the API key is not valid',
      });
    }
    if (faultState.failures > 0) {
      faultState.failures -= 1;
      throw errorFromProviderResponse({
        provider: id,
        status: faultState.failStatus,
        operation,
        retryAfterMs: faultState.retryAfterMs,
        message: 'injected fault',
      });
    }
    if (faultState.malformed > 0) {
      faultState.malformed -= 1;
      throw new ProviderResponseError({
        provider: id,
        isRetryable: true,
        issues: [{ path: '(body)', message: 'not valid JSON (injected fault)' }],
        message: `${id} ${operation} returned a body that is not valid JSON (injected fault)`,
      });
    }
  };

  const calls: OrderQuery[] = [];
  const lookups: string[] = [];

  const provider: MemoryProvider = {
    specificationVersion: 'v1',
    id,
    capabilities,
    get statusMap() {
      return view().map;
    },
    faults,
    calls,
    lookups,

    async listOrders(input, callOptions = {}): Promise<OrderPage> {
      const query = parseOrderQuery(input);
      calls.push(query);
      await gate('listOrders', calls.length, callOptions);
      const { map, served } = view();
      const plan = planQuery(query, { provider: id, capabilities, statusMap: map });
      // What the "API" filters itself: every filter of the query that the plan does not emulate.
      const pushed = FILTER_FIELDS.filter(
        (field) => query[field] !== undefined && !plan.emulatedFilters.includes(field),
      );
      const candidates = served
        .filter((entry) => pushed.every((field) => matchesFilter(entry.order, query, field)))
        .sort((left, right) => orderComparator(plan.sort)(left.order, right.order));

      const position = query.cursor ? decodeMemoryCursor(id, query, query.cursor) : undefined;
      if (position && 'page' in position !== capabilities.pageNumbers) {
        throw new InvalidQueryError({
          provider: id,
          issues: [{ field: 'cursor', message: `is not a cursor of provider "${id}"` }],
        });
      }
      const start = startIndex(candidates, position, plan.sort, plan.pageSize);
      const slice = candidates.slice(start, start + plan.pageSize);
      const finished = plan.finishPage(slice.map((entry) => entry.order));
      const hasMore = start + plan.pageSize < candidates.length && !finished.reachedBound;
      const last = slice.at(-1)?.order;
      let nextCursor: string | null = null;
      if (hasMore && capabilities.pageNumbers) {
        nextCursor = encodeMemoryCursor(query, { page: Math.floor(start / plan.pageSize) + 2 });
      } else if (hasMore && last) {
        nextCursor = encodeMemoryCursor(query, {
          after: { key: last.key, value: sortValueOf(last, plan.sort.field) },
        });
      }
      const kept = new Set(finished.orders.map((order) => order.key));
      const warnings: Warning[] = [...plan.warnings];
      for (const entry of slice) {
        if (entry.warning && kept.has(entry.order.key)) warnings.push(entry.warning);
      }
      const page: OrderPage = {
        orders: finished.orders.map((order) => deliver(order, stored.get(order.id), callOptions)),
        nextCursor,
        warnings,
      };
      if (capabilities.totalCount && plan.emulatedFilters.length === 0) {
        page.totalCount = candidates.length;
      }
      if (capabilities.pageNumbers) {
        page.pageNumber = Math.floor(start / plan.pageSize) + 1;
        page.pageCount = Math.max(1, Math.ceil(candidates.length / plan.pageSize));
      }
      return page;
    },

    async getOrder(orderId, callOptions = {}) {
      lookups.push(orderId);
      await gate('getOrder', lookups.length, callOptions);
      const entry = view().served.find((candidate) => candidate.order.id === orderId);
      if (!entry) {
        throw errorFromProviderResponse({
          provider: id,
          status: 404,
          operation: 'getOrder',
          message: `no order ${JSON.stringify(orderId)}`,
        });
      }
      return deliver(entry.order, stored.get(orderId), callOptions);
    },

    insert(order) {
      const adopted = adopt(order, 'insert(order)');
      if (stored.has(adopted.id)) {
        throw new Error(
          `memory provider ${id} already holds order ${JSON.stringify(adopted.id)}; use update`,
        );
      }
      stored.set(adopted.id, adopted);
      changed();
      return structuredClone(adopted);
    },

    update(orderId, changes) {
      const current = stored.get(orderId);
      if (!current)
        throw new Error(`memory provider ${id} holds no order ${JSON.stringify(orderId)}`);
      const next =
        typeof changes === 'function'
          ? changes(structuredClone(current))
          : { ...current, ...changes };
      if (next.id !== orderId) {
        throw new Error(
          `update(${JSON.stringify(orderId)}) cannot change the order id to ${JSON.stringify(next.id)}`,
        );
      }
      const adopted = adopt(next, `update(${JSON.stringify(orderId)})`);
      stored.set(orderId, adopted);
      if (typeof changes === 'function' || 'providerStatus' in changes)
        rawOverrides.delete(orderId);
      changed();
      return structuredClone(adopted);
    },

    remove(orderId) {
      rawOverrides.delete(orderId);
      const removed = stored.delete(orderId);
      if (removed) changed();
      return removed;
    },

    setRawStatus(orderId, rawStatus) {
      const current = stored.get(orderId);
      if (!current)
        throw new Error(`memory provider ${id} holds no order ${JSON.stringify(orderId)}`);
      if (String(current.providerStatus.code).toLowerCase() === String(rawStatus).toLowerCase()) {
        rawOverrides.delete(orderId);
      } else {
        rawOverrides.set(orderId, rawStatus);
      }
      changed();
    },

    snapshot() {
      return view().served.map((entry) => deliver(entry.order, undefined, {}));
    },
  };

  if (capabilities.pageNumbers) {
    provider.cursorForPage = (firstPage, pageNumber) => {
      if (firstPage.nextCursor === null) {
        throw new RangeError('the listing has a single page; there is no page to fetch by number');
      }
      return withPage(firstPage.nextCursor, pageNumber);
    };
  }
  return provider;
}

/** Where a page starts in the sorted candidates. */
function startIndex(
  candidates: readonly Served[],
  position: MemoryPosition | undefined,
  sort: { field: SortField; direction: SortDirection },
  pageSize: number,
): number {
  if (!position) return 0;
  if ('page' in position) return (position.page - 1) * pageSize;
  const sign = sort.direction === 'asc' ? 1 : -1;
  const { key, value } = position.after;
  const index = candidates.findIndex((entry) => {
    const byField = compareSortValues(sort.field, sortValueOf(entry.order, sort.field), value);
    return sign * (byField !== 0 ? byField : compareText(entry.order.key, key)) > 0;
  });
  return index === -1 ? candidates.length : index;
}

/**
 * The order as served: with a raw status override, or a raw status the map does not know, the
 * statuses the map decides become what the map says (`unknown` for an unknown value, with a
 * warning), exactly as a real provider maps what its API sends.
 */
function serve(order: Order, override: string | number | undefined, map: StatusMap): Served {
  const providerStatus =
    override === undefined ? order.providerStatus : { code: override, label: null };
  const known =
    findStatusEntry(map, providerStatus.code) ??
    (providerStatus.label ? findStatusEntry(map, providerStatus.label) : undefined);
  if (known && override === undefined) return { order, warning: undefined };
  const mapped = mapStatus(map, providerStatus, order.key);
  return {
    order: {
      ...order,
      providerStatus,
      status: mapped.status,
      paymentStatus:
        mapped.paymentStatus === undefined ? order.paymentStatus : mapped.paymentStatus,
      fulfillmentStatus:
        mapped.fulfillmentStatus === undefined ? order.fulfillmentStatus : mapped.fulfillmentStatus,
    },
    warning: mapped.warning,
  };
}

/** A copy for the caller (so it cannot change the store), with `raw` only when asked. */
function deliver(order: Order, original: Order | undefined, callOptions: CallOptions): Order {
  const { raw, ...rest } = structuredClone(order);
  if (!callOptions.includeRaw) return rest;
  // The memory backend's "wire object" is the stored record itself.
  const { raw: _storedRaw, ...record } = original ?? order;
  return { ...rest, raw: raw ?? structuredClone(record) };
}

function validateCapabilities(capabilities: ProviderCapabilities): ProviderCapabilities {
  const fail = (setting: string, message: string) =>
    new ConfigurationError({
      setting: `capabilities.${setting}`,
      message: `capabilities.${setting} ${message}`,
    });
  const badFilter = capabilities.filters.find((field) => !FILTER_FIELDS.includes(field));
  if (badFilter !== undefined)
    throw fail(
      'filters',
      `lists ${JSON.stringify(badFilter)}, not one of ${FILTER_FIELDS.join(', ')}`,
    );
  const badSort = capabilities.sorts.find((field) => !SORT_FIELDS.includes(field));
  if (badSort !== undefined)
    throw fail('sorts', `lists ${JSON.stringify(badSort)}, not one of ${SORT_FIELDS.join(', ')}`);
  if (capabilities.sorts.length === 0) throw fail('sorts', 'must list at least one sort field');
  const { defaultPageSize, maxPageSize } = capabilities;
  if (!Number.isInteger(maxPageSize) || maxPageSize < 1)
    throw fail('maxPageSize', 'must be a whole number >= 1');
  if (!Number.isInteger(defaultPageSize) || defaultPageSize < 1 || defaultPageSize > maxPageSize) {
    throw fail(
      'defaultPageSize',
      `must be a whole number between 1 and maxPageSize (${maxPageSize})`,
    );
  }
  return {
    ...capabilities,
    filters: [...capabilities.filters],
    sorts: [...capabilities.sorts],
  };
}
