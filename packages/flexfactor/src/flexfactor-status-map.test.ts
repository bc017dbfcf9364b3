import { mapStatus, ORDER_STATUSES, PAYMENT_STATUSES } from '@orderbridge/core';
import { describe, expect, it } from 'vitest';
import { createFlexFactorStatusMap, flexFactorStatusMap } from './flexfactor-status-map.js';

// Seed 002 `orderStatuses` and DESIGN.md's status table.
const DOCUMENTED = {
  0: ['Draft', 'draft', 'pending', null],
  1: ['Onhold', 'on_hold', 'pending', null],
  2: ['Cancelled', 'cancelled', null, null],
  3: ['Problem', 'failed', 'failed', null],
  4: ['Processing', 'processing', 'pending', null],
  5: ['Capturerequired', 'processing', 'requires_capture', null],
  6: ['Returned', 'returned', 'refunded', 'returned'],
  7: ['Completed', 'completed', 'paid', null],
} as const;

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
      expect(ORDER_STATUSES).toContain(mapped.status);
      if (mapped.paymentStatus) expect(PAYMENT_STATUSES).toContain(mapped.paymentStatus);
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
    [8, 'Chargeback'],
    ['Chargeback', null],
    [-1, null],
  ])('maps the undocumented %s to unknown with a warning, keeping the raw value', (code, label) => {
    const mapped = mapStatus(flexFactorStatusMap, { code, label }, 'flexfactor:x');
    expect(mapped.status).toBe('unknown');
    expect(mapped.providerStatus).toEqual({ code, label });
    expect(mapped.warning).toMatchObject({
      code: 'unknown-status',
      provider: 'flexfactor',
      orderKey: 'flexfactor:x',
    });
  });

  it('can be bound to another provider id', () => {
    const map = createFlexFactorStatusMap('flexfactor-eu');
    expect(map.provider).toBe('flexfactor-eu');
    expect(map.entries).toBe(flexFactorStatusMap.entries);
    expect(createFlexFactorStatusMap('flexfactor')).toBe(flexFactorStatusMap);
  });
});
