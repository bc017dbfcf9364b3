import { describe, expect, it } from 'vitest';
import type { Order } from '../model/order.js';
import { makeOrder } from '../test-support/array-provider.js';
import { matchesQuery, orderComparator } from './order-match.js';
import { parseOrderQuery } from './order-query.js';

function withTotal(id: string, amountMinor: number, currency: string): Order {
  return makeOrder('p', id, {
    totals: { subtotal: null, tax: null, refunded: null, total: { amountMinor, currency } },
  });
}

describe('totals across currencies', () => {
  // ¥8,760 is 8760 minor units, £827.90 is 82790: as numbers the yen amount would rank first.
  const yen = withTotal('yen', 8760, 'JPY');
  const pounds = withTotal('pounds', 82790, 'GBP');
  const morePounds = withTotal('more-pounds', 90000, 'GBP');

  it('orders totals by (currency, amount), never by the bare numbers', () => {
    const sorted = [yen, morePounds, pounds].sort(
      orderComparator({ field: 'total', direction: 'desc' }),
    );
    expect(sorted.map((order) => order.id)).toEqual(['yen', 'more-pounds', 'pounds']);
  });

  it('filters by the currency of the total', () => {
    const query = parseOrderQuery({ currency: 'gbp' });
    expect([yen, pounds, morePounds].filter((order) => matchesQuery(order, query))).toEqual([
      pounds,
      morePounds,
    ]);
  });
});
