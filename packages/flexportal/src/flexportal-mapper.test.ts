import { orderSchema, ProviderResponseError } from '@orderbridge/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fullOrder, minimalOrder } from './__fixtures__/flexportal-payloads.js';
import { flexPortalOrderSchema } from './flexportal-api.js';
import {
  type FlexPortalOrderExtensions,
  flexPortalExtensionsOf,
  mapFlexPortalOrder,
} from './flexportal-mapper.js';

const context = { provider: 'flexportal' };
const eur = (amountMinor: number) => ({ amountMinor, currency: 'EUR' });

function mapped(record: unknown, options: { includeRaw?: boolean } = {}) {
  return mapFlexPortalOrder(record, { ...context, ...options });
}

/** The issues of the validation error a record throws, as `path: message` lines. */
function violationsOf(record: unknown): string[] {
  try {
    mapped(record);
  } catch (error) {
    if (error instanceof z.ZodError)
      return error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    if (ProviderResponseError.isInstance(error))
      return error.issues.map((issue) => `${issue.path}: ${issue.message}`);
    throw error;
  }
  throw new Error('expected the record to be rejected');
}

describe('mapFlexPortalOrder', () => {
  it('maps every field of a complete order', () => {
    const { value: order, warnings } = mapped(fullOrder());
    expect(warnings).toEqual([]);
    const { extensions, ...canonical } = order;
    expect(canonical).toEqual({
      provider: 'flexportal',
      id: 'ord_7Qm2xk',
      key: 'flexportal:ord_7Qm2xk',
      status: 'processing',
      paymentStatus: 'paid',
      fulfillmentStatus: 'partially_fulfilled',
      providerStatus: { code: 'partial', label: null },
      type: 'upgrade',
      reference: null,
      customer: {
        id: 'cust_91ab',
        email: 'ops@example.org',
        name: 'Lena Vos',
        company: 'Example BV',
      },
      merchant: null,
      items: [
        {
          sku: 'LAPTOP-14-A',
          name: 'Laptop 14 (grade A)',
          quantity: 2,
          unitPrice: eur(3950),
          termMonths: 24,
          fulfillment: { status: 'partially_fulfilled', done: 1 },
          listPrice: eur(129900),
          listPriceSource: 'variant',
          acquisitionCost: eur(90010),
          acquisitionCostSource: 'manual',
        },
        {
          sku: 'DOCK-USB-C',
          name: 'USB-C dock',
          quantity: 1,
          unitPrice: eur(499),
          termMonths: 12,
          fulfillment: { status: 'unfulfilled', done: 0 },
          listPrice: null,
          listPriceSource: 'unknown',
          acquisitionCost: null,
          acquisitionCostSource: 'unknown',
        },
      ],
      totals: { subtotal: eur(8399), tax: eur(1764), total: eur(10163), refunded: null },
      fulfillment: { total: 3, done: 1 },
      // +01:00 converted to UTC; microseconds kept.
      createdAt: '2025-03-01T09:12:00.000Z',
      updatedAt: '2025-03-02T10:00:00.123456Z',
      placedAt: null,
    });
    expect(extensions).toEqual({
      flexportal: {
        tenantId: 'bu_42',
        rentalIds: ['sub_a1'],
        customFields: { purchaseOrderNumber: 'PO-1', costCenter: 42 },
        billingAddress: {
          contactName: 'Lena Vos',
          streetAddress: 'Keizersgracht 1',
          city: 'Amsterdam',
          country: 'Netherlands',
          postalCode: '1015 AA',
          company: 'Example BV',
          buildingInfo: '2nd floor',
          locality: 'Grachtengordel',
          adminArea: 'Noord-Holland',
        },
        shippingAddress: {
          contactName: 'Lena Vos',
          streetAddress: 'Keizersgracht 1',
          city: 'Amsterdam',
          country: 'Netherlands',
        },
        payment: {
          status: 'paid',
          method: 'stripe',
          transactionId: 'pi_fake_123',
          paidAmount: eur(10163),
          manuallyMarked: false,
        },
        customer: {
          phone: '+31 20 000 0000',
          customerType: 'business',
          firstName: 'Lena',
          lastName: 'Vos',
        },
        totalDevices: 3,
        createdBy: 'api',
        notes: 'Deliver to reception.',
        trackingNumber: 'TRACK-0001',
        shippedAt: '2025-03-03',
        billingGroupId: 'bg_7',
        upgradeDetails: {
          previousDevice: 'Laptop 13',
          previousSerialNumber: 'SN-0001',
          previousMonthlyAmount: eur(2990),
          previousRentalId: 'sub_old',
          upgradeReason: 'faster machine',
        },
        items: [
          {
            sku: 'LAPTOP-14-A',
            productId: 'prod_1',
            variantId: 'var_1',
            productImageUrl: 'https://images.example.org/laptop-14.png',
            listPriceOverride: eur(124999),
            acquisitionCostOverride: eur(88000),
            usedListPriceAsAcquisition: false,
            rentalIds: ['sub_a1'],
            rentalStatus: 'partial',
          },
          {
            sku: 'DOCK-USB-C',
            usedListPriceAsAcquisition: false,
            rentalIds: [],
            rentalStatus: 'pending',
          },
        ],
      } satisfies FlexPortalOrderExtensions,
    });
    expect(order.raw).toBeUndefined();
  });

  it('produces orders that satisfy the canonical schema', () => {
    expect(orderSchema.safeParse(mapped(fullOrder()).value).success).toBe(true);
    expect(orderSchema.safeParse(mapped(minimalOrder()).value).success).toBe(true);
  });

  it('maps an order with only the required fields, applying the documented defaults', () => {
    const { value: order, warnings } = mapped(minimalOrder());
    expect(warnings).toEqual([]);
    expect(order.paymentStatus).toBeNull(); // no payment object
    expect(order.totals.tax).toEqual({ amountMinor: 0, currency: 'USD' }); // taxAmount default 0
    expect(order.customer?.company).toBeNull();
    const extensions = flexPortalExtensionsOf(order);
    expect(extensions?.payment).toBeUndefined();
    expect(extensions?.customFields).toBeUndefined();
    expect(extensions?.customer).toEqual({
      customerType: 'individual',
      firstName: 'Ada',
      lastName: 'Min',
    });
    expect(extensions?.totalDevices).toBe(1);
    // The canonical name is the joined form; the split stays in the extension.
    expect(order.customer?.name).toBe('Ada Min');
    expect(extensions?.shippingAddress.postalCode).toBeUndefined();
  });

  it('keeps totals.totalDevices apart from rentalProgress.totalDevices', () => {
    const record = fullOrder();
    (record.totals as { totalDevices: number }).totalDevices = 4;
    const { value: order } = mapped(record);
    expect(flexPortalExtensionsOf(order)?.totalDevices).toBe(4);
    expect(order.fulfillment?.total).toBe(3);
  });

  it('accepts the documented edge values: postalCode null, customFields null', () => {
    const record = fullOrder();
    record.customFields = null;
    (record.billingAddress as Record<string, unknown>).postalCode = null;
    const extensions = flexPortalExtensionsOf(mapped(record).value);
    expect(extensions?.customFields).toBeUndefined();
    expect(extensions?.billingAddress.postalCode).toBeUndefined();
    expect(JSON.stringify(extensions)).not.toContain('postalCode');
  });

  it('leaves out of the extensions every optional field sent as null or not sent, at every depth', () => {
    const nulls = minimalOrder({
      customFields: null,
      payment: { status: 'pending', method: null, transactionId: null, paidAmount: null },
      notes: null,
      trackingNumber: null,
      shippedAt: null,
      billingGroupId: null,
      extensionDetails: null,
      upgradeDetails: null,
    });
    const customer = nulls.customer as Record<string, unknown>;
    customer.phone = null;
    customer.company = null;
    const item = (nulls.items as Record<string, unknown>[])[0] as Record<string, unknown>;
    Object.assign(item, {
      productId: null,
      variantId: null,
      productImageUrl: null,
      listPriceOverride: null,
      acquisitionCostOverride: null,
    });
    const address = nulls.billingAddress as Record<string, unknown>;
    Object.assign(address, { postalCode: null, company: null, buildingInfo: null, locality: null });
    const { value: order } = mapped(nulls);
    const json = JSON.stringify(order.extensions);
    expect(json).not.toContain('null');
    const extensions = JSON.parse(json).flexportal;
    expect(Object.keys(extensions).sort()).toEqual(
      [
        'billingAddress',
        'createdBy',
        'customer',
        'items',
        'payment',
        'rentalIds',
        'shippingAddress',
        'tenantId',
        'totalDevices',
      ].sort(),
    );
    expect(extensions.payment).toEqual({ status: 'pending', manuallyMarked: false });
    expect(Object.keys(extensions.items[0]).sort()).toEqual(
      ['rentalIds', 'rentalStatus', 'sku', 'usedListPriceAsAcquisition'].sort(),
    );
    // The canonical fields keep their nulls: their shape is the same for every provider.
    expect(order.customer?.company).toBeNull();
    expect(order.reference).toBeNull();
    // Every mapped order has the same own keys, sent or not: one object shape for the mapper.
    expect(Object.keys(flexPortalExtensionsOf(order) ?? {})).toEqual(
      Object.keys(flexPortalExtensionsOf(mapped(fullOrder()).value) ?? {}),
    );
  });

  it('ignores fields the documents do not list, at every level', () => {
    const record = fullOrder();
    record.loyaltyTier = 'gold';
    (record.customer as Record<string, unknown>).middleName = 'X';
    (record.items as Array<Record<string, unknown>>)[0]!.warehouse = 'AMS-1';
    (record.totals as Record<string, unknown>).discount = 5;
    const { value: order, warnings } = mapped(record);
    expect(warnings).toEqual([]);
    expect(order).toEqual(mapped(fullOrder()).value);
  });

  it('keeps an order with an undocumented status as unknown, with a warning', () => {
    const { value: order, warnings } = mapped(minimalOrder({ status: 'on_hold' }));
    expect(order.status).toBe('unknown');
    expect(order.fulfillmentStatus).toBe('unknown');
    expect(order.providerStatus).toEqual({ code: 'on_hold', label: null });
    expect(warnings).toEqual([
      expect.objectContaining({
        code: 'unknown-status',
        provider: 'flexportal',
        orderKey: 'flexportal:ord_min1',
      }),
    ]);
  });

  it('warns about an undocumented status on every order that has it, and maps each spelling of a documented one', () => {
    const first = mapped(minimalOrder({ orderId: 'ord_a', status: 'on_hold' }));
    const second = mapped(minimalOrder({ orderId: 'ord_b', status: 'on_hold' }));
    expect(first.warnings.map((warning) => warning.orderKey)).toEqual(['flexportal:ord_a']);
    expect(second.warnings.map((warning) => warning.orderKey)).toEqual(['flexportal:ord_b']);
    for (const status of ['confirmed', 'Confirmed', ' confirmed ', 'confirmed']) {
      const { value: order, warnings } = mapped(minimalOrder({ status }));
      expect(warnings).toEqual([]);
      expect(order.status).toBe('processing');
      expect(order.providerStatus).toEqual({ code: status, label: null });
    }
    // The same order mapped twice gets a status object of its own each time.
    const again = mapped(minimalOrder({ status: 'confirmed' })).value;
    expect(again.providerStatus).not.toBe(
      mapped(minimalOrder({ status: 'confirmed' })).value.providerStatus,
    );
  });

  it('decides the payment status from payment.status', () => {
    const paymentStatus = (status: unknown) =>
      mapped(minimalOrder({ payment: status === undefined ? {} : { status } })).value.paymentStatus;
    expect(paymentStatus('pending')).toBe('pending');
    expect(paymentStatus('paid')).toBe('paid');
    expect(paymentStatus('failed')).toBe('failed');
    expect(paymentStatus(undefined)).toBeNull();
    const unknown = mapped(minimalOrder({ payment: { status: 'refunded' } }));
    expect(unknown.value.paymentStatus).toBe('unknown');
    expect(unknown.warnings).toEqual([
      expect.objectContaining({ code: 'unknown-status', field: 'paymentStatus' }),
    ]);
  });

  it('never takes an inherited property for a documented payment or rental status', () => {
    const record = minimalOrder({ payment: { status: 'constructor' } });
    (record.items as Array<Record<string, unknown>>)[0]!.rentalStatus = 'toString';
    const { value: order, warnings } = mapped(record);
    expect(order.paymentStatus).toBe('unknown');
    expect(order.items[0]?.fulfillment?.status).toBe('unknown');
    expect(warnings.map((warning) => warning.code)).toEqual(['unknown-status', 'unknown-status']);
  });

  it('reports every amount that cannot be read, in the order of the fields', () => {
    const record = fullOrder();
    const items = record.items as Array<Record<string, unknown>>;
    items[0]!.listPriceOverride = 0.001;
    items[1]!.unitPrice = 0.001;
    (record.totals as Record<string, unknown>).total = 0.001;
    expect(violationsOf(record).map((line) => line.split(':')[0])).toEqual([
      'items[1].unitPrice',
      'items[0].listPriceOverride',
      'totals.total',
    ]);
  });

  it('reports an undocumented rentalStatus as an unknown line fulfilment, with a warning', () => {
    const record = minimalOrder();
    (record.items as Array<Record<string, unknown>>)[0]!.rentalStatus = 'lost';
    const { value: order, warnings } = mapped(record);
    expect(order.items[0]?.fulfillment).toEqual({ status: 'unknown', done: 0 });
    expect(warnings[0]?.message).toContain('items[0].rentalStatus "lost"');
  });

  it('converts money exactly with the currency exponent (JPY 0, KWD 3)', () => {
    const yen = mapped(
      minimalOrder({ totals: { subtotal: 1200, total: 1320, taxAmount: 120, currency: 'JPY' } }),
    ).value;
    expect(yen.totals.total).toEqual({ amountMinor: 1320, currency: 'JPY' });
    expect(yen.items[0]?.unitPrice).toEqual({ amountMinor: 19, currency: 'JPY' });
    const dinar = mapped(
      minimalOrder({ totals: { subtotal: 1.25, total: 1.375, taxAmount: 0.125, currency: 'kwd' } }),
    ).value;
    expect(dinar.totals).toEqual({
      subtotal: { amountMinor: 1250, currency: 'KWD' },
      tax: { amountMinor: 125, currency: 'KWD' },
      total: { amountMinor: 1375, currency: 'KWD' },
      refunded: null,
    });
  });

  it('accepts amounts sent as numeric strings', () => {
    const record = minimalOrder({
      totals: { subtotal: '45.65', total: '45.65', currency: 'USD', totalDevices: 1 },
    });
    (record.items as Array<Record<string, unknown>>)[0]!.unitPrice = '45.65';
    const order = mapped(record).value;
    expect(order.totals.total).toEqual({ amountMinor: 4565, currency: 'USD' });
    expect(order.items[0]?.unitPrice).toEqual({ amountMinor: 4565, currency: 'USD' });
  });

  it('rejects an amount that cannot be represented exactly, naming its path', () => {
    const record = minimalOrder({
      totals: { subtotal: 19, total: 0.30000000000000004, currency: 'USD' },
    });
    expect(violationsOf(record)).toEqual([
      expect.stringMatching(/^totals\.total: .*more than 2 fraction digits/),
    ]);
    const yen = minimalOrder({ totals: { subtotal: 19.5, total: 19, currency: 'JPY' } });
    expect(violationsOf(yen)).toEqual([expect.stringMatching(/^totals\.subtotal: /)]);
    const text = minimalOrder({ totals: { subtotal: 'free', total: 19, currency: 'USD' } });
    expect(violationsOf(text)).toEqual([
      expect.stringMatching(/^totals\.subtotal: .*not a decimal/),
    ]);
  });

  it('rejects a record missing a required field or with a wrong type, naming the path', () => {
    const noCustomer = minimalOrder();
    delete noCustomer.customer;
    expect(violationsOf(noCustomer)).toEqual([expect.stringMatching(/^customer: /)]);
    const badQuantity = minimalOrder();
    (badQuantity.items as Array<Record<string, unknown>>)[0]!.quantity = '2';
    expect(violationsOf(badQuantity)).toEqual([expect.stringMatching(/^items\.0\.quantity: /)]);
    expect(violationsOf(minimalOrder({ createdAt: 'yesterday' }))).toEqual([
      expect.stringMatching(/^createdAt: .*ISO 8601/),
    ]);
    expect(
      violationsOf(minimalOrder({ totals: { subtotal: 1, total: 1, currency: 'EURO' } })),
    ).toEqual([expect.stringMatching(/^totals\.currency: /)]);
  });

  it("maps an order read in place exactly like the schema's parsed copy of it", () => {
    // A valid order is read in place, unknown fields and all; the result must not differ from
    // mapping what the schema's parse returns (unknown fields stripped, arrays copied).
    const withUnknownFields = (value: unknown): unknown => {
      if (Array.isArray(value)) return value.map(withUnknownFields);
      if (typeof value !== 'object' || value === null) return value;
      const entries = Object.entries(value).map(([key, field]) => [key, withUnknownFields(field)]);
      return { ...Object.fromEntries(entries), addedLater: { by: 'FlexPortal' }, status2: 7 };
    };
    for (const order of [fullOrder(), minimalOrder({ customFields: null, payment: null })]) {
      const record = withUnknownFields(order);
      expect(flexPortalOrderSchema.validate(record)).toBe(true);
      expect(mapped(record)).toStrictEqual(mapped(flexPortalOrderSchema.parse(record)));
    }
  });

  it('shares no array or record with the wire object', () => {
    const record = fullOrder();
    const { value: order } = mapped(record);
    (record.rentalIds as string[]).push('sub_later');
    ((record.items as Array<Record<string, unknown>>)[0]!.rentalIds as string[]).push('sub_later');
    (record.customFields as Record<string, unknown>).costCenter = 'changed';
    const extensions = flexPortalExtensionsOf(order);
    expect(extensions?.rentalIds).toEqual(['sub_a1']);
    expect(extensions?.items[0]?.rentalIds).toEqual(['sub_a1']);
    expect(extensions?.customFields).toEqual({ purchaseOrderNumber: 'PO-1', costCenter: 42 });
  });

  it('keeps the wire object only when asked', () => {
    const record = fullOrder();
    expect(mapped(record, { includeRaw: true }).value.raw).toBe(record);
    expect('raw' in mapped(record).value).toBe(false);
  });

  it('files extensions under the provider id it was created with', () => {
    const order = mapFlexPortalOrder(minimalOrder(), { provider: 'flexportal-us' }).value;
    expect(order.key).toBe('flexportal-us:ord_min1');
    expect(Object.keys(order.extensions)).toEqual(['flexportal-us']);
    expect(flexPortalExtensionsOf(order)?.tenantId).toBe('bu_42');
  });

  it('maps extension details of an extension order', () => {
    const order = mapped(
      minimalOrder({
        orderType: 'extension',
        extensionDetails: {
          originalOrderId: 'ord_prev',
          extensionMonths: 6,
          previousEndDate: '2025-06-01',
          newEndDate: '2025-12-01',
        },
      }),
    ).value;
    expect(order.type).toBe('extension');
    expect(flexPortalExtensionsOf(order)?.extensionDetails).toEqual({
      originalOrderId: 'ord_prev',
      extensionMonths: 6,
      previousEndDate: '2025-06-01',
      newEndDate: '2025-12-01',
    });
  });
});
