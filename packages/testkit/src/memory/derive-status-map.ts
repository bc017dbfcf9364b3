import {
  defineStatusMap,
  type Order,
  type StatusMap,
  type StatusMapEntry,
} from '@orderbridge/core';

/**
 * Derives a status map from the orders a memory provider holds: one entry per raw status code
 * (compared case-insensitively) with the lifecycle status most of its orders have, and the payment
 * and fulfilment statuses when all its orders agree on them (else `undefined`: the raw status does
 * not decide that dimension). Codes whose orders all have status `unknown` are left out: they are
 * the undocumented ones.
 */
export function deriveStatusMap(provider: string, orders: Iterable<Order>): StatusMap {
  const groups = new Map<string, Order[]>();
  for (const order of orders) {
    const code = String(order.providerStatus.code).toLowerCase();
    const group = groups.get(code);
    if (group) group.push(order);
    else groups.set(code, [order]);
  }
  const entries: StatusMapEntry[] = [];
  for (const group of groups.values()) {
    const known = group.filter((order) => order.status !== 'unknown');
    const first = known[0];
    if (!first) continue;
    entries.push({
      code: first.providerStatus.code,
      label: first.providerStatus.label ?? String(first.providerStatus.code),
      status: mostCommon(known.map((order) => order.status)),
      paymentStatus: agreed(known.map((order) => order.paymentStatus)),
      fulfillmentStatus: agreed(known.map((order) => order.fulfillmentStatus)),
    });
  }
  return defineStatusMap(provider, dedupeLabels(entries));
}

function mostCommon<T>(values: readonly T[]): T {
  const counts = new Map<T, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  let best = values[0] as T;
  let bestCount = 0;
  for (const [value, count] of counts) {
    if (count > bestCount) {
      best = value;
      bestCount = count;
    }
  }
  return best;
}

function agreed<T>(values: readonly T[]): T | undefined {
  const [first] = values;
  return values.every((value) => value === first) ? first : undefined;
}

/** A label that equals another entry's code would make look-ups ambiguous: fall back to the code. */
function dedupeLabels(entries: StatusMapEntry[]): StatusMapEntry[] {
  const codes = new Set(entries.map((entry) => String(entry.code).toLowerCase()));
  return entries.map((entry) =>
    codes.has(entry.label.toLowerCase()) &&
    entry.label.toLowerCase() !== String(entry.code).toLowerCase()
      ? { ...entry, label: String(entry.code) }
      : entry,
  );
}
