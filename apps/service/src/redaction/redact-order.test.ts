import { makeOrder } from '@orderbridge/testkit';
import { describe, expect, it } from 'vitest';
import { MASKED_TOKEN, maskEmail, maskEmailsInText, redactOrder } from './redact-order.js';

describe('redactOrder', () => {
  it('masks emails and payment instrument tokens everywhere, leaving the input alone', () => {
    const order = makeOrder('flexfactor', '42', {
      customer: { id: 'cus_42', email: 'buyer.42@example.com', name: 'Lena Vos', company: null },
      raw: {
        payer: { Email: 'lena.vos@example.com' },
        transactions: [{ paymentInstrumentToken: 'tok_4242', id: 'tx_1' }],
      },
      extensions: { flexfactor: { billingEmail: 'billing@example.org', siteId: 's1' } },
    });
    const redacted = redactOrder(order);
    expect(redacted.customer?.email).toBe('b***@example.com');
    expect(redacted.raw).toEqual({
      payer: { Email: 'l***@example.com' },
      transactions: [{ paymentInstrumentToken: MASKED_TOKEN, id: 'tx_1' }],
    });
    expect(redacted.extensions.flexfactor).toEqual({
      billingEmail: 'b***@example.org',
      siteId: 's1',
    });
    expect(order.customer?.email).toBe('buyer.42@example.com');
    expect(JSON.stringify(redacted)).not.toContain('tok_4242');
  });
});

describe('maskEmail / maskEmailsInText', () => {
  it('keeps the first character and the domain', () => {
    expect(maskEmail('lena@example.com')).toBe('l***@example.com');
    expect(maskEmail('not-an-email')).toBe('***');
    expect(maskEmailsInText('from lena.vos@example.com and x@y.io')).toBe(
      'from l***@example.com and x***@y.io',
    );
  });
});
