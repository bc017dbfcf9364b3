import type { Order } from '@orderbridge/core';
import type { OrderDiff } from '../order-store.js';
import { canonicalJson, canonicalJsonWithoutNulls } from './order-content.js';

type Content = Omit<Order, 'raw'>;

/** The fields whose move an `updated` entry spells out (from → to). */
const DETAILED_FIELDS = [
  'status',
  'paymentStatus',
  'fulfillmentStatus',
  'providerStatus',
  'totals',
  'fulfillment',
] as const;

/**
 * What changed between two versions of an order: the move of each status dimension, the raw
 * status, the totals and fulfilment progress when they differ, and the names of every top-level
 * field that differs (sorted). Fields are compared as canonical (key-sorted) JSON; in
 * `extensions` a `null` member equals a missing one, so a document stored while the providers still
 * wrote `null` for a field they had not sent is not reported changed when they leave it out (it is
 * rewritten, without a change).
 */
export function orderDiff(before: Content, after: Content, reappeared: boolean): OrderDiff {
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  names.delete('raw');
  const fields = [...names]
    .filter((name) => {
      const json = name === 'extensions' ? canonicalJsonWithoutNulls : canonicalJson;
      return (
        json((before as Record<string, unknown>)[name]) !==
        json((after as Record<string, unknown>)[name])
      );
    })
    .sort();
  const diff: OrderDiff = { fields };
  const differs = new Set(fields);
  for (const field of DETAILED_FIELDS) {
    if (differs.has(field)) recordMove(diff, field, before, after);
  }
  if (reappeared) diff.reappeared = true;
  return diff;
}

function recordMove<Field extends (typeof DETAILED_FIELDS)[number]>(
  diff: OrderDiff,
  field: Field,
  before: Content,
  after: Content,
): void {
  diff[field] = { from: before[field], to: after[field] } as OrderDiff[Field];
}
