import { orderSchema, type Warning } from '@orderbridge/core';
import { firstOrderDisagreement } from '@orderbridge/testkit';
import { describe, expect, it } from 'vitest';
import { flexFactorOrderListResponseSchema, flexFactorOrderRowSchema } from './flexfactor-api.js';
import {
  type FlexFactorRecordResult,
  flexFactorExtensionsOf,
  readFlexFactorOrderDetail,
  readFlexFactorRow,
} from './flexfactor-mapper.js';
import { flexFactorStatusMap } from './flexfactor-status-map.js';
import { readFixture } from './test-support/read-fixture.js';

const context = { provider: 'flexfactor', statusMap: flexFactorStatusMap };

function seedRows(): unknown[] {
  const response = flexFactorOrderListResponseSchema.parse(
    readFixture('seed-002-list-response.json'),
  );
  return response.orders.rows;
}

function mapped(result: FlexFactorRecordResult) {
  if (!result.ok) throw new Error(`record rejected: ${JSON.stringify(result.issues)}`);
  return result;
}

function row(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...(seedRows()[0] as Record<string, unknown>), ...overrides };
}

describe('the response example of FF-LIST (docs/providers/flexfactor.md)', () => {
  it('parses: page object, two rows, envelope', () => {
    const response = flexFactorOrderListResponseSchema.parse(
      readFixture('seed-002-list-response.json'),
    );
    expect(response.success).toBe(true);
    expect(response.orders).toMatchObject({
      pageCount: 1,
      pageNumber: 1,
      pageSize: 10,
      totalItemCount: 2,
    });
    expect(response.orders.rows).toHaveLength(2);
    expect(response.orderStatuses?.['5']).toBe('Capturerequired');
  });

  it('maps the first row to the exact canonical order, field by field', () => {
    const [first] = seedRows();
    const { order, warnings } = mapped(readFlexFactorRow(first, 'orders.rows[0]', context));
    expect(warnings).toEqual([]);
    expect(order).toEqual({
      provider: 'flexfactor',
      id: '12345678-abcd-1234-efgh-ijklmnopqrst',
      key: 'flexfactor:12345678-abcd-1234-efgh-ijklmnopqrst',
      status: 'completed',
      paymentStatus: 'paid',
      fulfillmentStatus: null,
      // The raw status exactly as sent: the seed's rows spell it "completed".
      providerStatus: { code: 7, label: 'completed' },
      type: null,
      reference: 'ref1234567890',
      customer: { id: null, email: null, name: 'John Appleseed', company: null },
      merchant: {
        id: 'abcd-efgh-ijkl-mnop-qrstuvwx1234',
        name: 'GenericStore',
        storeId: 'store123',
        storeName: 'Example Store',
      },
      items: [],
      totals: {
        subtotal: null,
        tax: null,
        total: { amountMinor: 4565, currency: 'USD' },
        refunded: { amountMinor: 0, currency: 'USD' },
      },
      fulfillment: null,
      createdAt: '2024-03-06T10:09:18.437947Z',
      updatedAt: null,
      placedAt: '2024-03-06T10:09:25.337202Z',
      extensions: {
        flexfactor: {
          isGhostMode: false,
          isMIT: false,
          siteId: 'site1234567',
          descriptor: 'product-description',
          paymentInstrumentToken: 'token12345678901234567890',
          formattedAmount: '$45.65',
          currencySymbol: '$',
        },
      },
    });
    expect(orderSchema.safeParse(order).success).toBe(true);
    // payoutStatus and expiryDate were sent as null: the extensions' JSON has no member for them.
    expect(JSON.stringify(order.extensions)).not.toMatch(/payoutStatus|expiryDate|null/);
  });

  it('maps the second row to the exact canonical order, field by field', () => {
    const [, second] = seedRows();
    const { order } = mapped(readFlexFactorRow(second, 'orders.rows[1]', context));
    expect(order).toEqual({
      provider: 'flexfactor',
      id: 'abcdef12-3456-7890-abcd-efghijklmnop',
      key: 'flexfactor:abcdef12-3456-7890-abcd-efghijklmnop',
      status: 'completed',
      paymentStatus: 'paid',
      fulfillmentStatus: null,
      // The raw status exactly as sent: the seed's rows spell it "completed".
      providerStatus: { code: 7, label: 'completed' },
      type: null,
      reference: 'ref0987654321',
      customer: { id: null, email: null, name: 'Jane Doe', company: null },
      merchant: {
        id: 'abcd-efgh-ijkl-mnop-qrstuvwx1234',
        name: 'GenericStore',
        storeId: 'store123',
        storeName: 'Example Store',
      },
      items: [],
      totals: {
        subtotal: null,
        tax: null,
        // `"amount": 3` is 3.00 USD.
        total: { amountMinor: 300, currency: 'USD' },
        refunded: { amountMinor: 0, currency: 'USD' },
      },
      fulfillment: null,
      createdAt: '2024-03-06T09:43:07.387804Z',
      updatedAt: null,
      placedAt: '2024-03-06T09:43:24.254865Z',
      extensions: {
        flexfactor: {
          isGhostMode: false,
          isMIT: false,
          siteId: 'site1234567',
          descriptor: 'product-description',
          paymentInstrumentToken: 'token12345678901234567890',
          formattedAmount: '$3',
          currencySymbol: '$',
        },
      },
    });
    expect(orderSchema.safeParse(order).success).toBe(true);
  });

  it('files the extensions under the provider id, typed by flexFactorExtensionsOf', () => {
    const [first] = seedRows();
    const renamed = mapped(
      readFlexFactorRow(first, '', { ...context, provider: 'flexfactor-eu' }),
    ).order;
    expect(Object.keys(renamed.extensions)).toEqual(['flexfactor-eu']);
    expect(flexFactorExtensionsOf(renamed)?.siteId).toBe('site1234567');
    expect(flexFactorExtensionsOf(renamed, 'flexportal')).toBeUndefined();
  });

  it('keeps the wire row as raw only when asked', () => {
    const [first] = seedRows();
    expect(mapped(readFlexFactorRow(first, '', context)).order.raw).toBeUndefined();
    const withRaw = mapped(readFlexFactorRow(first, '', { ...context, includeRaw: true }));
    expect(withRaw.order.raw).toBe(first);
  });
});

