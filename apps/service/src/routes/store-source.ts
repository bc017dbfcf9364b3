import type { OrderStore } from '@orderbridge/store';
import { ProblemError } from '../http/problem-error.js';

/** How fresh the store's copy of one provider's orders is. */
export interface ProviderFreshness {
  /** Provider id. */
  provider: string;
  /** ISO 8601 UTC end of the provider's last successful sync run; null when none completed. */
  lastSyncedAt: string | null;
  /** When the last run failed, when and why (message only); null otherwise. */
  lastError: { at: string; message: string } | null;
}

/** Response header naming the source that answered: `live` or `store`. */
export const SOURCE_HEADER = 'orderbridge-source';
/**
 * Response header of store answers: the oldest last successful sync among the providers read, so
 * every order in the answer is at least this fresh; absent when one of them never completed a sync.
 */
export const SYNCED_AT_HEADER = 'orderbridge-synced-at';

/**
 * The store, or a `store-not-configured` problem (503) saying how to configure one.
 * @throws ProblemError when the service has no order store.
 */
export function requireStore(store: OrderStore | undefined, parameter: string): OrderStore {
  if (store !== undefined) return store;
  throw new ProblemError('store-not-configured', {
    detail: `${parameter} needs the order store, and this service has none: set ORDERBRIDGE_DATABASE_URL and keep it current with "orderbridge sync"${parameter.startsWith('source') ? ', or ask with source=live' : ''}.`,
  });
}

/** Each provider's freshness in a scope, in the order given (a provider never synced: nulls). */
export async function storeFreshness(
  store: OrderStore,
  scope: string,
  providers: readonly string[],
): Promise<ProviderFreshness[]> {
  const states = new Map((await store.syncStates(scope)).map((state) => [state.provider, state]));
  return providers.map((provider) => {
    const state = states.get(provider);
    return {
      provider,
      lastSyncedAt: state?.lastRun?.finishedAt ?? null,
      lastError:
        state?.lastError == null
          ? null
          : { at: state.lastError.at, message: state.lastError.message },
    };
  });
}

/** The `OrderBridge-Synced-At` value: the oldest sync of the providers read; undefined if one never synced. */
export function oldestSync(freshness: readonly ProviderFreshness[]): string | undefined {
  let oldest: string | undefined;
  for (const entry of freshness) {
    if (entry.lastSyncedAt === null) return undefined;
    if (oldest === undefined || entry.lastSyncedAt < oldest) oldest = entry.lastSyncedAt;
  }
  return oldest;
}
