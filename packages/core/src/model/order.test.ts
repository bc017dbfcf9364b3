import { describe, expect, it } from 'vitest';
import { makeOrder } from '../test-support/array-provider.js';
import { orderSchema, parseOrderKey } from './order.js';

describe('orderSchema', () => {
  it('accepts a complete canonical order', () => {
    expect(orderSchema.safeParse(makeOrder('flexportal', 'ord_1')).success).toBe(true);
  });

  it('names the field that is wrong', () => {
    const result = orderSchema.safeParse({
      ...makeOrder('flexportal', 'ord_1'),
      createdAt: '2025-01-01 10:00',
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['createdAt']);
  });

  it('requires key to be <provider>:<id>', () => {
    const result = orderSchema.safeParse({
      ...makeOrder('flexportal', 'ord_1'),
      key: 'flexportal:ord_2',
    });
    expect(result.error?.issues[0]?.path).toEqual(['key']);
  });

  it('refuses float money', () => {
    const order = makeOrder('a', '1');
    const result = orderSchema.safeParse({
      ...order,
      totals: { ...order.totals, total: { amountMinor: 45.65, currency: 'USD' } },
    });
    expect(result.success).toBe(false);
  });
});

describe('parseOrderKey', () => {
  it('splits at the first colon', () => {
    expect(parseOrderKey('flexfactor:12:34')).toEqual({ provider: 'flexfactor', id: '12:34' });
  });
  it.each(['', 'nocolon', ':id', 'provider:', 'Bad Provider:1'])('refuses %j', (key) => {
    expect(parseOrderKey(key)).toBeUndefined();
  });
});