describe('money', () => {
  it.each([
    [{ amount: 1200, currencyCode: 'JPY', refundsAmount: 200 }, 1200, 200, 'JPY'],
    [{ amount: 1.25, currencyCode: 'KWD', refundsAmount: 0.005 }, 1250, 5, 'KWD'],
    [{ amount: '45.65', currencyCode: 'USD', refundsAmount: '10.1' }, 4565, 1010, 'USD'],
    [{ amount: 0.1, currencyCode: 'usd', refundsAmount: 0 }, 10, 0, 'USD'],
  ])('converts %j exactly', (fields, total, refunded, currency) => {
    const { order } = mapped(readFlexFactorRow(row(fields), '', context));
    expect(order.totals.total).toEqual({ amountMinor: total, currency });
    expect(order.totals.refunded).toEqual({ amountMinor: refunded, currency });
  });

  it('maps an absent refundsAmount to null (unknown), and 0 to zero', () => {
    const absent = row();
    delete absent.refundsAmount;
    expect(mapped(readFlexFactorRow(absent, '', context)).order.totals.refunded).toBeNull();
    expect(
      mapped(readFlexFactorRow(row({ refundsAmount: 0 }), '', context)).order.totals.refunded,
    ).toEqual({ amountMinor: 0, currency: 'USD' });
  });

  it.each([
    [{ amount: 1.5, currencyCode: 'JPY' }, 'orders.rows[3].amount', 'fraction digit'],
    [{ amount: 'lots' }, 'orders.rows[3].amount', ''],
    [{ amount: null }, 'orders.rows[3].amount', ''],
    [{ currencyCode: 'US' }, 'orders.rows[3].currencyCode', 'ISO 4217'],
    [{ refundsAmount: 0.001 }, 'orders.rows[3].refundsAmount', 'fraction digit'],
  ])('rejects %j with the JSON path of the field', (fields, path, message) => {
    const result = readFlexFactorRow(row(fields), 'orders.rows[3]', context);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.recordId).toBe('12345678-abcd-1234-efgh-ijklmnopqrst');
    expect(result.issues[0]?.path).toBe(path);
    expect(result.issues[0]?.message).toContain(message);
  });
});

