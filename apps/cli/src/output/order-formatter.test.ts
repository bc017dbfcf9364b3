import type { Order } from '@orderbridge/core';
import { makeOrder } from '@orderbridge/testkit';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { colorsFor } from './color.js';
import { CSV_COLUMN_NAMES } from './csv-columns.js';
import { parseFieldsFlag } from './order-fields.js';
import { createOrderFormatter, type OrderFormatterSettings } from './order-formatter.js';
import { renderOrderDetail } from './order-table.js';
import type { OutputFormat } from './output-format.js';

const colors = colorsFor(false);

function render(
  orders: readonly Order[],
  settings: Partial<OrderFormatterSettings> & { format: OutputFormat },
): string {
  const formatter = createOrderFormatter({ colors, ...settings });
  // Two batches, to prove separators and headers do not depend on batch boundaries.
  const half = Math.ceil(orders.length / 2);
  return (
    formatter.header() +
    formatter.orders(orders.slice(0, half), 0) +
    formatter.orders(orders.slice(half), half) +
    formatter.footer()
  );
}

const tricky = makeOrder('flexportal', 'ord_1', {
  reference: 'PO 7, "rush"',
  customer: { id: 'c1', email: 'a@example.org', name: 'Vos, Lena\nline two', company: 'Acme "BV"' },
});
const yen = makeOrder('flexfactor', 'ff_2', {
  totals: {
    subtotal: null,
    tax: null,
    total: { amountMinor: 1200, currency: 'JPY' },
    refunded: { amountMinor: 500, currency: 'EUR' },
  },
});
const dinar = makeOrder('flexportal', 'ord_3', {
  totals: {
    subtotal: { amountMinor: 1000, currency: 'KWD' },
    tax: { amountMinor: 250, currency: 'KWD' },
    total: { amountMinor: 1250, currency: 'KWD' },
    refunded: null,
  },
});

describe('CSV', () => {
  it('writes the stable header and RFC 4180 records (CRLF, quotes doubled, commas and newlines quoted)', () => {
    const text = render([tricky], { format: 'csv' });
    const [header, ...rest] = text.split('\r\n');
    expect(header).toBe(CSV_COLUMN_NAMES.join(','));
    expect(header).toBe(
      'key,provider,id,status,payment_status,fulfillment_status,provider_status_code,provider_status_label,type,reference,customer_id,customer_name,customer_email,customer_company,merchant_id,merchant_name,store_id,store_name,total,currency,subtotal,tax,refunded,item_count,fulfillment_done,fulfillment_total,created_at,updated_at,placed_at',
    );
    const record = rest.join('\r\n');
    expect(record).toContain('"PO 7, ""rush"""');
    expect(record).toContain('"Vos, Lena\nline two"');
    expect(record).toContain('"Acme ""BV"""');
    expect(text.endsWith('\r\n')).toBe(true);
  });

  it('reads back with a CSV parser to the same values', () => {
    const text = render([tricky, yen, dinar], { format: 'csv' });
    const rows = parse(text, { columns: true }) as Array<Record<string, string>>;
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatchObject({
      key: 'flexportal:ord_1',
      reference: 'PO 7, "rush"',
      customer_name: 'Vos, Lena\nline two',
      customer_company: 'Acme "BV"',
      customer_email: 'a@example.org',
      total: '91.30',
      currency: 'USD',
      subtotal: '91.30',
      tax: '0.00',
      refunded: '',
      item_count: '1',
      fulfillment_done: '0',
      fulfillment_total: '2',
      created_at: '2025-01-02T03:04:05.000Z',
      updated_at: '',
    });
  });

  it('writes money as exact decimals in the currency’s minor unit (USD 2, JPY 0, KWD 3)', () => {
    const rows = parse(render([yen, dinar], { format: 'csv' }), { columns: true }) as Array<
      Record<string, string>
    >;
    expect(rows[0]).toMatchObject({
      total: '1200',
      currency: 'JPY',
      refunded: '5.00 EUR',
      subtotal: '',
    });
    expect(rows[1]).toMatchObject({
      total: '1.250',
      currency: 'KWD',
      subtotal: '1.000',
      tax: '0.250',
    });
  });

  it('selects columns by CSV name or dotted path with --fields', () => {
    const fields = parseFieldsFlag('key,customer_email,totals.total,items.0.sku', CSV_COLUMN_NAMES);
    const text = render([tricky], { format: 'csv', fields });
    expect(parse(text, { columns: true })).toEqual([
      {
        key: 'flexportal:ord_1',
        customer_email: 'a@example.org',
        'totals.total': '91.30 USD',
        'items.0.sku': 'LAP-14',
      },
    ]);
  });

  it('writes only the header for no orders', () => {
    expect(render([], { format: 'csv' })).toBe(`${CSV_COLUMN_NAMES.join(',')}\r\n`);
  });
});

