import type { Order } from '@orderbridge/core';

/** Where two orders first differ. */
export interface OrderDifference {
  /** JSON path, e.g. `totals.total.amountMinor`, `items[2].sku`. */
  path: string;
  /** The value in the first order (JSON text). */
  left: string;
  /** The value in the second order (JSON text). */
  right: string;
}

/**
 * Deep-compares two orders, ignoring `raw` and treating an `undefined` property as absent.
 * Returns the first difference, or undefined when they are equal.
 */
export function firstOrderDifference(left: Order, right: Order): OrderDifference | undefined {
  const { raw: _leftRaw, ...leftRest } = left;
  const { raw: _rightRaw, ...rightRest } = right;
  return firstDifference(leftRest, rightRest, '', 'equal');
}

/**
 * Where a fetched order contradicts the listed one, or undefined when they agree. A single-order
 * endpoint may carry more than a listing row (FlexFactor's adds email, names, addresses), so a field
 * the listing left null or absent may be filled in; every value the listing did send must be the
 * same. The raw status label is compared case-insensitively (FlexFactor lists `completed` and
 * returns `COMPLETED` for the same order).
 */
export function firstOrderDisagreement(fetched: Order, listed: Order): OrderDifference | undefined {
  const { raw: _fetchedRaw, ...fetchedRest } = fetched;
  const { raw: _listedRaw, ...listedRest } = listed;
  return firstDifference(fetchedRest, listedRest, '', 'agree');
}

function firstDifference(
  left: unknown,
  right: unknown,
  path: string,
  mode: 'equal' | 'agree',
): OrderDifference | undefined {
  if (Object.is(left, right)) return undefined;
  if (mode === 'agree') {
    if (right === null || right === undefined) return undefined;
    if (path === 'providerStatus.label' && typeof left === 'string' && typeof right === 'string') {
      if (left.toLowerCase() === right.toLowerCase()) return undefined;
    }
  }
  const differ = (): OrderDifference => ({
    path: path || '(order)',
    left: show(left),
    right: show(right),
  });
  if (typeof left !== 'object' || typeof right !== 'object' || left === null || right === null) {
    return differ();
  }
  if (Array.isArray(left) !== Array.isArray(right)) return differ();
  if (Array.isArray(left) && Array.isArray(right)) {
    if (left.length !== right.length) {
      return { path: `${path}.length`, left: String(left.length), right: String(right.length) };
    }
    for (let index = 0; index < left.length; index++) {
      const difference = firstDifference(left[index], right[index], `${path}[${index}]`, mode);
      if (difference) return difference;
    }
    return undefined;
  }
  const leftRecord = left as Record<string, unknown>;
  const rightRecord = right as Record<string, unknown>;
  const keys = new Set([...Object.keys(leftRecord), ...Object.keys(rightRecord)]);
  for (const key of [...keys].sort()) {
    const difference = firstDifference(
      leftRecord[key],
      rightRecord[key],
      path ? `${path}.${key}` : key,
      mode,
    );
    if (difference) return difference;
  }
  return undefined;
}

function show(value: unknown): string {
  if (value === undefined) return '(absent)';
  const text = JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
