import { makeOrder } from '@orderbridge/testkit';
import { describe, expect, it } from 'vitest';
import { maskEmail, maskToken, redactOrder } from './redact-order.js';

describe('redaction', () => {
  it('masks emails keeping the first character and the domain', () => {
    expect(maskEmail('lena.vos@example.org')).toBe('l***@example.org');
    expect(maskEmail('not an email')).toBe('***');
  });

  it('masks tokens keeping a prefix and the last four characters', () => {
    expect(maskToken('tok_9f8e7d6c5b4a1234')).toBe('tok…1234');
    expect(maskToken('short')).toBe('***');
  });

  it('masks every email and token in the order, leaving everything else and the input untouched', () => {
    const order = makeOrder('flexfactor', '1', {
      extensions: {
        flexfactor: { paymentInstrumentToken: 'tok_abcdefgh5678', descriptor: 'ACME' },
      },
      raw: { Email: 'lena.vos@example.org', items: [{ cardToken: 'ct_0000111122223333' }] },
    });
    const redacted = redactOrder(order);
    expect(redacted.customer?.email).toBe('l***@example.org');
    expect(redacted.extensions.flexfactor).toEqual({
      paymentInstrumentToken: 'tok…5678',
      descriptor: 'ACME',
    });
    expect(redacted.raw).toEqual({ Email: 'l***@example.org', items: [{ cardToken: 'ct_…3333' }] });
    expect({
      ...redacted,
      customer: order.customer,
      extensions: order.extensions,
      raw: order.raw,
    }).toEqual(order);
    expect(order.customer?.email).toBe('lena.vos@example.org');
  });
});
