import { type Order, orderSchema } from '@orderbridge/core';

/**
 * Top-level order fields a client can pick with `fields=`. `raw` is not among them: it is asked
 * for with `includeRaw=true`, with or without `fields`.
 */
export const ORDER_FIELD_NAMES: readonly string[] = Object.keys(orderSchema.shape).filter(
  (name) => name !== 'raw',
);

/** Returned whatever `fields` says: the key identifies the order and is what `get` accepts. */
const ALWAYS_RETURNED = 'key';

/**
 * Orders reduced to the requested top-level fields, in the canonical order of the fields, plus
 * `key` and (when present, i.e. asked for with `includeRaw`) `raw`. Without `fields` the orders
 * are returned as they are. A field is copied as it is, nulls included: a projection leaves fields
 * out, never values.
 */
export function projectOrders(
  orders: readonly Order[],
  fields: readonly string[] | undefined,
): Record<string, unknown>[] {
  if (fields === undefined) return orders as Order[];
  const picked = new Set(fields);
  picked.add(ALWAYS_RETURNED);
  picked.add('raw');
  const names = Object.keys(orderSchema.shape).filter((name) => picked.has(name));
  return orders.map((order) => {
    const projected: Record<string, unknown> = {};
    for (const name of names) {
      const value = (order as Record<string, unknown>)[name];
      if (value !== undefined) projected[name] = value;
    }
    return projected;
  });
}
