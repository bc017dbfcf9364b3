import {
  compareMoneyValue,
  compareText,
  compareTimestamps,
  ORDER_STATUSES,
} from '@orderbridge/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { searchText, sortableTime, statusRank, totalSortValue } from './order-row.js';

/** Canonical timestamps of every precision core keeps (milli-, micro-, nanoseconds). */
const timestamp = fc
  .record({
    instant: fc.date({
      min: new Date('1600-01-01T00:00:00Z'),
      max: new Date('2200-12-31T00:00:00Z'),
      noInvalidDate: true,
    }),
    extra: fc.oneof(fc.constant(''), fc.stringMatching(/^\d{3}$/), fc.stringMatching(/^\d{6}$/)),
  })
  .map(({ instant, extra }) => `${instant.toISOString().slice(0, -1)}${extra}Z`);

const sign = (value: number) => Math.sign(value);

describe('sortableTime', () => {
  it('orders timestamps of mixed precision exactly as compareTimestamps', () => {
    fc.assert(
      fc.property(timestamp, timestamp, (left, right) => {
        expect(sign(compareText(sortableTime(left), sortableTime(right)))).toBe(
          sign(compareTimestamps(left, right)),
        );
      }),
    );
  });

  it('makes the same instant in different precisions equal', () => {
    expect(sortableTime('2025-02-01T10:00:00.123Z')).toBe(
      sortableTime('2025-02-01T10:00:00.123000Z'),
    );
    expect(sortableTime('2025-02-01T10:00:00.123Z')).toBe('2025-02-01T10:00:00.123000000');
  });
});

describe('totalSortValue', () => {
  const currency = fc.constantFrom('USD', 'JPY', 'KWD', 'CLF', 'EUR');
  const money = fc.record({
    amountMinor: fc.oneof(
      fc.integer({ min: -1_000_000, max: 1_000_000 }),
      fc.maxSafeInteger(),
      fc.maxSafeInteger().map((value) => -value),
    ),
    currency,
  });

  it('orders amounts across currencies exactly as compareMoneyValue', () => {
    fc.assert(
      fc.property(money, money, (left, right) => {
        const a = totalSortValue(left);
        const b = totalSortValue(right);
        const byValue = a.units !== b.units ? a.units - b.units : a.fraction - b.fraction;
        expect(sign(byValue)).toBe(sign(compareMoneyValue(left, right)));
        expect(Number.isSafeInteger(a.units)).toBe(true);
        expect(a.fraction).toBeGreaterThanOrEqual(0);
        expect(a.fraction).toBeLessThanOrEqual(9999);
      }),
    );
  });

  it('splits a negative amount into its floor and a positive fraction', () => {
    expect(totalSortValue({ amountMinor: -150, currency: 'USD' })).toEqual({
      units: -2,
      fraction: 5000,
    });
    expect(totalSortValue({ amountMinor: 1250, currency: 'KWD' })).toEqual({
      units: 1,
      fraction: 2500,
    });
    expect(totalSortValue({ amountMinor: 1200, currency: 'JPY' })).toEqual({
      units: 1200,
      fraction: 0,
    });
  });
});

describe('statusRank and searchText', () => {
  it('ranks statuses in core lifecycle order, unknown text last-but-first (-1)', () => {
    expect(ORDER_STATUSES.map(statusRank)).toEqual(ORDER_STATUSES.map((_, index) => index));
    expect(statusRank('not-a-status')).toBe(-1);
  });

  it('lower-cases each searchable field on its own, separated so no needle spans two', () => {
    const text = searchText({
      id: 'ORD-1',
      reference: 'Ref',
      customer: { id: 'c', name: 'Lena Vos', email: null, company: 'ACME' },
      merchant: { id: 'm', name: 'Shop', storeId: null, storeName: 'Not Searched' },
    } as never);
    expect(text).toBe('ord-1\u001fref\u001flena vos\u001facme\u001fshop\u001f');
    expect(text.includes('not searched')).toBe(false);
  });
});
