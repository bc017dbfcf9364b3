import { describe, expect, it } from 'vitest';
import { acmeOrderSchema } from './acme-api.js';
import { ACME_DOCUMENTED_STATES, acmeStatusMap, mapAcmeOrder } from './acme-mapper.js';

// A hand-written record in the shape of Acme's documentation example, so the mapping is checked
// against the docs rather than against the simulator (which shares no code with the mapper).
const record = acmeOrderSchema.parse({
  id: 'A-20001',
  state: 'partially_shipped',
  customer: { id: 'c_9', email: 'lena@example.com', name: 'Lena Vos' },
  lines: [
    { sku: 'MUG-01', title: 'Enamel mug', quantity: 2, unit_price: '12.50' },
    { sku: 'TEE-02', title: 'Logo tee', quantity: 1, unit_price: '20.65' },
  ],
  currency: 'EUR',
  subtotal: '45.65',
  tax: '9.13',
  total: '54.78',
  created_at: '2025-03-01T10:00:00Z',
  updated_at: '2025-03-02T08:30:00+01:00',
  ignored_future_field: true,
});

describe('mapAcmeOrder', () => {
  it('maps money exactly, times to UTC and the state through the status map', () => {
    const { order, warning } = mapAcmeOrder(record, { provider: 'acme' });
    expect(warning).toBeUndefined();
    expect(order).toMatchObject({
      key: 'acme:A-20001',
      status: 'processing',
      paymentStatus: 'paid',
      fulfillmentStatus: 'partially_fulfilled',
      providerStatus: { code: 'partially_shipped', label: null },
      totals: {
        subtotal: { amountMinor: 4565, currency: 'EUR' },
        tax: { amountMinor: 913, currency: 'EUR' },
        total: { amountMinor: 5478, currency: 'EUR' },
        refunded: null,
      },
      createdAt: '2025-03-01T10:00:00.000Z',
      updatedAt: '2025-03-02T07:30:00.000Z',
    });
    expect(order.items[1]?.unitPrice).toEqual({ amountMinor: 2065, currency: 'EUR' });
    expect(order.raw).toBeUndefined();
    expect(mapAcmeOrder(record, { provider: 'acme', includeRaw: true }).order.raw).toBe(record);
  });

  it('maps an undocumented state to unknown with a warning, keeping the raw value', () => {
    const { order, warning } = mapAcmeOrder(
      { ...record, state: 'lost_in_transit' },
      { provider: 'acme' },
    );
    expect(order).toMatchObject({
      status: 'unknown',
      paymentStatus: 'unknown',
      fulfillmentStatus: 'unknown',
      providerStatus: { code: 'lost_in_transit' },
    });
    expect(warning).toMatchObject({ code: 'unknown-status', orderKey: 'acme:A-20001' });
  });

  it('has a status map entry for every documented state', () => {
    expect(acmeStatusMap.entries.map((entry) => entry.code)).toEqual([...ACME_DOCUMENTED_STATES]);
  });
});