describe('reading a valid row in place', () => {
  it("maps it exactly like the schema's parsed copy, unknown fields ignored", () => {
    for (const seed of seedRows()) {
      const drifted = {
        ...(seed as Record<string, unknown>),
        // Fields a list row does not document: the single order's email and names among them.
        email: 'not-from-the-list@example.org',
        firstName: 'Not',
        lastName: 'Listed',
        addedLater: { by: 'FlexFactor' },
      };
      const inPlace = mapped(readFlexFactorRow(drifted, 'orders.rows[0]', context));
      const parsed = mapped(
        readFlexFactorRow(flexFactorOrderRowSchema.parse(drifted), 'orders.rows[0]', context),
      );
      expect(inPlace).toStrictEqual(parsed);
      expect(inPlace.order.customer?.email).toBeNull();
    }
  });
});

describe('timestamps', () => {
  it('keeps microseconds and reads a zone-less value as UTC', () => {
    const { order } = mapped(
      readFlexFactorRow(
        row({ createdOn: '2024-03-06T10:09:18.4379470', orderPlacedDate: null }),
        '',
        context,
      ),
    );
    expect(order.createdAt).toBe('2024-03-06T10:09:18.437947Z');
    expect(order.placedAt).toBeNull();
  });

  it('converts an offset to UTC', () => {
    const { order } = mapped(
      readFlexFactorRow(row({ createdOn: '2024-03-06T12:09:18.437947+02:00' }), '', context),
    );
    expect(order.createdAt).toBe('2024-03-06T10:09:18.437947Z');
  });

  it('rejects an unreadable createdOn and a missing id with their paths', () => {
    const bad = readFlexFactorRow(row({ createdOn: 'yesterday' }), 'orders.rows[0]', context);
    expect(bad.ok ? [] : bad.issues.map((issue) => issue.path)).toEqual([
      'orders.rows[0].createdOn',
    ]);
    const noId = row();
    delete noId.id;
    const missing = readFlexFactorRow(noId, 'orders.rows[1]', context);
    expect(missing.ok).toBe(false);
    if (!missing.ok) {
      expect(missing.recordId).toBeUndefined();
      expect(missing.issues[0]?.path).toBe('orders.rows[1].id');
    }
  });

  it('reports a row that is not an object', () => {
    const result = readFlexFactorRow('oops', 'orders.rows[2]', context);
    expect(result.ok ? [] : result.issues.map((issue) => issue.path)).toEqual(['orders.rows[2]']);
  });
});

