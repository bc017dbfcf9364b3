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
  const seen = await reportDatabase(store)
    .selectFrom('orders')
    .where('scope', '=', window.scope)
    .select(['provider', (eb) => eb.fn.max('last_seen_at').as('last_seen_at')])
    .groupBy('provider')
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
