import { orderSchema } from '@orderbridge/core';
import { makeOrder } from '@orderbridge/testkit';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors/usage-error.js';
import { ORDER_FIELDS, parseFieldsFlag, projectOrder, readPath } from './order-fields.js';

describe('--fields', () => {
  it('knows exactly the top-level fields of the canonical order', () => {
    expect([...ORDER_FIELDS].sort()).toEqual(Object.keys(orderSchema.shape).sort());
  });

  it('parses dotted paths, with numeric segments for arrays', () => {
    const fields = parseFieldsFlag(
      ' key , customer.email,items.0.unitPrice,extensions.flexfactor.siteId,',
    );
    expect(fields.map((field) => field.segments)).toEqual([
      ['key'],
      ['customer', 'email'],
      ['items', 0, 'unitPrice'],
      ['extensions', 'flexfactor', 'siteId'],
    ]);
    const order = makeOrder('flexportal', 'o1', { extensions: { flexfactor: { siteId: 's9' } } });
    expect(fields.map((field) => readPath(order, field))).toEqual([
      'flexportal:o1',
      'lena.vos@example.org',
      { amountMinor: 4565, currency: 'USD' },
      's9',
    ]);
  });

  it('rejects unknown fields with a suggestion', () => {
    const attempt = (text: string) => {
      try {
        parseFieldsFlag(text);
      } catch (error) {
        expect(UsageError.isInstance(error)).toBe(true);
        return (error as Error).message;
      }
      return 'no error';
    };
    expect(attempt('custmer.email')).toBe(
      '--fields: "custmer.email" is not a field of an order (did you mean "customer"?).',
    );
    expect(attempt('customer.emial')).toBe(
      '--fields: "customer.emial" is not a field of an order (did you mean "customer.email"?).',
    );
    expect(attempt('totals.total.amount')).toContain('did you mean "totals.total.amountMinor"?');
    expect(attempt('status.code')).toContain('is not a field of an order');
    expect(attempt(',')).toContain('list at least one field');
  });

  it('projects an order onto the paths, null for missing values', () => {
    const order = makeOrder('flexportal', 'o1', { merchant: null });
    expect(projectOrder(order, parseFieldsFlag('id,merchant.name,customer.name'))).toEqual({
      id: 'o1',
      merchant: { name: null },
      customer: { name: 'Lena Vos' },
    });
  });
});
