import {
  compareTimestamps,
  createOrderClient,
  type Order,
  type OrderClient,
  type OrderClientSettings,
  type OrderQueryInput,
  orderComparator,
  parseOrderQuery,
  type TransportHooks,
} from '@orderbridge/core';
import {
  createFlexFactor,
  type FlexFactorProvider,
  type FlexFactorSettings,
  flexFactorStatusMap,
  readFlexFactorRow,
} from '@orderbridge/flexfactor';
import {
  createFlexPortal,
  type FlexPortalProvider,
  type FlexPortalSettings,
  flexPortalStatusMap,
  mapFlexPortalOrder,
} from '@orderbridge/flexportal';
import { type Sandbox, type SandboxOptions, startSandbox } from '@orderbridge/sandbox';
import { CANARIES, evidence } from './evidence.js';

/** Retries fast enough for a test run; the budget (3 retries) stays the default. */
export const FAST_RETRY = { baseDelayMs: 5, maxDelayMs: 50 } as const;

/** What a scenario's sandbox holds. */
export interface SuiteSandboxOptions {
  /** FlexPortal orders (the canary tenant). */
  flexportal: number;
  /** FlexFactor orders. */
  flexfactor: number;
  /** Dataset seed (default 11). */
  seed?: number;
  /** FlexFactor token lifetime in ms. */
  tokenTtlMs?: number;
  /** Faults to start with. */
  faults?: SandboxOptions['faults'];
}

/**
 * Sandbox options for a scenario: the canary FlexPortal tenant (the only tenant) and the canary
 * FlexFactor credentials. The same options give the same data in any process.
 */
export function suiteSandboxOptions(options: SuiteSandboxOptions): SandboxOptions {
  return {
    port: 0,
    seed: options.seed ?? 11,
    orders: { flexportal: options.flexportal, flexfactor: options.flexfactor },
    tenants: [
      {
        tenantId: CANARIES.flexPortalTenantId,
        apiKey: CANARIES.flexPortalApiKey,
        orders: options.flexportal,
      },
    ],
    flexfactor: {
      appKey: CANARIES.flexFactorAppKey,
      appSecret: CANARIES.flexFactorAppSecret,
      ...(options.tokenTtlMs !== undefined ? { tokenTtlMs: options.tokenTtlMs } : {}),
    },
    ...(options.faults ? { faults: options.faults } : {}),
  };
}

/** Starts an in-process sandbox that accepts only the canary credentials. */
export function startSuiteSandbox(options: SuiteSandboxOptions): Promise<Sandbox> {
  return startSandbox(suiteSandboxOptions(options));
}

/** Settings a scenario may override, plus the label its hook payloads are recorded under. */
export type ProviderOverrides<T> = Partial<T> & { label: string; extraHooks?: TransportHooks };

/** A FlexPortal provider on the sandbox with the canary key, fast retries and recording hooks. */
export function flexPortalOn(
  sandbox: Sandbox,
  overrides: ProviderOverrides<FlexPortalSettings>,
): FlexPortalProvider {
  const { label, extraHooks, ...settings } = overrides;
  return createFlexPortal({
    apiKey: CANARIES.flexPortalApiKey,
    tenantId: CANARIES.flexPortalTenantId,
    baseUrl: sandbox.flexportal.baseUrl,
    retry: FAST_RETRY,
    env: {},
    ...settings,
    hooks: evidence.hooks(`${label} flexportal`, extraHooks),
  });
}

/**
 * A FlexFactor provider on the sandbox with the canary app key and secret, fast retries, recording
 * hooks and a fetch that remembers the tokens issued.
 */
export function flexFactorOn(
  sandbox: Sandbox,
  overrides: ProviderOverrides<FlexFactorSettings>,
): FlexFactorProvider {
  const { label, extraHooks, ...settings } = overrides;
  return createFlexFactor({
    appKey: CANARIES.flexFactorAppKey,
    appSecret: CANARIES.flexFactorAppSecret,
    baseUrl: sandbox.flexfactor.baseUrl,
    retry: FAST_RETRY,
    env: {},
    fetch: evidence.recordingFetch(),
    ...settings,
    hooks: evidence.hooks(`${label} flexfactor`, extraHooks),
  });
}

/** A client over both providers of the sandbox. */
export function clientOn(
  sandbox: Sandbox,
  label: string,
  settings: Partial<OrderClientSettings> & {
    flexportal?: Partial<FlexPortalSettings>;
    flexfactor?: Partial<FlexFactorSettings>;
  } = {},
): OrderClient {
  const { flexportal, flexfactor, ...clientSettings } = settings;
  return createOrderClient({
    providers: [
      flexPortalOn(sandbox, { label, ...flexportal }),
      flexFactorOn(sandbox, { label, ...flexfactor }),
    ],
    ...clientSettings,
  });
}

/** The ground truth: the stores' wire orders mapped with each provider's own mapper. */
export interface GroundTruth {
  /** Orders that map cleanly. */
  orders: Order[];
  /** Keys (`<provider>:<id>`) of stored records that do not match the provider's schema. */
  invalid: string[];
}

/** FlexPortal's store (the canary tenant), mapped with `mapFlexPortalOrder`. */
export function flexPortalTruth(sandbox: Sandbox): GroundTruth {
  const orders: Order[] = [];
  const invalid: string[] = [];
  for (const wire of sandbox.flexportal.store.list()) {
    try {
      orders.push(
        mapFlexPortalOrder(wire, { provider: 'flexportal', statusMap: flexPortalStatusMap }).value,
      );
    } catch {
      invalid.push(`flexportal:${String((wire as { orderId?: unknown }).orderId)}`);
    }
  }
  return { orders, invalid };
}

/**
 * FlexFactor's store mapped with `readFlexFactorRow`. Only orders created up to `pin` (default:
 * now) count: a FlexFactor walk is a snapshot pinned at its first page.
 */
export function flexFactorTruth(sandbox: Sandbox, pin = new Date().toISOString()): GroundTruth {
  const orders: Order[] = [];
  const invalid: string[] = [];
  sandbox.flexfactor.store.list().forEach((row, index) => {
    const result = readFlexFactorRow(row, `store[${index}]`, {
      provider: 'flexfactor',
      statusMap: flexFactorStatusMap,
    });
    if (!result.ok) invalid.push(`flexfactor:${String((row as { id?: unknown }).id)}`);
    else if (compareTimestamps(result.order.createdAt, pin) <= 0) orders.push(result.order);
  });
  return { orders, invalid };
}

/** Keys of `orders` in the listing order of `query` (sort field, ties by key). */
export function keysInOrder(orders: readonly Order[], query: OrderQueryInput = {}): string[] {
  return [...orders].sort(orderComparator(parseOrderQuery(query))).map((order) => order.key);
}

/** Keys of a list of orders. */
export function keysOf(orders: readonly Order[]): string[] {
  return orders.map((order) => order.key);
}

/** Keys that occur more than once. */
export function duplicates(keys: readonly string[]): string[] {
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const key of keys) {
    if (seen.has(key)) repeated.add(key);
    seen.add(key);
  }
  return [...repeated];
}

/** Collects an async iterable completely (the suite's datasets are small). */
export async function drain<T>(source: AsyncIterable<T>, into: T[] = []): Promise<T[]> {
  for await (const item of source) into.push(item);
  return into;
}
