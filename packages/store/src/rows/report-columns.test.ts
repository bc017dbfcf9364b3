import { makeOrder } from '@orderbridge/testkit';
import { describe, expect, it } from 'vitest';
import { isoWeekStart, reportColumns } from './report-columns.js';

describe('isoWeekStart', () => {
  it.each([
    ['2025-03-03T00:00:00Z', '2025-03-03'], // a Monday is its own week's start
    ['2025-03-09T23:59:59.999999999Z', '2025-03-03'], // Sunday ends the ISO week
    ['2025-01-01T12:00:00Z', '2024-12-30'], // across a year boundary
    ['2024-03-01T00:00:00Z', '2024-02-26'], // leap year
  ])('%s is in the week of %s', (timestamp, monday) => {
    expect(isoWeekStart(timestamp)).toBe(monday);
  });
});

describe('reportColumns', () => {
  it('takes the canonical fields, null where the order has none', () => {
    const order = makeOrder('flexportal', 'a', {
      merchant: null,
      fulfillment: { total: 3, done: 1 },
      createdAt: '2025-03-05T10:00:00Z',
    });
    expect(reportColumns(order)).toEqual({
      reference: 'REF-a',
      merchant_name: null,
      provider_status_label: 'Confirmed',
      refunded_minor: null,
      refunded_currency: null,
      fulfillment_done: 1,
      fulfillment_total: 3,
      created_week: '2025-03-03',
    });
    const refunded = makeOrder('flexfactor', 'b', {
      totals: {
        subtotal: null,
        tax: null,
        total: { amountMinor: 900, currency: 'JPY' },
        refunded: { amountMinor: 300, currency: 'JPY' },
      },
      fulfillment: null,
    });
    expect(reportColumns(refunded)).toMatchObject({
      merchant_name: 'Rent-a-Laptop',
      refunded_minor: 300,
      refunded_currency: 'JPY',
      fulfillment_done: null,
      fulfillment_total: null,
    });
  });
});
