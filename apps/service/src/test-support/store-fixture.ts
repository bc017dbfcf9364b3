import type { Order } from '@orderbridge/core';
import type { OrderStore } from '@orderbridge/store';

const NO_COUNTS = { fetched: 0, created: 0, updated: 0, unchanged: 0, vanished: 0, rejected: 0 };

/** Writes orders of one provider into a store scope as one sync batch of run `runId`. */
export async function storeOrders(
  store: OrderStore,
  scope: string,
  provider: string,
  orders: readonly Order[],
  runId = `run-${scope}-${provider}`,
  observedAt = '2025-03-10T00:00:00.000Z',
): Promise<void> {
  await store.applyBatch({
    scope,
    provider,
    runId,
    observedAt,
    orders,
    progress: {
      runId,
      mode: 'full',
      startedAt: observedAt,
      cursor: null,
      query: {},
      counts: NO_COUNTS,
      requests: 0,
    },
  });
}

/** Completes run `runId` of a provider at `finishedAt`, without marking anything vanished. */
export async function finishStoreRun(
  store: OrderStore,
  scope: string,
  provider: string,
  finishedAt: string,
  runId = `run-${scope}-${provider}`,
): Promise<void> {
  await store.finishRun({
    scope,
    provider,
    runId,
    finishedAt,
    watermark: finishedAt,
    fullSweep: true,
    counts: NO_COUNTS,
    requests: 0,
  });
}