describe('statuses on rows', () => {
  it('maps by code first, then by label, case-insensitively', () => {
    const byCode = mapped(readFlexFactorRow(row({ status: 5, statusName: 'x' }), '', context));
    expect(byCode.order.status).toBe('processing');
    expect(byCode.order.paymentStatus).toBe('requires_capture');
    const byLabel = mapped(
      readFlexFactorRow(row({ status: 'CAPTUREREQUIRED', statusName: null }), '', context),
    );
    expect(byLabel.order.paymentStatus).toBe('requires_capture');
    // The raw status is kept exactly as sent.
    expect(byLabel.order.providerStatus).toEqual({ code: 'CAPTUREREQUIRED', label: null });
  });

  it('keeps an unknown status as unknown with a warning, never dropping the order', () => {
    const result = mapped(
      readFlexFactorRow(row({ status: 9, statusName: 'Refundpending' }), '', {
        ...context,
        statusLabels: { '9': 'Refundpending' },
      }),
    );
    expect(result.order.status).toBe('unknown');
    expect(result.order.paymentStatus).toBe('unknown');
    expect(result.order.providerStatus).toEqual({ code: 9, label: 'Refundpending' });
    expect(result.warnings).toEqual<Warning[]>([
      expect.objectContaining({
        code: 'unknown-status',
        provider: 'flexfactor',
        orderKey: 'flexfactor:12345678-abcd-1234-efgh-ijklmnopqrst',
      }),
    ]);
  });

  it("recognises a Chargeback code by the response's orderStatuses: payment disputed, no warning", () => {
    const result = mapped(
      readFlexFactorRow(row({ status: 8, statusName: 'chargeback' }), '', {
        ...context,
        statusLabels: { '7': 'Completed', '8': 'Chargeback' },
      }),
    );
    expect(result.order).toMatchObject({
      status: 'completed',
      paymentStatus: 'disputed',
      fulfillmentStatus: null,
      providerStatus: { code: 8, label: 'chargeback' },
    });
    expect(result.warnings).toEqual([]);
  });

  it.each([
    [7, 45.65, 0, 'paid'],
    [7, 45.65, 10, 'partially_refunded'],
    [7, 45.65, 45.65, 'refunded'],
    [6, 45.65, 45.65, 'refunded'],
    [6, 45.65, 5.5, 'partially_refunded'],
    [4, 45.65, 0, 'pending'],
  ] as const)(
    'status %i with amount %d and refundsAmount %d has payment %s',
    (status, amount, refundsAmount, payment) => {
      const result = mapped(readFlexFactorRow(row({ status, amount, refundsAmount }), '', context));
      expect(result.order.paymentStatus).toBe(payment);
      expect(result.order.fulfillmentStatus).toBeNull();
    },
  );

  it('reads Problem as on hold with a pending payment, and Cancelled as a failed payment', () => {
    const problem = mapped(
      readFlexFactorRow(row({ status: 3, statusName: 'problem' }), '', context),
    );
    expect([problem.order.status, problem.order.paymentStatus]).toEqual(['on_hold', 'pending']);
    const cancelled = mapped(
      readFlexFactorRow(row({ status: 2, statusName: 'cancelled' }), '', context),
    );
    expect([cancelled.order.status, cancelled.order.paymentStatus]).toEqual([
      'cancelled',
      'failed',
    ]);
  });
});

describe('the single order (GET /v1/orders/{id})', () => {
  it('agrees with the listed order, adding its own fields, although it spells the status in upper case', () => {
    const body = readFixture('order-detail.json');
    const detail = mapped(readFlexFactorOrderDetail(body, context));
    const listed = mapped(
      readFlexFactorRow(
        row({
          status: 5,
          statusName: 'capturerequired',
          expiryDate: '2024-03-13T10:09:25.337202Z',
        }),
        '',
        context,
      ),
    );
    const { detail: extra, ...listFields } = flexFactorExtensionsOf(detail.order)!;
    // Same order, more detail: the email, and the single order's own fields under `detail`.
    expect({
      ...detail.order,
      customer: { ...detail.order.customer, email: null },
      providerStatus: { ...detail.order.providerStatus, label: 'capturerequired' },
      extensions: { flexfactor: listFields },
    }).toEqual(listed.order);
    expect(firstOrderDisagreement(detail.order, listed.order)).toBeUndefined();
    expect(detail.order.customer?.email).toBe('john.appleseed@example.com');
    expect(detail.order.providerStatus).toEqual({ code: 5, label: 'CAPTUREREQUIRED' });
    expect(extra).toMatchObject({ email: 'john.appleseed@example.com' });
    // shippingAddress null, secondaryEmail "" and payoutStatus null are left out of the JSON.
    expect(Object.keys(JSON.parse(JSON.stringify(extra)))).not.toContain('shippingAddress');
    expect(JSON.stringify(flexFactorExtensionsOf(detail.order))).not.toMatch(
      /secondaryEmail|payoutStatus|null/,
    );
    expect(orderSchema.safeParse(detail.order).success).toBe(true);
  });

  it('names the customer from first and last name when payerName is absent', () => {
    const body = readFixture('order-detail.json') as Record<string, unknown>;
    delete body.payerName;
    expect(mapped(readFlexFactorOrderDetail(body, context)).order.customer?.name).toBe(
      'John Appleseed',
    );
  });

  it('rejects a single order without amount', () => {
    const body = readFixture('order-detail.json') as Record<string, unknown>;
    delete body.amount;
    const result = readFlexFactorOrderDetail(body, context);
    expect(result.ok ? [] : result.issues.map((issue) => issue.path)).toEqual(['amount']);
  });
});
