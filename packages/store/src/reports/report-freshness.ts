import type { OrderStore } from '../order-store.js';
import { compareText, type ResolvedWindow, reportDatabase } from './report-query.js';

/** How current one provider's stored orders are. */
export interface ProviderFreshness {
  provider: string;
  /** When a sync run of it last completed (ISO 8601 UTC), or null if none has. */
  lastSyncAt: string | null;
  /** When one of its orders was last seen at the provider (ISO 8601 UTC), or null without orders. */
  lastSeenAt: string | null;
}

/**
 * The freshness of every provider with stored orders or sync state in the window's scope (and
 * providers): the dashboard shows it next to the headline figures.
 */
export async function reportFreshness(
  store: OrderStore,
  window: ResolvedWindow,
): Promise<ProviderFreshness[]> {
  const wanted = (provider: string) =>
    window.providers.length === 0 || window.providers.includes(provider);
  // Every provider with stored orders has a sync-state row (its first batch or refresh made it),
  // which the store's writes keep at the latest time one of its orders was seen.
  const seen = await reportDatabase(store)
    .selectFrom('sync_state')
    .where('scope', '=', window.scope)
    .where('last_seen_at', 'is not', null)
    .select(['provider', 'last_seen_at'])
    .execute();
  const byProvider = new Map<string, ProviderFreshness>();
  for (const row of seen) {
    if (!wanted(row.provider)) continue;
    byProvider.set(row.provider, {
      provider: row.provider,
      lastSyncAt: null,
      lastSeenAt: row.last_seen_at,
    });
  }
  for (const state of await store.syncStates(window.scope)) {
    if (!wanted(state.provider)) continue;
    const entry = byProvider.get(state.provider) ?? {
      provider: state.provider,
      lastSyncAt: null,
      lastSeenAt: null,
    };
    entry.lastSyncAt = state.lastRun?.finishedAt ?? null;
    byProvider.set(state.provider, entry);
  }
  return [...byProvider.values()].sort((left, right) => compareText(left.provider, right.provider));
}
