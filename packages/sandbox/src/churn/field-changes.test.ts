import { describe, expect, it } from 'vitest';
import { fieldChanges, isDeepEqual } from './field-changes.js';

describe('fieldChanges', () => {
  it('reports each changed leaf by dotted path, with absent sides left out', () => {
    const before = {
      status: 'confirmed',
      payment: { status: 'pending', method: 'stripe' },
      items: [{ quantity: 2, rentalIds: [] }],
      rentalIds: [],
      notes: 'remove me',
    };
    const after = {
      status: 'fulfilled',
      payment: { status: 'paid', method: 'stripe', paidAmount: 12.5 },
      items: [{ quantity: 2, rentalIds: ['sub_a', 'sub_b'] }],
      rentalIds: ['sub_a', 'sub_b'],
    };
    expect(fieldChanges(before, after)).toEqual({
      status: { from: 'confirmed', to: 'fulfilled' },
      'payment.status': { from: 'pending', to: 'paid' },
      'payment.paidAmount': { to: 12.5 },
      'items.0.rentalIds': { from: [], to: ['sub_a', 'sub_b'] },
      rentalIds: { from: [], to: ['sub_a', 'sub_b'] },
      notes: { from: 'remove me' },
    });
  });

  it('reports nothing for equal objects whatever their key order, and null ≠ absent', () => {
    expect(fieldChanges({ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 })).toEqual({});
    expect(fieldChanges({ expiryDate: null }, {})).toEqual({ expiryDate: { from: null } });
    expect(isDeepEqual([1, { a: 2 }], [1, { a: 3 }])).toBe(false);
  });
});