describe('JSON and NDJSON', () => {
  it('NDJSON: one canonical order per line', () => {
    const lines = render([tricky, yen, dinar], { format: 'ndjson' }).trimEnd().split('\n');
    expect(lines.map((line) => JSON.parse(line))).toEqual([tricky, yen, dinar]);
  });

  it('JSON array: valid for any number of orders and batch boundaries', () => {
    for (const orders of [[], [tricky], [tricky, yen, dinar]]) {
      expect(JSON.parse(render(orders, { format: 'json', jsonShape: 'array' }))).toEqual(orders);
    }
  });

  it('JSON listing: orders plus nextCursor, warnings and errors', () => {
    const formatter = createOrderFormatter({ format: 'json', jsonShape: 'listing', colors });
    const text =
      formatter.header() +
      formatter.orders([tricky], 0) +
      formatter.footer({
        nextCursor: 'c2',
        warnings: [
          { code: 'filter-emulated', message: 'm', provider: 'flexfactor', field: 'merchantId' },
        ],
        errors: [],
      });
    expect(JSON.parse(text)).toEqual({
      orders: [tricky],
      nextCursor: 'c2',
      warnings: [
        { code: 'filter-emulated', message: 'm', provider: 'flexfactor', field: 'merchantId' },
      ],
      errors: [],
    });
  });

  it('--fields keeps the nesting of the chosen paths', () => {
    const fields = parseFieldsFlag('key,customer.email,totals.total');
    const [line] = render([tricky], { format: 'ndjson', fields }).trimEnd().split('\n');
    expect(JSON.parse(line!)).toEqual({
      key: 'flexportal:ord_1',
      customer: { email: 'a@example.org' },
      totals: { total: { amountMinor: 9130, currency: 'USD' } },
    });
  });
});

describe('table', () => {
  it('shows key, status, payment, customer, total with currency and created', () => {
    const text = render([tricky, dinar], { format: 'table' });
    const [header, first] = text.split('\n');
    expect(header).toMatch(/^KEY\s+STATUS\s+PAYMENT\s+CUSTOMER\s+TOTAL\s+CREATED$/);
    expect(first).toMatch(/^flexportal:ord_1\s+processing\s+paid\s+Vos, Lena/);
    expect(text).toContain('$91.30');
    expect(text).toContain('KWD');
    expect(text).toContain('1.250');
    expect(text).toContain('2025-01-02 03:04');
    expect(text).not.toContain('\u001b[');
  });
});

describe('table width', () => {
  const longKey = makeOrder('flexfactor', '613f30ec-3cdb-4d84-b274-6a18cc4567b1', {
    customer: {
      id: null,
      email: null,
      name: 'Maximilian Alexander von Hohenstein-Ebersberg',
      company: null,
    },
  });

  it('fits a terminal by shortening keys in the middle and names at the end, with an ellipsis', () => {
    const text = render([longKey, tricky], { format: 'table', width: 90 });
    const lines = text.trimEnd().split('\n');
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(90);
    expect(lines[1]).toMatch(/^flexfactor:613f…/);
    expect(lines[1]).toMatch(/4567b1\s/);
    expect(text).toContain('Maximilia…');
    expect(text).not.toContain('Hohenstein-Ebersberg');
    expect(text).toContain('…');
  });

  it('shows every cell in full without a width (--wide, or a pipe)', () => {
    const text = render([longKey], { format: 'table' });
    expect(text).toContain('flexfactor:613f30ec-3cdb-4d84-b274-6a18cc4567b1');
    expect(text).toContain('Maximilian Alexander von Hohenstein-Ebersberg');
    expect(text).not.toContain('…');
  });

  it('leaves a table that fits as it is', () => {
    expect(render([tricky], { format: 'table', width: 200 })).toBe(
      render([tricky], { format: 'table' }),
    );
  });
});

describe('order detail', () => {
  it('shows the customer and the company on lines of their own', () => {
    const order = makeOrder('flexportal', 'ord_5', {
      customer: { id: 'c5', email: 'lena@example.org', name: 'Lena Vos', company: 'Example BV' },
    });
    const text = renderOrderDetail(order, { colors });
    expect(text).toMatch(/^customer:\s+Lena Vos <lena@example\.org> \(id c5\)$/m);
    expect(text).toMatch(/^company:\s+Example BV$/m);
  });
});

describe('--redact', () => {
  const withToken = makeOrder('flexfactor', 'ff_9', {
    customer: { id: 'c', email: 'lena.vos@example.org', name: 'Lena', company: null },
    extensions: { flexfactor: { paymentInstrumentToken: 'tok_9f8e7d6c5b4a1234', siteId: 's1' } },
    raw: {
      email: 'lena.vos@example.org',
      paymentInstrumentToken: 'tok_9f8e7d6c5b4a1234',
      nested: [{ secondaryEmail: 'x@y.org' }],
    },
  });

  it.each(['ndjson', 'json', 'csv', 'table'] as const)(
    'masks emails and payment tokens in %s',
    (format) => {
      const fields =
        format === 'csv' || format === 'table'
          ? parseFieldsFlag(
              'customer.email,extensions.flexfactor.paymentInstrumentToken,raw',
              format === 'csv' ? CSV_COLUMN_NAMES : [],
            )
          : undefined;
      const text = render([withToken], { format, redact: true, fields, jsonShape: 'array' });
      expect(text).not.toContain('lena.vos@example.org');
      expect(text).not.toContain('tok_9f8e7d6c5b4a1234');
      expect(text).not.toContain('x@y.org');
      expect(text).toContain('l***@example.org');
      expect(text).toContain('tok…1234');
    },
  );

  it('leaves the output alone without --redact', () => {
    expect(render([withToken], { format: 'ndjson' })).toContain('tok_9f8e7d6c5b4a1234');
  });
});
