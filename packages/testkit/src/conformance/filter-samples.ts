import {
  compareTimestamps,
  type FilterField,
  type Order,
  type OrderQueryInput,
} from '@orderbridge/core';

/**
 * Sample filters for one field, chosen from the ground truth so that they select a real, partial
 * slice of it: a value that occurs (and, for statuses, two values together), a created-date range
 * around the middle with bounds on existing timestamps (inclusive bounds are tested), a customer or
 * merchant id that occurs and one that does not.
 */
export function filterSamples(field: FilterField, orders: readonly Order[]): OrderQueryInput[] {
  switch (field) {
    case 'status':
    case 'paymentStatus':
    case 'fulfillmentStatus': {
      const values = byFrequency(orders.map((order) => order[field]));
      const [first, second] = values;
      if (first === undefined) return [{ [field]: [defaultStatus(field)] }];
      const samples: OrderQueryInput[] = [{ [field]: [first] }];
      // The least frequent value too: a filter that selects few orders shows a loose API plainly.
      const rarest = values.at(-1);
      if (rarest !== undefined && rarest !== first) samples.push({ [field]: [rarest] });
      if (second !== undefined) samples.push({ [field]: [first, second] });
      return samples;
    }
    case 'createdFrom':
    case 'createdTo': {
      const times = orders.map((order) => order.createdAt).sort(compareTimestamps);
      const quarter = times[Math.floor(times.length / 4)];
      const threeQuarters = times[Math.floor((times.length * 3) / 4)];
      if (quarter === undefined || threeQuarters === undefined) {
        return [{ [field]: '2020-01-01T00:00:00Z' }];
      }
      return field === 'createdFrom'
        ? [{ createdFrom: quarter }, { createdFrom: quarter, createdTo: threeQuarters }]
        : [{ createdTo: threeQuarters }, { createdFrom: quarter, createdTo: threeQuarters }];
    }
    case 'customerId':
    case 'merchantId': {
      const party = field === 'customerId' ? 'customer' : 'merchant';
      const ids = byFrequency(orders.map((order) => order[party]?.id ?? null));
      const samples: OrderQueryInput[] = ids.slice(0, 2).map((id) => ({ [field]: id }));
      samples.push({ [field]: `conformance-no-such-${party}` });
      return samples;
    }
    case 'currency': {
      // The most frequent currency, lower-cased (codes are case-insensitive), and one no order has.
      const [common] = byFrequency(orders.map((order) => order.totals.total.currency));
      return [{ currency: (common ?? 'USD').toLowerCase() }, { currency: 'XTS' }];
    }
    case 'search': {
      const needle = searchNeedle(orders);
      return [{ search: needle }];
    }
  }
}

/** Non-null values, most frequent first (ties in order of first appearance). */
function byFrequency<T extends string>(values: ReadonlyArray<T | null>): T[] {
  const counts = new Map<T, number>();
  for (const value of values) {
    if (value !== null) counts.set(value, (counts.get(value) ?? 0) + 1);
  }
  return [...counts.entries()].sort((left, right) => right[1] - left[1]).map(([value]) => value);
}

function defaultStatus(field: 'status' | 'paymentStatus' | 'fulfillmentStatus'): string {
  return field === 'status' ? 'completed' : field === 'paymentStatus' ? 'paid' : 'fulfilled';
}

/**
 * A search term taken from the middle order's customer name (else its email, reference or id),
 * upper-cased to check the search is case-insensitive.
 */
function searchNeedle(orders: readonly Order[]): string {
  const order = orders[Math.floor(orders.length / 2)];
  if (!order) return 'conformance';
  const source =
    order.customer?.name ?? order.customer?.email ?? order.reference ?? order.id ?? 'conformance';
  const word =
    source
      .split(/[\s@.]+/)
      .filter((part) => part.length >= 3)
      .at(-1) ?? source;
  return word.slice(0, 6).toUpperCase();
}
