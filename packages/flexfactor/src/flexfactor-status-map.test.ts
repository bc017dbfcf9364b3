import {
  FULFILLMENT_STATUSES,
  type Money,
  mapStatus,
  ORDER_STATUSES,
  PAYMENT_STATUSES,
} from '@orderbridge/core';
import { describe, expect, it } from 'vitest';
import {
  createFlexFactorStatusMap,
  flexFactorStatusMap,
  paymentStatusAfterRefunds,
} from './flexfactor-status-map.js';

// The list response's `orderStatuses` and the portal guide's meaning of each status
// (docs/providers/flexfactor.md, "Statuses").
const DOCUMENTED = {
  0: ['Draft', 'draft', 'pending', null],
  1: ['Onhold', 'on_hold', 'pending', null],
  2: ['Cancelled', 'cancelled', 'failed', null],
  3: ['Problem', 'on_hold', 'pending', null],
  4: ['Processing', 'processing', 'pending', null],
  5: ['Capturerequired', 'processing', 'requires_capture', null],
  6: ['Returned', 'returned', 'refunded', null],
  7: ['Completed', 'completed', 'paid', null],
} as const;

const usd = (amountMinor: number): Money => ({ amountMinor, currency: 'USD' });

describe('flexFactorStatusMap', () => {
  it('is total over the documented codes 0..7, with the documented labels', () => {
    expect(flexFactorStatusMap.entries.map((entry) => entry.code)).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7,
    ]);
    for (const [code, [label, status, payment, fulfillment]] of Object.entries(DOCUMENTED)) {
      const mapped = mapStatus(flexFactorStatusMap, { code: Number(code), label });
      expect(mapped.warning).toBeUndefined();
      expect([mapped.status, mapped.paymentStatus, mapped.fulfillmentStatus]).toEqual([
        status,
        payment,
        fulfillment,
      ]);
    }
  });

  it('names only canonical statuses, and never a fulfilment status (FlexFactor has none)', () => {
    for (const entry of [
      ...flexFactorStatusMap.entries,
      ...(flexFactorStatusMap.labelEntries ?? []),
    ]) {
      expect(ORDER_STATUSES).toContain(entry.status);
      expect(PAYMENT_STATUSES).toContain(entry.paymentStatus);
      for (const other of entry.otherPaymentStatuses ?? [])
        expect(PAYMENT_STATUSES).toContain(other);
      expect(entry.fulfillmentStatus).toBeNull();
      expect(FULFILLMENT_STATUSES).not.toContain(entry.fulfillmentStatus);
    }
  });

  it.each([
    ['CAPTUREREQUIRED', 'requires_capture'],
    ['capturerequired', 'requires_capture'],
    ['Completed', 'paid'],
    ['COMPLETED', 'paid'],
    ['onhold', 'pending'],
  ])('matches the label %s case-insensitively', (label, payment) => {
    const mapped = mapStatus(flexFactorStatusMap, { code: label, label });
    expect(mapped.paymentStatus).toBe(payment);
    expect(mapped.providerStatus).toEqual({ code: label, label });
  });

  it('prefers the integer code over a disagreeing label', () => {
    expect(mapStatus(flexFactorStatusMap, { code: 6, label: 'Completed' }).status).toBe('returned');
  });

  it.each([
    ['the response table', 8, null, { '8': 'Chargeback' }],
    ['the order label', 12, 'CHARGEBACK', null],
    ['a string code', 'chargeback', null, null],
  ] as const)('recognises Chargeback by %s: payment disputed', (_how, code, label, labels) => {
    const mapped = mapStatus(flexFactorStatusMap, { code, label }, 'flexfactor:x', labels);
    expect(mapped).toMatchObject({
      status: 'completed',
      paymentStatus: 'disputed',
      fulfillmentStatus: null,
      warning: undefined,
    });
    expect(mapped.providerStatus).toEqual({ code, label });
  });

  it.each([
    [8, 'Refundpending', { '8': 'Refundpending' }],
    [9, null, { '8': 'Chargeback' }],
    [-1, null, null],
  ] as const)(
    'maps the undocumented %s to unknown with a warning, keeping the raw value',
    (code, label, labels) => {
      const mapped = mapStatus(flexFactorStatusMap, { code, label }, 'flexfactor:x', labels);
      expect(mapped.status).toBe('unknown');
      expect(mapped.paymentStatus).toBe('unknown');
      expect(mapped.providerStatus).toEqual({ code, label });
      expect(mapped.warning).toMatchObject({
        code: 'unknown-status',
        provider: 'flexfactor',
        orderKey: 'flexfactor:x',
      });
    },
  );

  it('can be bound to another provider id', () => {
    const map = createFlexFactorStatusMap('flexfactor-eu');
    expect(map.provider).toBe('flexfactor-eu');
    expect(map.entries).toBe(flexFactorStatusMap.entries);
    expect(map.labelEntries).toBe(flexFactorStatusMap.labelEntries);
    expect(createFlexFactorStatusMap('flexfactor')).toBe(flexFactorStatusMap);
  });
});

describe('paymentStatusAfterRefunds', () => {
  it.each([
    ['paid', 0, 'paid'],
    ['paid', 1, 'partially_refunded'],
    ['paid', 9_999, 'partially_refunded'],
    ['paid', 10_000, 'refunded'],
    ['refunded', 0, 'refunded'],
    ['refunded', 2_500, 'partially_refunded'],
    ['refunded', 10_000, 'refunded'],
    ['pending', 2_500, 'pending'],
    ['requires_capture', 2_500, 'requires_capture'],
  ] as const)('%s with %i of 10000 refunded is %s', (payment, refunds, expected) => {
    expect(paymentStatusAfterRefunds(payment, usd(10_000), usd(refunds))).toBe(expected);
  });

  it('keeps the mapped status when the refunded amount is unknown', () => {
    expect(paymentStatusAfterRefunds('paid', usd(10_000), null)).toBe('paid');
  });

  it("only ever yields an entry's own payment status or one it declares (so pushed-down codes cover it)", () => {
    for (const entry of flexFactorStatusMap.entries) {
      const allowed = [entry.paymentStatus ?? null, ...(entry.otherPaymentStatuses ?? [])];
      for (const refunds of [0, 1, 5_000, 10_000, 20_000]) {
        expect(allowed).toContain(
          paymentStatusAfterRefunds(entry.paymentStatus ?? null, usd(10_000), usd(refunds)),
        );
      }
    }
  });
});
