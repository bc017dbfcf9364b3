import type { Order, OrderQuery } from '@orderbridge/core';
import { orderComparator } from '@orderbridge/core';
import {
  FLEXFACTOR_SANDBOX_ORDER_STATUSES,
  type Sandbox,
  type SandboxOptions,
  startSandbox,
} from '@orderbridge/sandbox';
import { readFlexFactorRow } from '../src/flexfactor-mapper.js';
import { createFlexFactor, type FlexFactorSettings } from '../src/flexfactor-provider.js';
import { flexFactorStatusMap } from '../src/flexfactor-status-map.js';

/** Retries quick enough for tests. */
export const FAST_RETRY = { baseDelayMs: 5, maxDelayMs: 50 } as const;

/** Starts a sandbox with only FlexFactor orders (FlexPortal empty). */
export function startFlexFactorSandbox(
  orders: number,
  options: Omit<SandboxOptions, 'orders'> = {},
): Promise<Sandbox> {
  return startSandbox({
    port: 0,
    seed: 7,
    orders: { flexfactor: orders, flexportal: 0 },
    ...options,
  });
}

/** A provider connected to the sandbox's FlexFactor simulator. */
export function sandboxProvider(sandbox: Sandbox, settings: FlexFactorSettings = {}) {
  return createFlexFactor({
    appKey: sandbox.flexfactor.appKey,
    appSecret: sandbox.flexfactor.appSecret,
    baseUrl: sandbox.flexfactor.baseUrl,
    retry: FAST_RETRY,
    ...settings,
  });
}

/**
 * The sandbox's store rows (ground truth) mapped with the adapter's own mapper, with the status
 * names the sandbox's list responses carry (its Chargeback code among them).
 */
export function groundTruth(sandbox: Sandbox, provider = 'flexfactor'): Order[] {
  const statusMap =
    provider === 'flexfactor' ? flexFactorStatusMap : { ...flexFactorStatusMap, provider };
  return sandbox.flexfactor.store.list().map((row, index) => {
    const result = readFlexFactorRow(row, `store[${index}]`, {
      provider,
      statusMap,
      statusLabels: FLEXFACTOR_SANDBOX_ORDER_STATUSES,
    });
    if (!result.ok)
      throw new Error(`ground truth row ${index} is invalid: ${JSON.stringify(result.issues)}`);
    return result.order;
  });
}

/** Ground truth filtered and sorted like the listing (ties by key, as the canonical order). */
export function expected(
  orders: readonly Order[],
  query: OrderQuery,
  keep: (order: Order) => boolean,
) {
  return orders.filter(keep).sort(orderComparator(query));
}

/** Ids, for compact comparisons. */
export function ids(orders: readonly Order[]): string[] {
  return orders.map((order) => order.id);
}
